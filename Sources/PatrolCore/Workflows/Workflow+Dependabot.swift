import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// What `dependabot.needed` reads in a workflow: whether Dependabot's pull requests and pushes start it, and
/// where it reads a secret. GitHub gives a run started by Dependabot the Dependabot secrets only, so such a
/// workflow reading `secrets.PAT_TOKEN` gets an empty string unless a Dependabot copy exists.
extension Workflow {
    /// The events on which a Dependabot pull request or push starts a run that reads Dependabot secrets
    /// instead of Actions secrets (GitHub's docs: "Automating Dependabot with GitHub Actions").
    public static let dependabotEvents: Set<String> = [
        "pull_request", "pull_request_review", "pull_request_review_comment", "pull_request_target", "push",
    ]

    /// The events that start this workflow, as `on:` names them (a name, a list or a map), in file order.
    public func events() throws(WorkflowReadError) -> [String] {
        guard let on = root["on"] ?? root["true"] else { return [] }
        switch on.value.kind {
        case .scalar(let name, _): return [name]
        case .list(let items):
            return try items.map { item throws(WorkflowReadError) in
                guard let name = item.scalar else { throw error(at: item.line, "an event in the `on:` list must be a name") }
                return name
            }
        case .map(let entries): return entries.map(\.key)
        case .null: throw error(at: on.line, "`on:` names no event")
        }
    }

    /// The events of this workflow that Dependabot's pull requests and pushes start, in file order.
    public func dependabotTriggers() throws(WorkflowReadError) -> [String] {
        try events().filter(Self.dependabotEvents.contains)
    }

    /// The lines (from 1) that read the secret `name` — `secrets.NAME`, `secrets['NAME']` or `secrets["NAME"]`,
    /// in any case, as GitHub's secret names are — outside comments.
    public func lines(reading name: String) -> [Int] {
        let wanted = name.lowercased()
        let forms = ["secrets.\(wanted)", "secrets['\(wanted)']", "secrets[\"\(wanted)\"]"]
        return lines.enumerated().compactMap { index, line in
            let text = line.lowercased()
            guard !text.trimmingSpaces().hasPrefix("#") else { return nil }
            for form in forms {
                var rest = text[...]
                while let found = rest.firstRange(of: form) {
                    let after = rest[found.upperBound...].first
                    // `secrets.PAT_TOKEN_OLD` is another secret: the name must end where the form does.
                    if form.hasSuffix("]") || after.map({ !($0.isLetter || $0.isNumber || $0 == "_") }) ?? true { return index + 1 }
                    rest = rest[found.upperBound...]
                }
            }
            return nil
        }
    }
}
