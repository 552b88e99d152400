import PatrolSupport
import PatrolSecrets
import PatrolHTTP
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
    /// `patrol app ACTION`: the action (`rollout`).
    public var appAction: String?

    public init() {}
}

/// `rollout` options, which `rotate` shares.
public struct RolloutOptions: Sendable, Equatable {
    /// `--repos a,b` as given; nil means the whole fleet. See ``FleetConfig/selecting(_:)``.
    public var repositories: [String]?
    /// `--dry-run`.
    public var dryRun = false
    /// `--resume`.
    public var resume = false
    /// `--concurrency N`, 1…64.
    public var concurrency = 8
    /// `--write-rate R`: uploads per second, > 0.
    public var writeRate = 1.0
    /// `--write-burst B`: uploads at once before the rate applies, 1…1000.
    public var writeBurst = 10
    /// `--allow-expiring`: roll out a token inside `criticalDays`, or expired, instead of refusing it.
    public var allowExpiring = false

    public init() {}
}

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

    public init() {}

    /// What the doctor run itself needs of these options.
    public var settings: DoctorSettings { DoctorSettings(sendTestEvent: sendTestEvent, eventType: eventType, waitSeconds: waitSeconds) }
}

/// `status` options.
public struct StatusOptions: Sendable, Equatable {
    /// `--repos a,b`; nil means the whole fleet.
    public var repositories: [String]?

    public init() {}
}

/// `demo` options.
public struct DemoOptions: Sendable, Equatable {
    /// `--latency-ms N`, 0…60000.
    public var latencyMilliseconds = 50

    public init() {}
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
