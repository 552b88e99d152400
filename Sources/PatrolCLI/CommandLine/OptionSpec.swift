import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore
/// One option as the parser reads it and help shows it.
public struct OptionSpec: Sendable, Equatable {
    /// The long name with its dashes, e.g. `--concurrency`.
    public let name: String
    /// A short spelling, e.g. `-h`; only help has one.
    public let alias: String?
    /// The placeholder for its value, e.g. `N`; nil for a flag, which takes no value.
    public let valueName: String?
    /// One line of help, lower case.
    public let help: String
    /// The value used when the option is absent, as help shows it.
    public let defaultValue: String?

    package init(_ name: String, alias: String? = nil, value valueName: String? = nil, _ help: String, default defaultValue: String? = nil) {
        self.name = name
        self.alias = alias
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
    }

    /// True for options that take a value.
    public var takesValue: Bool { valueName != nil }

    /// `--concurrency N` or `-h, --help`, as help and usage lines show it.
    public var synopsis: String {
        let long = valueName.map { "\(name) \($0)" } ?? name
        return alias.map { "\($0), \(long)" } ?? long
    }
}

/// Options that belong together and appear together in help.
public enum OptionGroup: String, Sendable, CaseIterable {
    case global, token, rollout, rotate, expiry, doctor, status, app, demo, simulator

    /// The heading of the group in help.
    public var title: String {
        switch self {
        case .global: "GLOBAL OPTIONS"
        case .token: "TOKEN OPTIONS"
        default: "\(rawValue.uppercased()) OPTIONS"
        }
    }

    /// The options of the group, in help order.
    public var options: [OptionSpec] {
        switch self {
        case .global:
            [
                OptionSpec("--config", value: "PATH", "the fleet config",
                           default: "$PATROL_CONFIG, else \(FleetConfig.defaultPath)"),
                OptionSpec("--ledger", value: "PATH", "the ledger: which token each repository holds (fingerprints only, safe to commit)",
                           default: "$PATROL_LEDGER, else the config's ledger, ledger.json beside the config"),
                OptionSpec("--api-url", value: "URL", "the GitHub API base, e.g. https://HOST/api/v3 for Enterprise Server",
                           default: "$GITHUB_API_URL, else the config's apiURL, else https://api.github.com"),
                OptionSpec("--ca-file", value: "PATH", "trust the CA certificates in this PEM file too (a private CA, a TLS-inspecting proxy)",
                           default: "$PATROL_CA_FILE, else $SSL_CERT_FILE, else the system store only"),
                OptionSpec("--json", "print one JSON document on stdout and nothing else there (every command, version and demo included)"),
                OptionSpec("--quiet", "print only results, failures, warnings and the summary (doctor counts passing checks; status lists only repositories that are not current)"),
                OptionSpec("--verbose", "print each request line and the proxy in use to stderr (Authorization redacted)"),
                OptionSpec("--no-color", "no colors (the NO_COLOR variable does the same)"),
                OptionSpec("--help", alias: "-h", "show help"),
                OptionSpec("--version", "print patrol's version"),
            ]
        case .token:
            [
                OptionSpec("--token-stdin", "read the token from the first line of standard input"),
                OptionSpec("--token-env", value: "NAME", "read the token from the environment variable NAME"),
                OptionSpec("--token-file", value: "PATH", "read the token from a file readable only by you (mode 600)"),
                OptionSpec("--auth-env", value: "NAME", "call the API with the credential in variable NAME, e.g. GH_TOKEN",
                           default: "the token itself"),
                OptionSpec("--app-id", value: "ID", "call the API as this GitHub App (docs/github-app.md)",
                           default: "$PATROL_APP_ID, else the config's app.id"),
                OptionSpec("--app-key-file", value: "PATH", "the App's private key, PEM, readable only by you (mode 600)",
                           default: "the config's app.privateKeyFile, else $PATROL_APP_PRIVATE_KEY"),
            ]
        case .rollout:
            [
                Self.repos("repositories to upload to, by name or owner/name"),
                OptionSpec("--dry-run", "check the token, fetch keys and seal, but upload nothing"),
                OptionSpec("--resume", "upload only where the ledger says this token is not there yet"),
                OptionSpec("--allow-expiring", "roll out a token inside policy.criticalDays, or expired, instead of refusing it"),
                OptionSpec("--concurrency", value: "N", "repositories uploading at once (as many fetch their keys ahead), 1 to 64", default: "8"),
                OptionSpec("--write-rate", value: "R", "uploads per second after the burst, more than 0", default: "1"),
                OptionSpec("--write-burst", value: "B", "uploads sent at once before the rate applies, 1 to 1000",
                           default: "10"),
            ]
        case .rotate:
            [
                OptionSpec("--force", "roll out even if the token is the one already current"),
                OptionSpec("--revoke-old", "revoke the old token after a fully successful rollout"),
                OptionSpec("--old-token-env", value: "NAME", "the old token, for --revoke-old, from variable NAME"),
                OptionSpec("--old-token-file", value: "PATH", "the old token, for --revoke-old, from a file (mode 600)"),
            ]
        case .expiry:
            [
                OptionSpec("--live", "ask GitHub for the expiry instead of reading the ledger"),
                OptionSpec("--warn-days", value: "N", "warn (exit 3) at N days left or fewer", default: "policy.warnDays"),
                OptionSpec("--critical-days", value: "N", "critical (exit 4) at N days left or fewer",
                           default: "policy.criticalDays"),
                OptionSpec("--format", value: "FORMAT", "text, json, or github for workflow annotations", default: "text"),
                OptionSpec("--open-issue", "keep one open issue about the expiry in the platform repository"),
                OptionSpec("--webhook-env", value: "NAME", "at warning or worse, post {\"text\": …} to the webhook URL in variable NAME"),
            ]
        case .doctor:
            [
                OptionSpec("--send-test-event", "send a probe dispatch to the platform and wait for its run"),
                OptionSpec("--event-type", value: "TYPE", "the probe's event type", default: "the first of platform.eventTypes"),
                OptionSpec("--wait", value: "SECONDS", "with --send-test-event: how long to wait for the probe's run, 0 to 3600", default: "60"),
                Self.repos("repositories to check, by name or owner/name"),
            ]
        case .status:
            [Self.repos("repositories to show, by name or owner/name")]
        case .app:
            [Self.repos("repositories to give the App's credentials, by name or owner/name")]
        case .demo:
            [OptionSpec("--latency-ms", value: "N", "simulated latency per request, 0 to 60000", default: "50")]
        case .simulator:
            [
                OptionSpec("--port", value: "P", "the loopback port to listen on, 0 to 65535", default: "0, any free port"),
                OptionSpec("--latency-ms", value: "N", "simulated latency per request, 0 to 60000", default: "0"),
                OptionSpec("--fault-rate", value: "F", "share of requests that fail with a 5xx, 0 to 1", default: "0"),
                OptionSpec("--seed", value: "S", "seed for the simulator's random choices", default: "random"),
            ]
        }
    }

    private static func repos(_ help: String) -> OptionSpec {
        OptionSpec("--repos", value: "a,b", help, default: "the whole fleet")
    }

    /// Every option name any command accepts, with whether it takes a value.
    package static let allOptions: [OptionSpec] = {
        var seen = Set<String>()
        return allCases.flatMap(\.options).filter { seen.insert($0.name).inserted }
    }()
}
