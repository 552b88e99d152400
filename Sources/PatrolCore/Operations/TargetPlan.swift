import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// What a rollout would do to one target, as `rollout --dry-run` shows it (spec §9).
public struct TargetPlan: Sendable, Equatable {
    /// The value's fate.
    public enum Action: String, Sendable {
        /// The target has no such secret: a rollout creates it.
        case create
        /// It holds another token, per the ledger: a rollout replaces it.
        case update
        /// It holds this token already, per the ledger and GitHub's `updated_at`.
        case current
        /// It was changed outside patrol (its `updated_at` is not the one patrol recorded): a rollout replaces it.
        case drifted
    }

    public let action: Action
    /// An organization secret's repositories a rollout would add to its selection (`owner/name`).
    public var select: [String] = []
    /// Repositories outside the fleet a rollout would remove from the selection (`--prune-selection`), by name or id.
    public var deselect: [String] = []

    package init(action: Action, select: [String] = [], deselect: [String] = []) {
        self.action = action
        self.select = select
        self.deselect = deselect
    }

    /// The plan's words for the report: `update`, `create; select c3-org/c3-web`, …
    public var summary: String {
        var parts = [action.rawValue]
        if !select.isEmpty { parts.append("select " + select.joined(separator: ", ")) }
        if !deselect.isEmpty { parts.append("deselect " + deselect.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    /// The value's plan from what GitHub says of the secret (`found`, nil when absent) and what the ledger recorded.
    package static func action(found: SecretMetadata?, record: TargetRecord?, fingerprint: Fingerprint) -> Action {
        action(found: found, recorded: TokenBookkeeping(fingerprint: fingerprint).recorded(record))
    }

    /// The value's plan from what GitHub says of the secret (`found`, nil when absent) and what the ledger recorded of
    /// the value being rolled out (the token, or the App's key).
    package static func action(found: SecretMetadata?, recorded: RecordedValue?) -> Action {
        guard let found else { return .create }
        guard let recorded, let written = recorded.secretUpdatedAt, abs(found.updatedAt.timeIntervalSince(written)) < 1 else {
            return .drifted
        }
        return recorded.holdsThis ? .current : .update
    }
}

/// The changes made to an organization secret's selection in a rollout.
public struct SelectionChange: Sendable, Equatable {
    /// `owner/name` of the repositories added.
    public var added: [String] = []
    /// Repositories removed (`--prune-selection`), by name or id.
    public var removed: [String] = []
    /// Selected repositories outside the fleet, left as they are (no `--prune-selection`).
    public var extra: [String] = []

    package init(added: [String] = [], removed: [String] = [], extra: [String] = []) {
        self.added = added
        self.removed = removed
        self.extra = extra
    }
}
