import PatrolSupport
/// A workflow file as patrol's checks see it: what starts it on `repository_dispatch`, and the
/// `peter-evans/repository-dispatch` steps it runs. Built on ``WorkflowReader``; every shape it does not
/// expect is a ``WorkflowReadError`` with the line.
public struct Workflow: Sendable {
    public let root: YAMLNode
    /// The file's lines, for quoting them in messages.
    public let lines: [String]

    /// The action that sends `repository_dispatch` events, as `uses:` names it before the `@`.
    public static let dispatchAction = "peter-evans/repository-dispatch"
    /// The inputs that action reads.
    public static let dispatchInputs = ["token", "repository", "event-type", "client-payload"]

    public init(text: String) throws(WorkflowReadError) {
        root = try WorkflowReader.read(text)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard root.entries != nil || root.kind == .null else {
            throw error(at: root.line, "a workflow file is a map of keys such as `on:` and `jobs:`")
        }
    }

    /// The line `number` as written (from 1).
    public func line(_ number: Int) -> String {
        number >= 1 && number <= lines.count ? lines[number - 1] : ""
    }

    package func error(at line: Int, _ reason: String) -> WorkflowReadError {
        WorkflowReadError(line: line, text: self.line(line), reason: reason)
    }

    // MARK: Triggers

    /// Whether and for which types a `repository_dispatch` event starts this workflow.
    public func repositoryDispatch() throws(WorkflowReadError) -> RepositoryDispatchTrigger {
        guard let on = root["on"] ?? root["true"] else { return .absent }
        let event = "repository_dispatch"
        switch on.value.kind {
        case .scalar(let name, _):
            try checkEventName(name, line: on.line)
            return name == event ? .anyType(line: on.line) : .absent
        case .list(let items):
            var found: Int?
            for item in items {
                guard let name = item.scalar else { throw error(at: item.line, "an event in the `on:` list must be a name") }
                try checkEventName(name, line: item.line)
                if name == event { found = item.line }
            }
            return found.map { .anyType(line: $0) } ?? .absent
        case .map(let entries):
            for entry in entries { try checkEventName(entry.key, line: entry.line) }
            guard let dispatch = entries.first(where: { $0.key == event }) else { return .absent }
            switch dispatch.value.kind {
            case .null: return .anyType(line: dispatch.line)
            case .map(let settings):
                guard let types = settings.first(where: { $0.key == "types" }) else {
                    let other = settings[0]
                    return .misspeltTypes(key: other.key, line: other.line)
                }
                if let other = settings.first(where: { $0.key != "types" }) {
                    throw error(at: other.line, "`\(other.key)` is not a setting of repository_dispatch (only `types`)")
                }
                switch types.value.kind {
                case .scalar(let name, _): return .types([EventTypeEntry(name: name, line: types.value.line)])
                case .list(let items):
                    return .types(try items.map { item throws(WorkflowReadError) in
                        guard let name = item.scalar else { throw error(at: item.line, "an event type must be a name") }
                        return EventTypeEntry(name: name, line: item.line)
                    })
                default: throw error(at: types.line, "`types:` must be a name or a list of names")
                }
            default:
                throw error(at: dispatch.line, "`repository_dispatch:` must be empty or hold `types:`")
            }
        case .null:
            throw error(at: on.line, "`on:` names no event")
        }
    }

    private func checkEventName(_ name: String, line: Int) throws(WorkflowReadError) {
        guard !Self.events.contains(name) else { return }
        let hint = Suggestion.closest(to: name, among: Self.events.sorted()).map { " (did you mean `\($0)`?)" } ?? ""
        throw error(at: line, "`\(name)` is not an event that starts workflows\(hint)")
    }

    /// The events GitHub starts workflows on.
    package static let events: Set<String> = [
        "branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment", "deployment_status",
        "discussion", "discussion_comment", "fork", "gollum", "image_version", "issue_comment", "issues", "label",
        "merge_group", "milestone", "page_build", "project", "project_card", "project_column", "public",
        "pull_request", "pull_request_comment", "pull_request_review", "pull_request_review_comment",
        "pull_request_target", "push", "registry_package", "release", "repository_dispatch", "schedule", "status",
        "watch", "workflow_call", "workflow_dispatch", "workflow_run",
    ]

    // MARK: Dispatch steps

    /// Every step of every job that uses `peter-evans/repository-dispatch`, in file order.
    public func dispatchSteps() throws(WorkflowReadError) -> [DispatchStep] {
        guard let jobs = root["jobs"] else { return [] }
        guard let jobEntries = jobs.value.entries else { throw error(at: jobs.line, "`jobs:` must map job ids to jobs") }
        var found: [DispatchStep] = []
        for job in jobEntries {
            guard let steps = job.value["steps"] else { continue }
            guard let items = steps.value.items else { throw error(at: steps.line, "`steps:` of job `\(job.key)` must be a list") }
            for step in items {
                guard let uses = step["uses"], let action = uses.value.scalar,
                      action.lowercased().hasPrefix(Self.dispatchAction + "@") else { continue }
                var inputs: [DispatchInput] = []
                if let with = step["with"] {
                    guard let entries = with.value.entries else { throw error(at: with.line, "`with:` must map inputs to values") }
                    for entry in entries {
                        guard let value = entry.value.scalar else {
                            throw error(at: entry.line, "the input `\(entry.key)` must be text")
                        }
                        inputs.append(DispatchInput(key: entry.key, value: value, line: entry.line))
                    }
                }
                found.append(DispatchStep(uses: action, line: uses.line, name: step["name"]?.value.scalar, inputs: inputs))
            }
        }
        return found
    }
}

/// How `on: repository_dispatch` is set.
public enum RepositoryDispatchTrigger: Sendable, Equatable {
    /// The workflow does not listen for `repository_dispatch`.
    case absent
    /// `repository_dispatch` with no `types`: every event type starts it.
    case anyType(line: Int)
    /// Only these types start it.
    case types([EventTypeEntry])
    /// A key other than `types` (say `type:`), which GitHub ignores, so no type starts it.
    case misspeltTypes(key: String, line: Int)
}

/// One entry of `types:`.
public struct EventTypeEntry: Sendable, Equatable {
    public let name: String
    public let line: Int

    package init(name: String, line: Int) {
        self.name = name
        self.line = line
    }
}

/// A `uses: peter-evans/repository-dispatch@…` step.
public struct DispatchStep: Sendable, Equatable {
    /// `peter-evans/repository-dispatch@v2`.
    public let uses: String
    /// The line of `uses:`.
    public let line: Int
    public let name: String?
    /// Its `with:` inputs in file order.
    public let inputs: [DispatchInput]

    /// The input `key`, if set.
    public func input(_ key: String) -> DispatchInput? { inputs.first { $0.key == key } }

    package init(uses: String, line: Int, name: String?, inputs: [DispatchInput]) {
        self.uses = uses
        self.line = line
        self.name = name
        self.inputs = inputs
    }
}

/// One `with:` input of a dispatch step.
public struct DispatchInput: Sendable, Equatable {
    public let key: String
    public let value: String
    public let line: Int

    package init(key: String, value: String, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }
}
