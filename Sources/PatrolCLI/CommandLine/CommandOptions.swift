import PatrolGitHub
import PatrolCore
/// Options every command accepts.
public struct GlobalOptions: Sendable, Equatable {
    /// `--config PATH`; nil leaves the choice to ``FleetConfig/locate(flag:environment:)``.
    public var configPath: String?
    /// `--ledger PATH`; nil leaves the choice to `$PATROL_LEDGER`, else the config's `ledger`.
    public var ledgerPath: String?
    /// `--api-url URL`; checked where the API base is resolved.
    public var apiURL: String?
    /// `--ca-file PATH`: CA certificates to trust besides the system store; checked where the transport is made.
    public var caFile: String?
    /// `--json`: one JSON document on stdout.
    public var json = false
    /// `--quiet`: results and errors only.
    public var quiet = false
    /// `--verbose`: request lines on stderr.
    public var verbose = false
    /// `--no-color`; the console also honours `NO_COLOR`.
    public var noColor = false

    public init() {}
}

extension GlobalOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .option("--config", value: "PATH", "the fleet config", default: "$PATROL_CONFIG, else \(FleetConfig.defaultPath)",
                \.configPath, .path()),
        .option("--ledger", value: "PATH", "the ledger: which token each repository holds (fingerprints only, safe to commit)",
                default: "$PATROL_LEDGER, else the config's ledger, ledger.json beside the config", \.ledgerPath, .path()),
        .option("--api-url", value: "URL", "the GitHub API base, e.g. https://HOST/api/v3 for Enterprise Server",
                default: "$GITHUB_API_URL, else the config's apiURL, else https://api.github.com",
                \.apiURL, .nonEmpty("a URL such as https://api.github.com")),
        .option("--ca-file", value: "PATH", "trust the CA certificates in this PEM file too (a private CA, a TLS-inspecting proxy)",
                default: "$PATROL_CA_FILE, else $SSL_CERT_FILE, else the system store only",
                \.caFile, .path("a PEM file of CA certificates")),
        .flag("--json", "print one JSON document on stdout and nothing else there (every command, version and demo included)", \.json),
        .flag("--quiet", "print only results, failures, warnings and the summary (doctor counts passing checks; status lists only repositories that are not current)",
              \.quiet),
        .flag("--verbose", "print each request line and the proxy in use to stderr (Authorization redacted)", \.verbose),
        .flag("--no-color", "no colors (the NO_COLOR variable does the same)", \.noColor),
        .command("--help", alias: "-h", "show help"),
        .command("--version", "print patrol's version"),
    ]
}

/// Where the token, and the credential that calls the API, come from (spec §3.1).
///
/// At most one of stdin, `--token-env` and `--token-file` (two are a usage error); without any,
/// `PAT_TOKEN`, then the prompt.
public struct TokenOptions: Sendable, Equatable {
    /// `--token-stdin`.
    public var fromStandardInput = false
    /// `--token-env NAME`.
    public var environmentVariable: String?
    /// `--token-file PATH`.
    public var filePath: String?
    /// `--auth-env NAME`: a different credential for the API calls.
    public var authEnvironmentVariable: String?
    /// `--app-id ID`: call the API as this GitHub App (checked where it is used: a positive integer).
    public var appID: String?
    /// `--app-key-file PATH`: the App's private key (PEM, mode 600).
    public var appKeyFile: String?

    public init() {}
}

extension TokenOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .flag("--token-stdin", "read the token from the first line of standard input", \.fromStandardInput),
        .option("--token-env", value: "NAME", "read the token from the environment variable NAME", \.environmentVariable, .credentialVariable),
        .option("--token-file", value: "PATH", "read the token from a file readable only by you (mode 600)", \.filePath, .path()),
        .option("--auth-env", value: "NAME", "call the API with the credential in variable NAME, e.g. GH_TOKEN", default: "the token itself",
                \.authEnvironmentVariable, .credentialVariable),
        .option("--app-id", value: "ID", "call the API as this GitHub App (docs/github-app.md)", default: "$PATROL_APP_ID, else the config's app.id",
                \.appID, .nonEmpty("the App's numeric id")),
        .option("--app-key-file", value: "PATH", "the App's private key, PEM, readable only by you (mode 600)",
                default: "the config's app.privateKeyFile, else $PATROL_APP_PRIVATE_KEY", \.appKeyFile, .path()),
    ]
}

/// `rollout` options, which `rotate` shares.
public struct RolloutOptions: Sendable, Equatable {
    /// `--repos a,b` as given; nil means the whole fleet. See ``FleetConfig/selecting(_:)``.
    public var repositories: [String]?
    /// `--dry-run`.
    public var dryRun = false
    /// `--resume`.
    public var resume = false
    /// `--concurrency N`, 1…64; by default the write burst's default (``Rollout/defaultConcurrency``).
    public var concurrency = Rollout.defaultConcurrency
    /// `--write-rate R`: uploads per second, > 0.
    public var writeRate = 1.0
    /// `--write-burst B`: uploads at once before the rate applies, 1…1000.
    public var writeBurst = RateGovernor.Settings.defaultWriteBurst
    /// `--allow-expiring`: roll out a token inside `criticalDays`, or expired, instead of refusing it.
    public var allowExpiring = false
    /// `--targets KIND[,KIND]`; nil means every kind the config has.
    public var targets: Set<SecretTargetKind>?
    /// `--create-environments`: create an environment secret's missing environment.
    public var createEnvironments = false
    /// `--prune-selection`: remove repositories outside the fleet from an organization secret's selection.
    public var pruneSelection = false

    public init() {}
}

extension RolloutOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .repos("repositories to upload to, by name or owner/name (the repository-bound targets)", \.repositories),
        .targets("kinds of secret target to upload to", \.targets),
        .flag("--dry-run", "check the token, fetch keys and seal, upload nothing: show the plan per target "
              + "(create, update, current, drifted; select, deselect)", \.dryRun),
        .flag("--create-environments", "create an environment secret's environment when it does not exist (needs admin on the repository)",
              \.createEnvironments),
        .flag("--prune-selection", "remove repositories outside the fleet from the organization secret's selection", \.pruneSelection),
        .flag("--resume", "upload only where the ledger says this token is not there yet", \.resume),
        .flag("--allow-expiring", "roll out a token inside policy.criticalDays, or expired, instead of refusing it", \.allowExpiring),
        .concurrency(),
        .option("--write-rate", value: "R", "uploads per second after the burst, more than 0", default: "1",
                \.writeRate, .decimal("a number above 0, at most 1000") { $0 > 0 && $0 <= 1000 }),
        .option("--write-burst", value: "B", "uploads sent at once before the rate applies, 1 to 1000", default: "\(RateGovernor.Settings.defaultWriteBurst)",
                \.writeBurst, .integer(1...1000)),
    ]
}

/// Option groups with `--concurrency`: one declaration, one default.
protocol ConcurrencyOption {
    var concurrency: Int { get set }
}

extension RolloutOptions: ConcurrencyOption {}
extension AppOptions: ConcurrencyOption {}

/// `rotate`'s own options.
public struct RotateOptions: Sendable, Equatable {
    /// `--force`: accept the token already current.
    public var force = false
    /// `--revoke-old`: revoke the old token after a fully successful rollout.
    public var revokeOld = false
    /// `--old-token-env NAME`.
    public var oldTokenEnvironmentVariable: String?
    /// `--old-token-file PATH`.
    public var oldTokenFilePath: String?

    public init() {}
}

extension RotateOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .flag("--force", "roll out even if the token is the one already current", \.force),
        .flag("--revoke-old", "revoke the old token after a fully successful rollout", \.revokeOld),
        .option("--old-token-env", value: "NAME", "the old token, for --revoke-old, from variable NAME", \.oldTokenEnvironmentVariable, .credentialVariable),
        .option("--old-token-file", value: "PATH", "the old token, for --revoke-old, from a file (mode 600)", \.oldTokenFilePath, .path()),
    ]
}

/// How `expiry` prints its report.
public enum ExpiryFormat: String, Sendable, Equatable, CaseIterable {
    case text, json, github
}

/// `expiry` options.
public struct ExpiryOptions: Sendable, Equatable {
    /// `--live`: ask GitHub rather than the ledger.
    public var live = false
    /// `--warn-days N`; nil uses `policy.warnDays`.
    public var warnDays: Int?
    /// `--critical-days N`; nil uses `policy.criticalDays`.
    public var criticalDays: Int?
    /// `--format text|json|github`.
    public var format = ExpiryFormat.text
    /// `--open-issue`.
    public var openIssue = false
    /// `--webhook-env NAME`.
    public var webhookEnvironmentVariable: String?

    public init() {}
}

extension ExpiryOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .flag("--live", "ask GitHub for the expiry instead of reading the ledger", \.live),
        .option("--warn-days", value: "N", "warn (exit 3) at N days left or fewer", default: "policy.warnDays", \.warnDays, .integer(0...3660)),
        .option("--critical-days", value: "N", "critical (exit 4) at N days left or fewer", default: "policy.criticalDays",
                \.criticalDays, .integer(0...3660)),
        .option("--format", value: "FORMAT", "text, json, or github for workflow annotations", default: "text", \.format,
                .oneOf("text, json or github")),
        .flag("--open-issue", "keep one open issue about the expiry in the platform repository", \.openIssue),
        .option("--webhook-env", value: "NAME", "at warning or worse, post {\"text\": …} to the webhook URL in variable NAME",
                \.webhookEnvironmentVariable, .variableName),
    ]
}

/// `doctor` options.
public struct DoctorOptions: Sendable, Equatable {
    /// `--send-test-event`.
    public var sendTestEvent = false
    /// `--event-type TYPE`; nil uses the first of `platform.eventTypes`.
    public var eventType: String?
    /// `--wait SECONDS`, 0…3600.
    public var waitSeconds = 60
    /// `--repos a,b`; nil means the whole fleet.
    public var repositories: [String]?
    /// `--targets KIND[,KIND]`; nil means every kind the config has.
    public var targets: Set<SecretTargetKind>?

    public init() {}

    /// What the doctor run itself needs of these options.
    public var settings: DoctorSettings {
        DoctorSettings(sendTestEvent: sendTestEvent, eventType: eventType, waitSeconds: waitSeconds, kinds: targets)
    }
}

extension DoctorOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .flag("--send-test-event", "send a probe dispatch to the platform and wait for its run", \.sendTestEvent),
        .option("--event-type", value: "TYPE", "the probe's event type", default: "the first of platform.eventTypes",
                \.eventType, .text(1...100, "an event type of 1 to 100 characters")),
        .option("--wait", value: "SECONDS", "with --send-test-event: how long to wait for the probe's run, 0 to 3600", default: "60",
                \.waitSeconds, .integer(0...3600)),
        .repos("repositories to check, by name or owner/name", \.repositories),
        .targets("kinds of secret target to check", \.targets),
    ]
}

/// `status` options.
public struct StatusOptions: Sendable, Equatable {
    /// `--repos a,b`; nil means the whole fleet.
    public var repositories: [String]?
    /// `--targets KIND[,KIND]`; nil means every kind the config has.
    public var targets: Set<SecretTargetKind>?

    public init() {}
}

extension StatusOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .repos("repositories to show, by name or owner/name", \.repositories),
        .targets("kinds of secret target to show", \.targets),
    ]
}

/// `app` options.
public struct AppOptions: Sendable, Equatable {
    /// `--repos a,b`; nil means the whole fleet.
    public var repositories: [String]?
    /// `--targets KIND[,KIND]`; nil means every kind the config has.
    public var targets: Set<SecretTargetKind>?
    /// `--dry-run`: read and seal, write nothing.
    public var dryRun = false
    /// `--resume`: only where the ledger says this key is not there yet.
    public var resume = false
    /// `--concurrency N`, 1…64; the same default as rollout's (``Rollout/defaultConcurrency``).
    public var concurrency = Rollout.defaultConcurrency

    public init() {}
}

extension AppOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .repos("repositories to give the App's credentials, by name or owner/name (the repository-bound targets)", \.repositories),
        .targets("kinds of target to give the App's credentials", \.targets),
        .flag("--dry-run", "read and seal, write nothing: show per target what would happen to APP_ID and APP_PRIVATE_KEY", \.dryRun),
        .flag("--resume", "set only where the ledger says this key (and App id) is not there yet", \.resume),
        .concurrency(),
    ]
}

/// `demo` options.
public struct DemoOptions: Sendable, Equatable {
    /// `--latency-ms N`, 0…60000.
    public var latencyMilliseconds = 50
    /// `--organization`: one organization secret shared with the fleet instead of a copy per repository.
    public var organization = false

    public init() {}
}

extension DemoOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .latency(default: "50", \.latencyMilliseconds),
        .flag("--organization", "roll one organization secret out to the fleet's repositories (shared by id) instead of a copy in each", \.organization),
    ]
}

/// `simulator` options.
public struct SimulatorOptions: Sendable, Equatable {
    /// `--port P`; 0 picks a free port.
    public var port = 0
    /// `--latency-ms N`, 0…60000.
    public var latencyMilliseconds = 0
    /// `--fault-rate F`, 0…1.
    public var faultRate = 0.0
    /// `--seed S`; nil seeds at random.
    public var seed: UInt64?

    public init() {}
}

extension SimulatorOptions: DeclaredOptions {
    public static let declarations: [OptionDecl<Self>] = [
        .option("--port", value: "P", "the loopback port to listen on, 0 to 65535", default: "0, any free port", \.port, .integer(0...65_535)),
        .latency(default: "0", \.latencyMilliseconds),
        .option("--fault-rate", value: "F", "share of requests that fail with a 5xx, 0 to 1", default: "0",
                \.faultRate, .decimal("a number from 0 to 1") { (0...1).contains($0) }),
        .option("--seed", value: "S", "seed for the simulator's random choices", default: "random", \.seed, .unsigned),
    ]
}

extension OptionDecl {
    /// `--repos a,b`, which rollout, rotate, doctor and status each declare with their own help.
    fileprivate static func repos(_ help: String, _ field: any WritableKeyPath<Options, [String]?> & Sendable) -> Self {
        .option("--repos", value: "a,b", help, default: "the whole fleet", field, .repositoryList)
    }

    /// `--targets KIND[,KIND]`, which rollout, rotate, status and doctor each declare with their own help.
    fileprivate static func targets(_ help: String, _ field: any WritableKeyPath<Options, Set<SecretTargetKind>?> & Sendable) -> Self {
        .option("--targets", value: "KIND[,KIND]", help + ": repository, environment, dependabot, codespaces, organization",
                default: "every kind the config's targets name", field, .targetKinds)
    }

    /// `--concurrency N`, which rollout (and rotate) and app rollout declare alike: its default is ``Rollout/defaultConcurrency``.
    fileprivate static func concurrency() -> Self where Options: ConcurrencyOption {
        .option("--concurrency", value: "N", "targets uploading at once (as many fetch their keys ahead), 1 to 64",
                default: "\(Rollout.defaultConcurrency)", \.concurrency, .integer(1...64))
    }

    /// `--latency-ms N`, which demo and simulator each declare with their own default.
    fileprivate static func latency(default defaultValue: String, _ field: any WritableKeyPath<Options, Int> & Sendable) -> Self {
        .option("--latency-ms", value: "N", "simulated latency per request, 0 to 60000", default: defaultValue, field, .integer(0...60_000))
    }
}
