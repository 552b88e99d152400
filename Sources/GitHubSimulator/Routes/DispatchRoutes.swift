import FoundationEssentials

/// `POST /repos/{owner}/{repo}/dispatches`: `{"event_type", "client_payload"}` → 204, and a run of every
/// active workflow on the default branch whose `repository_dispatch` listens for the type.
enum DispatchRoutes {
    /// GitHub's limits on the request.
    static let maximumEventTypeLength = 100
    static let maximumPayloadKeys = 10
    static let maximumPayloadBytes = 64 * 1024

    static func dispatch(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let key: String
        switch ContentAccess.check(state, context, area: .contents, need: .write) {
        case .failure(let error): return error.response
        case .success(let found): key = found
        }
        guard let object = SimulatorJSON.value(context.request.body),
              let fields = object as? [String: Any]
        else { return .error(400, "Problems parsing JSON") }
        let eventType = fields["event_type"] as? String
        let payload = fields["client_payload"] as? [String: Any]
        let payloadText = payload.map { SimulatorJSON.text($0, escapingSlashes: true) }
        let strings = (payload ?? [:]).compactMapValues { $0 as? String }

        let problem: String? = {
            guard let eventType else { return "Invalid request.\n\n\"event_type\" wasn't supplied." }
            if eventType.isEmpty || eventType.count > maximumEventTypeLength {
                return "Invalid request.\n\nFor 'properties/event_type', \"\(eventType.prefix(20))\" is not 1 to \(maximumEventTypeLength) characters long."
            }
            if fields["client_payload"] != nil, payload == nil {
                return "Invalid request.\n\nFor 'properties/client_payload', it is not an object."
            }
            if let payload, payload.count > maximumPayloadKeys {
                return "Invalid request.\n\nclient_payload has \(payload.count) properties; the maximum is \(maximumPayloadKeys)."
            }
            if let payloadText, payloadText.utf8.count >= maximumPayloadBytes {
                return "Invalid request.\n\nclient_payload must be smaller than 64 KB."
            }
            return nil
        }()
        let now = context.now
        guard problem == nil, let eventType else {
            state.actions[key, default: ActionsRecord()].dispatches.append(SimulatedDispatch(
                status: 422, eventType: eventType, clientPayload: payloadText, payloadStrings: strings, startedRuns: [], receivedAt: now))
            return .error(422, problem ?? "Invalid request.")
        }

        var record = state.actions[key] ?? ActionsRecord()
        let fullName = state.repositories[key]?.fullName ?? key
        var started: [Int] = []
        if record.actionsEnabled {
            for (path, text) in record.defaultFiles.sorted(by: { $0.key < $1.key })
            where path.hasPrefix(WorkflowRoutes.folder) && (record.workflowStates[path] ?? .active) == .active
                && HandlerTriggers.starts(text, eventType: eventType) {
                let id = state.makeActionsID()
                let name = HandlerTriggers.name(of: text) ?? path
                record.runs.append(SimulatedRun(
                    id: id, path: path, name: name, event: "repository_dispatch", status: "completed",
                    conclusion: record.runConclusion,
                    displayTitle: HandlerTriggers.runName(of: text, eventType: eventType, payload: strings) ?? name,
                    createdAt: now, headBranch: record.defaultBranch,
                    htmlURL: "https://github.com/\(fullName)/actions/runs/\(id)"))
                started.append(id)
            }
        }
        record.dispatches.append(SimulatedDispatch(
            status: 204, eventType: eventType, clientPayload: payloadText, payloadStrings: strings, startedRuns: started, receivedAt: now))
        state.actions[key] = record
        return .noContent()
    }
}
