import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// `patrol status`'s word on the fleet's App credentials (spec §10): per target (a repository, and the other places the
/// config's `targets` name), which App key (GitHub's fingerprint) it holds and since when, from the ledger (GitHub never
/// returns a secret's value). Only when the fleet uses an App.
public struct AppKeyHolders: Sendable {
    /// One target: what the ledger says it holds, and how that compares with the fleet's current key.
    public struct Row: Sendable {
        public let target: SecretTarget
        /// The repository the target lives in; nil for an organization's.
        public var repository: RepositoryName? { target.repository }
        public let holding: AppKeyHolding?
        /// `current`, `stale` (an older key), `pending` (a key not yet current in the whole fleet) or `missing`.
        public let state: String
    }

    public let current: AppKeyRecord?
    public let rows: [Row]
    let keys: [AppKeyRecord]

    /// The rows for `repositories`' Actions secrets; nil when the ledger knows no App key (the fleet uses none).
    public init?(ledger: AppKeyLedger, repositories: [RepositoryName]) {
        self.init(ledger: ledger, targets: repositories.map(SecretTarget.repository))
    }

    /// The rows for `targets`; nil when the ledger knows no App key (the fleet uses none).
    public init?(ledger: AppKeyLedger, targets: [SecretTarget]) {
        guard !ledger.isEmpty else { return nil }
        current = ledger.currentKey
        keys = ledger.keys
        rows = targets.map { target in
            let holding = ledger.holding(target)
            let state: String
            if let holding {
                if holding.fingerprint == ledger.currentKey?.fingerprint {
                    state = "current"
                } else {
                    state = ledger.key(holding.fingerprint)?.state == .pending ? "pending" : "stale"
                }
            } else {
                state = "missing"
            }
            return Row(target: target, holding: holding, state: state)
        }
    }

    /// True when every row holds the current key.
    public var allCurrent: Bool { rows.allSatisfy { $0.state == "current" } }

    /// The text section: a heading, one line per repository, and what to do about rows that are not current.
    public func lines(console: Console) -> [String] {
        let ids = RolloutReport.showsTargetIDs(rows.map(\.target))
        let width = rows.map { RolloutReport.label($0.target, ids: ids).count }.max() ?? 0
        var lines = ["App key" + (current.map { ": the fleet's current key is \($0.fingerprint) (App \($0.appID), since \(ISO8601.format($0.currentSince ?? $0.firstRolledOut)))" }
                                  ?? ": no key is current in the whole fleet yet")]
        for row in rows where !(console.quiet && row.state == "current") {
            let name = RolloutReport.label(row.target, ids: ids).padded(toWidth: width)
            let state = row.state.padded(toWidth: 9)
            let colour: Console.Colour = row.state == "current" ? .green : row.state == "missing" ? .red : .yellow
            let detail = row.holding.map { "holds \($0.fingerprint) as \($0.secret) (App \($0.appID) in \($0.variable)), rolled out \(ISO8601.format($0.uploadedAt))" }
                ?? "holds no App key patrol rolled out"
            lines.append("\(console.paint(state, colour)) \(name)  \(detail)")
        }
        if !allCurrent {
            lines.append("run patrol app rollout --resume (or patrol rotate --app-key-file NEW.pem --resume) to give every target the current key")
        }
        return lines
    }

    /// `appKey` of `status --json`.
    public var json: JSONValue {
        .object([
            ("current", .optional(current?.fingerprint.value)),
            ("repositories", .array(rows.map { row in
                .object([
                    ("target", .string(row.target.id)),
                    ("kind", .string(row.target.kind.rawValue)),
                    ("repository", .optional(row.repository?.fullName)),
                    ("fingerprint", .optional(row.holding?.fingerprint.value)),
                    ("appId", .optional(row.holding?.appID)),
                    ("secret", .optional(row.holding?.secret)),
                    ("variable", .optional(row.holding?.variable)),
                    ("rolledOutAt", .date(row.holding?.uploadedAt)),
                    ("state", .string(row.state)),
                ])
            })),
        ])
    }
}
