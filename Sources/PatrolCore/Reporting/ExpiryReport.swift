import FoundationEssentials
import PatrolSupport
import PatrolSecrets

/// The result of `patrol expiry`: which token, when it ends, its status, and every target and repository that
/// breaks with it — as text, the spec's JSON, or a workflow annotation.
public struct ExpiryReport: Sendable, Equatable {
    /// Where the expiry came from.
    public enum Source: String, Sendable {
        case ledger, live
    }

    public let secret: String
    /// nil when no token was known (status `unknown`).
    public let fingerprint: Fingerprint?
    public let login: String?
    public let expiresAt: Date?
    public let source: Source
    public let verdict: ExpiryVerdict
    public let thresholds: ExpiryThresholds
    /// Every repository whose runs read the token, per the ledger (`owner/name`), fleet order first: those its
    /// targets live in and those an organization secret holding it reaches.
    public let repositories: [String]
    /// Every target that holds the token per the ledger (spec §9), config order first.
    public let holders: [TokenHolder]
    /// Things worth saying that do not change the status (the token is not the ledger's current one, …).
    public let notes: [String]

    public var status: ExpiryStatus { verdict.status }
    public var daysLeft: Int? { verdict.daysLeft }
    public var exitCode: ExitCode { status.exitCode }

    public init(secret: String, fingerprint: Fingerprint?, login: String?, expiresAt: Date?, source: Source,
                verdict: ExpiryVerdict, thresholds: ExpiryThresholds, holders: [TokenHolder], repositories: [String], notes: [String] = []) {
        self.secret = secret
        self.fingerprint = fingerprint
        self.login = login
        self.expiresAt = expiresAt
        self.source = source
        self.verdict = verdict
        self.thresholds = thresholds
        self.holders = holders
        self.repositories = repositories
        self.notes = notes
    }

    /// The keys of spec §3.5, and `targets`: each holder's id, kind and repository, and for an organization secret
    /// its visibility, the fleet repositories it reaches and the selected ones outside the fleet (spec §9).
    public var json: JSONValue {
        .object([
            ("command", "expiry"),
            ("secret", .string(secret)),
            ("fingerprint", .optional(fingerprint?.value)),
            ("login", .optional(login)),
            ("expiresAt", .date(expiresAt)),
            ("daysLeft", .optional(daysLeft)),
            ("status", .string(status.rawValue)),
            ("source", .string(source.rawValue)),
            ("repositories", .array(repositories.map { .string($0) })),
            ("targets", .array(holders.map { holder in
                var row: [(String, JSONValue)] = [
                    ("target", .string(holder.target.id)),
                    ("kind", .string(holder.target.kind.rawValue)),
                    ("repository", .optional(holder.target.repository?.fullName)),
                ]
                if holder.target.kind == .organization {
                    row.append(("visibility", .optional(holder.reach?.visibility.rawValue)))
                    row.append(("reaches", .array((holder.reach?.reaches ?? []).map { .string($0) })))
                    row.append(("extra", .array((holder.reach?.extra ?? []).map { .string($0) })))
                }
                return .object(row)
            })),
        ])
    }

    /// One line that says it all: `PAT_TOKEN expires in 5 days (2027-02-23)`. The alert issue's title.
    public var headline: String {
        let date = expiresAt.map(Self.day)
        switch status {
        case .expired:
            if case .some(let days) = daysLeft, days < 0, let date { return "\(secret) expired on \(date)" }
            return "\(secret) was rejected by GitHub: expired or revoked"
        case .noExpiration:
            return "\(secret) never expires"
        case .unknown:
            return "\(secret) expiry unknown"
        case .ok, .warning, .critical:
            if verdict.tooOld, status == .warning, daysLeft.map({ $0 > thresholds.warnDays }) ?? true {
                return "\(secret) is \(ExpiryCheck.count(verdict.ageDays ?? 0, "day")) old (rotate every \(thresholds.rotationDays))"
            }
            guard let days = daysLeft, let date else { return "\(secret): \(status.rawValue)" }
            return "\(secret) expires in \(ExpiryCheck.count(days, "day")) (\(date))"
        }
    }

    /// The token in a few words: `token sha256:3f5a1b2c (garrick0), expires 2027-02-23T12:00:00Z`.
    public var subject: String {
        guard let fingerprint else { return "no token" }
        var text = "token \(fingerprint.short)"
        if let login { text += " (\(login))" }
        if let expiresAt { text += ", expires \(ISO8601.format(expiresAt))" }
        return text
    }

    /// True when the report names targets by id: a holder of any kind but a repository Actions secret. A fleet
    /// without `targets` reads as it always did, one repository per line.
    public var showsTargetIDs: Bool { RolloutReport.showsTargetIDs(holders.map(\.target)) }

    /// `9 repositories hold this token …` and one line per repository; with other kinds, `12 targets hold this
    /// token …`, one line per target (an organization secret with the repositories it reaches) and how many
    /// repositories' runs read it; or that none is known.
    public var repositoryLines: [String] {
        guard fingerprint != nil else { return [] }
        guard !holders.isEmpty else { return ["no repository holds this token according to the ledger"] }
        let ids = showsTargetIDs
        let count = ids ? ExpiryCheck.count(holders.count, "target") : ExpiryCheck.count(holders.count, "repository", plural: "repositories")
        var lines = ["\(count) hold\(holders.count == 1 ? "s" : "") this token and stop working together when it expires:"]
            + holders.map { "  " + $0.label(ids: ids) }
        if ids, !repositories.isEmpty {
            lines.append("runs in \(ExpiryCheck.count(repositories.count, "repository", plural: "repositories")) read it: "
                         + repositories.joined(separator: ", "))
        }
        return lines
    }

    /// What to do now, when anything.
    public var advice: String? {
        switch status {
        case .ok: nil
        case .unknown:
            fingerprint == nil ? "run `patrol rollout` to record a token, or check GitHub directly with `patrol expiry --live`"
                : "check the token's expiry in GitHub's settings"
        case .warning, .critical, .expired, .noExpiration:
            "rotate it: `patrol rotate` (runbook: docs/rotation.md)"
        }
    }

    /// The text report.
    public func lines(console: Console) -> [String] {
        let colour: Console.Colour = switch status {
        case .ok: .green
        case .warning, .noExpiration, .unknown: .yellow
        case .critical, .expired: .red
        }
        var lines = [console.paint("\(status.rawValue): \(headline)", colour)]
        // --quiet: the verdict alone when all is well; with it, only why and what to do.
        if console.quiet {
            guard status != .ok else { return lines }
            return lines + verdict.reasons.map { "  \($0)" } + (advice.map { ["  \($0)"] } ?? [])
        }
        if fingerprint != nil { lines.append("  \(subject) (from the \(source == .live ? "GitHub API" : "ledger"))") }
        lines += verdict.reasons.map { "  \($0)" }
        lines += notes.map { "  note: \($0)" }
        lines += repositoryLines.map { "  \($0)" }
        if let advice { lines.append("  \(advice)") }
        return lines
    }

    /// The workflow annotation for `--format github`: `::warning`, `::error` or `::notice`.
    public var annotation: WorkflowAnnotation {
        let level: WorkflowAnnotation.Level = switch status {
        case .ok: .notice
        case .warning, .noExpiration, .unknown: .warning
        case .critical, .expired: .error
        }
        var message = [subject + " — " + status.rawValue] + verdict.reasons + notes.map { "note: \($0)" } + repositoryLines
        if let advice { message.append(advice) }
        return WorkflowAnnotation(level: level, title: headline, message: message.joined(separator: "\n"))
    }

    /// `2027-02-23`, in UTC.
    package static func day(_ date: Date) -> String {
        String(ISO8601.format(date).prefix(10))
    }
}
