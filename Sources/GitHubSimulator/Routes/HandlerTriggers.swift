import FoundationEssentials
import PatrolSupport

/// The simulator's own, deliberately simple reading of a workflow file: does a `repository_dispatch`
/// event of a given type start it? Line-based, written apart from patrol's workflow reader so that the
/// simulator checks patrol rather than agreeing with it.
///
/// GitHub's rules it follows: a file GitHub cannot parse starts nothing; `repository_dispatch` with no
/// `types` starts on every type; with `types` only on the listed ones; any other key in its place
/// (a `type:` typo) matches nothing.
enum HandlerTriggers {
    static func starts(_ text: String, eventType: String) -> Bool {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { stripComment(String($0)) }
        // A tab in indentation or an unterminated flow list makes the file unreadable to GitHub.
        for line in lines {
            if line.hasPrefix("\t") || line.drop(while: { $0 == " " }).hasPrefix("\t") { return false }
            if line.filter({ $0 == "[" }).count != line.filter({ $0 == "]" }).count { return false }
        }
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingSpaces()
            // `on: repository_dispatch`, `on: [push, repository_dispatch]`, `- repository_dispatch`
            if trimmed == "- repository_dispatch" { return true }
            if trimmed.hasPrefix("on:") || trimmed.hasPrefix("\"on\":") {
                let words = trimmed.split(whereSeparator: { " [],:\"'".contains($0) })
                if words.contains("repository_dispatch") { return true }
            }
            guard trimmed == "repository_dispatch:" else { continue }
            let indent = indentation(of: line)
            let nested = lines[(index + 1)...].prefix { $0.trimmingSpaces().isEmpty || indentation(of: $0) > indent }
                .filter { !$0.trimmingSpaces().isEmpty }
            if nested.isEmpty { return true }
            guard let typesLine = nested.firstIndex(where: { $0.trimmingSpaces().hasPrefix("types:") }) else {
                return false
            }
            let value = nested[typesLine].trimmingSpaces().dropFirst("types:".count)
                .trimmingSpaces()
            var listed: [String] = []
            if value.isEmpty {
                let typesIndent = indentation(of: nested[typesLine])
                for item in nested[(typesLine + 1)...] {
                    let itemText = item.trimmingSpaces()
                    guard itemText.hasPrefix("- "), indentation(of: item) >= typesIndent else { break }
                    listed.append(unquote(String(itemText.dropFirst(2))))
                }
            } else if value.hasPrefix("[") {
                listed = value.dropFirst().dropLast().split(separator: ",").map { unquote(String($0)) }
            } else {
                listed = [unquote(value)]
            }
            return listed.contains(eventType)
        }
        return false
    }

    /// The workflow's `name:` at the top level, or nil.
    static func name(of text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("name:") {
            return unquote(stripComment(String(line.dropFirst(5))))
        }
        return nil
    }

    /// `run-name:` with `${{ github.event.client_payload.KEY }}` and `${{ github.event.action }}` filled in.
    static func runName(of text: String, eventType: String, payload: [String: String]) -> String? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("run-name:") }) else { return nil }
        var title = unquote(String(line.dropFirst("run-name:".count)))
        while let open = title.firstRange(of: "${{"), let close = title[open.upperBound...].firstRange(of: "}}") {
            let expression = title[open.upperBound..<close.lowerBound].trimmingSpaces()
            let value: String
            if expression == "github.event.action" {
                value = eventType
            } else if expression.hasPrefix("github.event.client_payload.") {
                value = payload[String(expression.dropFirst("github.event.client_payload.".count))] ?? ""
            } else {
                value = ""
            }
            title.replaceSubrange(open.lowerBound..<close.upperBound, with: value)
        }
        return title
    }

    private static func indentation(of line: String) -> Int { line.prefix { $0 == " " }.count }

    private static func stripComment(_ line: String) -> String {
        if line.trimmingSpaces().hasPrefix("#") { return "" }
        if let mark = line.firstRange(of: " #") { return String(line[..<mark.lowerBound]) }
        return line
    }

    private static func unquote(_ text: String) -> String {
        text.trimmingSpaces().trimming(scalarsIn: "\"'")
    }
}
