import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// `patrol expiry`'s word on the fleet's App private key (spec §10): an App key never expires, so its age — since
/// `patrol app rollout` first put it in the fleet — is held against `policy.rotationDays`, like a token's. Only
/// when the fleet uses an App (the ledger knows a key).
public struct AppKeyAge: Sendable, Equatable {
    public let key: AppKeyRecord
    public let ageDays: Int
    public let rotationDays: Int
    /// The fleet's targets that hold this key per the ledger, and how many there are.
    public let holders: Int
    public let fleetSize: Int
    /// True when the fleet's targets are all repositories' Actions secrets (the report then says "repositories").
    let repositoriesOnly: Bool

    /// The fleet's key (the current one, else the last one rolled out) at `now`; nil when the fleet uses no App.
    public init?(ledger: AppKeyLedger, fleet: [RepositoryName], rotationDays: Int, now: Date) {
        self.init(ledger: ledger, targets: fleet.map(SecretTarget.repository), rotationDays: rotationDays, now: now)
    }

    /// The same for a fleet whose targets (spec §9) are `targets`: every place `app rollout` puts the key.
    public init?(ledger: AppKeyLedger, targets: [SecretTarget], rotationDays: Int, now: Date) {
        guard let key = ledger.currentKey ?? ledger.keys.last else { return nil }
        self.key = key
        ageDays = key.ageDays(at: now)
        self.rotationDays = rotationDays
        holders = targets.filter { ledger.holding($0)?.fingerprint == key.fingerprint }.count
        fleetSize = targets.count
        repositoriesOnly = targets.allSatisfy { $0.kind == .repository }
    }

    /// True when the key is `rotationDays` old or older: time to rotate it.
    public var isDue: Bool { ageDays >= rotationDays }

    /// `ok` or `rotate`.
    public var status: String { isDue ? "rotate" : "ok" }

    /// What `expiry` adds to its exit code: a warning (3) when the key is due.
    public var exitCode: ExitCode { isDue ? .warning : .success }

    /// The report's lines.
    public var lines: [String] {
        let age = "App key \(key.fingerprint) (App \(key.appID)) is \(ExpiryCheck.count(ageDays, "day")) old"
            + " (first rolled out \(ExpiryReport.day(key.firstRolledOut)); rotate every \(rotationDays)), held by \(holders)/\(fleetSize) \(repositoriesOnly ? "repositories" : "targets")"
        guard isDue else { return [age] }
        return [age, "rotate it: generate a new key in the App's settings, then patrol rotate --app-key-file NEW.pem (docs/github-app.md)"]
    }

    /// The `appKey` object of `expiry --json`.
    public var json: JSONValue {
        .object([
            ("fingerprint", .string(key.fingerprint.value)),
            ("appId", .optional(key.appID)),
            ("firstRolledOut", .date(key.firstRolledOut)),
            ("ageDays", .optional(ageDays)),
            ("rotationDays", .optional(rotationDays)),
            ("status", .string(status)),
            ("repositories", .optional(holders)),
        ])
    }
}

extension AppKeyAge {
    /// `expiry`'s exit code with the key's age: a key due for rotation makes an otherwise clean run a warning (exit 3).
    public func exitCode(with report: ExpiryReport) -> ExitCode {
        report.exitCode == .success ? exitCode : report.exitCode
    }

    /// `expiry --json`: the token's document with `appKey` added.
    public func json(with report: ExpiryReport) -> JSONValue {
        guard case .object(let pairs) = report.json else { return report.json }
        return .object(pairs + [("appKey", json)])
    }

    /// The text report: the token's lines, then the key's (with `--quiet`, only when it is due).
    public func lines(with report: ExpiryReport, console: Console) -> [String] {
        let own = report.lines(console: console)
        if console.quiet, !isDue { return own }
        return own + lines.map { "  " + console.paint($0, isDue ? .yellow : .dim) }
    }

    /// `--format github`: the token's annotation with the key's lines, raised to a warning when the key is due.
    public func annotation(with report: ExpiryReport) -> WorkflowAnnotation {
        let own = report.annotation
        let raised = isDue && own.level == .notice
        return WorkflowAnnotation(level: raised ? .warning : own.level,
                                  title: raised ? "App key \(key.fingerprint) is \(ExpiryCheck.count(ageDays, "day")) old (rotate every \(rotationDays))" : own.title,
                                  message: own.message + "\n" + lines.joined(separator: "\n"))
    }
}
