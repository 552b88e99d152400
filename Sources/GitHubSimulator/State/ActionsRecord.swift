import FoundationEssentials

/// One repository's Git contents and GitHub Actions, as far as the simulator models them: files per
/// branch, the default branch, workflow states, runs and the dispatches it received.
struct ActionsRecord: Sendable {
    var defaultBranch = "main"
    /// Branch → path → file text.
    var files: [String: [String: String]] = [:]
    /// Workflow path → state; a workflow not listed is `active`.
    var workflowStates: [String: WorkflowState] = [:]
    /// Workflow path → its numeric id, assigned on first sight.
    var workflowIDs: [String: Int] = [:]
    /// Newest last.
    var runs: [SimulatedRun] = []
    /// Every `POST /dispatches`, accepted or not, oldest first.
    var dispatches: [SimulatedDispatch] = []
    /// What the runs that dispatches start conclude with.
    var runConclusion = "success"
    /// Settings → Actions → "Disable actions": dispatches are accepted (204) and start nothing.
    var actionsEnabled = true

    /// The files of the default branch.
    var defaultFiles: [String: String] { files[defaultBranch] ?? [:] }
}

/// A workflow's `state` in `GET …/actions/workflows/{id}`.
public enum WorkflowState: String, Sendable, CaseIterable {
    case active
    case deleted
    case disabledFork = "disabled_fork"
    case disabledInactivity = "disabled_inactivity"
    case disabledManually = "disabled_manually"
}

/// A workflow run as the simulator holds it.
public struct SimulatedRun: Sendable, Equatable {
    public let id: Int
    /// The workflow file, `.github/workflows/handle-events.yml`.
    public let path: String
    public let name: String
    public let event: String
    public let status: String
    public let conclusion: String?
    public let displayTitle: String
    public let createdAt: Date
    public let headBranch: String
    public let htmlURL: String
}

/// One `POST /repos/{o}/{r}/dispatches` as the simulator received it.
public struct SimulatedDispatch: Sendable, Equatable {
    /// The status it answered: 204, or 422 for a payload over GitHub's limits.
    public let status: Int
    public let eventType: String?
    /// `client_payload` as JSON text (keys sorted), or nil when absent.
    public let clientPayload: String?
    /// The top-level string values of `client_payload`.
    public let payloadStrings: [String: String]
    /// The ids of the runs it started (none when no workflow on the default branch listens for the type).
    public let startedRuns: [Int]
    public let receivedAt: Date
}

/// Areas of a fine-grained token's repository permissions that the simulator distinguishes.
public enum FineGrainedArea: String, Sendable, CaseIterable {
    case secrets, contents, actions, metadata, issues
    /// Actions variables; GitHub's permission name is `actions_variables`.
    case actionsVariables = "actions_variables"
    /// Environments and their secrets.
    case environments
    /// Dependabot secrets.
    case dependabotSecrets = "dependabot_secrets"
    /// Codespaces secrets.
    case codespacesSecrets = "codespaces_secrets"
    /// Administration: creating an environment needs write.
    case administration
}

extension SimulatorState {
    /// A fresh id for a workflow or run.
    mutating func makeActionsID() -> Int {
        Int(10_000_000 + random.next() % 89_999_999)
    }
}
