import FoundationEssentials

/// `GET …/actions/workflows/{id or file name}` and its runs.
enum WorkflowRoutes {
    /// Where GitHub looks for workflow files.
    static let folder = ".github/workflows/"

    static func workflow(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .actions, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            guard let path = locate(context.parameter("workflow"), in: state.actions[key] ?? ActionsRecord()) else { return .notFound }
            return .json(200, describe(path, key: key, state: &state))
        }
    }

    /// `?event=repository_dispatch&per_page=N`: newest first.
    static func runs(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .actions, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let record = state.actions[key] ?? ActionsRecord()
            guard let path = locate(context.parameter("workflow"), in: record) else { return .notFound }
            let query = context.request.query
            let perPage = min(100, max(1, query["per_page"].flatMap { Int($0) } ?? 30))
            let matching = record.runs.reversed().filter { run in
                run.path == path && (query["event"].map { $0 == run.event } ?? true)
            }
            return .json(200, [
                "total_count": matching.count,
                "workflow_runs": matching.prefix(perPage).map { run -> [String: Any] in
                    [
                        "id": run.id, "name": run.name, "path": run.path, "event": run.event, "status": run.status,
                        "conclusion": run.conclusion ?? JSONNull(), "display_title": run.displayTitle,
                        "created_at": SimulatorTime.iso8601(run.createdAt), "updated_at": SimulatorTime.iso8601(run.createdAt),
                        "head_branch": run.headBranch, "html_url": run.htmlURL,
                    ]
                },
            ])
        }
    }

    /// The workflow's path for a numeric id or a file name, if the default branch has it.
    static func locate(_ identifier: String, in record: ActionsRecord) -> String? {
        if let id = Int(identifier) {
            return record.workflowIDs.first { $0.value == id }?.key
        }
        let path = folder + identifier
        return record.defaultFiles[path] != nil ? path : nil
    }

    private static func describe(_ path: String, key: String, state: inout SimulatorState) -> [String: Any] {
        var record = state.actions[key] ?? ActionsRecord()
        let id = record.workflowIDs[path] ?? state.makeActionsID()
        record.workflowIDs[path] = id
        state.actions[key] = record
        let fullName = state.repositories[key]?.fullName ?? key
        let text = record.defaultFiles[path] ?? ""
        return [
            "id": id, "node_id": "W_\(id)", "name": HandlerTriggers.name(of: text) ?? path, "path": path,
            "state": (record.workflowStates[path] ?? .active).rawValue,
            "html_url": "https://github.com/\(fullName)/blob/\(record.defaultBranch)/\(path)",
            "badge_url": "https://github.com/\(fullName)/workflows/\(id)/badge.svg",
        ]
    }
}
