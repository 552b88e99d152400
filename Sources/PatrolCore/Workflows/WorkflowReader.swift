import FoundationEssentials
import PatrolSupport

/// Reads the YAML that GitHub workflow files use, as far as patrol's checks need it: block maps and
/// lists by indentation, `- key: value` list items, plain, single- and double-quoted scalars, flow lists
/// and maps (`[a, b]`, `{a: b}`, also over several lines), block scalars (`|`, `>`), comments.
///
/// It is not a general YAML parser. Whatever it does not understand — a tab in the indentation, a line
/// whose indentation matches no level, an unclosed quote or bracket, `key: value: more`, anchors, aliases,
/// tags, a duplicate key — is a ``WorkflowReadError`` naming the line, never a guess.
public enum WorkflowReader {
    /// How deeply blocks and flow collections may nest; deeper is an error, never a stack overflow.
    /// Real workflow files nest fewer than 15 levels.
    public static let maximumDepth = 64

    /// The document's root node, or the first thing that could not be read.
    public static func read(_ text: String) throws(WorkflowReadError) -> YAMLNode {
        var parser = Parser(text)
        return try parser.document()
    }
}

private struct Parser {
    /// The lines as written (for messages) and as being read (list items are rewritten in place).
    package let original: [String]
    package var lines: [String]
    package var cursor = 0
    /// Blocks open around the one being read.
    package var depth = 0

    package struct Significant {
        package let index: Int
        package let indent: Int
        /// The line without indentation and comment.
        package let content: String
        package var number: Int { index + 1 }

        package init(index: Int, indent: Int, content: String) {
            self.index = index
            self.indent = indent
            self.content = content
        }
    }

    package init(_ text: String) {
        original = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        lines = original
    }

    package func fail(_ index: Int, _ reason: String) -> WorkflowReadError {
        WorkflowReadError(line: index + 1, text: index < original.count ? original[index] : "", reason: reason)
    }

    // MARK: Lines

    /// The next line with content at or after the cursor, skipping blank and comment-only lines.
    package func peek() throws(WorkflowReadError) -> Significant? {
        var index = cursor
        while index < lines.count {
            let line = lines[index]
            let leading = line.prefix { $0 == " " || $0 == "\t" }
            let content = Self.stripComment(String(line.dropFirst(leading.count)))
            if !content.isEmpty {
                if leading.contains("\t") { throw fail(index, "a tab indents this line; YAML indents with spaces only") }
                return Significant(index: index, indent: leading.count, content: content)
            }
            index += 1
        }
        return nil
    }

    /// `text` without a trailing comment (a `#` at the start or after a blank, outside quotes) and trailing blanks.
    package static func stripComment(_ text: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var escaped = false
        var end = text.endIndex
        for index in text.indices {
            let character = text[index]
            defer { previous = character }
            if let open = quote {
                if escaped { escaped = false; continue }
                if open == "\"" && character == "\\" { escaped = true; continue }
                if character == open { quote = nil }
                continue
            }
            if character == "#" && (previous == " " || previous == "\t" || index == text.startIndex) {
                end = index
                break
            }
            // A quote opens a quoted scalar only where a value can start.
            if character == "\"" || character == "'" {
                let before = text[..<index].last { $0 != " " }
                if before == nil || [":", "-", "[", "{", ","].contains(before!) { quote = character }
            }
        }
        return String(text[..<end]).trimming(scalarsIn: " \t")
    }

    package static func isListItem(_ content: String) -> Bool { content == "-" || content.hasPrefix("- ") }

    // MARK: Blocks

    package mutating func document() throws(WorkflowReadError) -> YAMLNode {
        if let first = try peek(), first.content == "---" { cursor = first.index + 1 }
        guard let first = try peek() else { return YAMLNode(kind: .null, line: 1) }
        let root = try block(indent: first.indent)
        if let extra = try peek(), extra.content != "..." {
            throw fail(extra.index, "its indentation matches no level above it")
        }
        return root
    }

    package mutating func block(indent: Int) throws(WorkflowReadError) -> YAMLNode {
        let first = try peek()!
        guard depth < WorkflowReader.maximumDepth else {
            throw fail(first.index, "nested more than \(WorkflowReader.maximumDepth) levels deep")
        }
        depth += 1
        defer { depth -= 1 }
        return Self.isListItem(first.content) ? try list(indent: indent) : try map(indent: indent)
    }

    package mutating func list(indent: Int) throws(WorkflowReadError) -> YAMLNode {
        var items: [YAMLNode] = []
        let start = try peek()!.number
        while let line = try peek(), line.indent == indent, Self.isListItem(line.content) {
            let rest = line.content.dropFirst()
            let item = rest.drop { $0 == " " }
            if item.isEmpty {
                cursor = line.index + 1
                if let next = try peek(), next.indent > indent {
                    items.append(try block(indent: next.indent))
                } else {
                    items.append(YAMLNode(kind: .null, line: line.number))
                }
                continue
            }
            let column = indent + 1 + (rest.count - item.count)
            let text = String(item)
            if Self.isListItem(text) || (try? Self.splitKey(text)) != nil && !Self.startsScalar(text) {
                // `- key: value` opens a map whose keys line up with `key`: read the line as if the dash were a blank.
                lines[line.index] = String(repeating: " ", count: column) + text
                items.append(try block(indent: column))
            } else {
                cursor = line.index + 1
                items.append(try value(text, at: line, parentIndent: indent))
            }
        }
        return YAMLNode(kind: .list(items), line: start)
    }

    package mutating func map(indent: Int) throws(WorkflowReadError) -> YAMLNode {
        var entries: [YAMLEntry] = []
        var keyLines: [String: Int] = [:]
        let start = try peek()!.number
        while let line = try peek(), line.indent == indent, !Self.isListItem(line.content) {
            let key: String, rest: String
            do {
                (key, rest) = try Self.splitKey(line.content)
            } catch {
                throw fail(line.index, error.reason)
            }
            if let earlier = keyLines[key] {
                throw fail(line.index, "`\(key)` is already set at line \(earlier)")
            }
            keyLines[key] = line.number
            cursor = line.index + 1
            let node: YAMLNode
            if rest.isEmpty {
                if let next = try peek(), next.indent > indent {
                    node = try block(indent: next.indent)
                } else if let next = try peek(), next.indent == indent, Self.isListItem(next.content) {
                    node = try list(indent: indent)
                } else {
                    node = YAMLNode(kind: .null, line: line.number)
                }
            } else {
                node = try value(rest, at: line, parentIndent: indent)
            }
            entries.append(YAMLEntry(key: key, line: line.number, value: node))
        }
        return YAMLNode(kind: .map(entries), line: start)
    }

    // MARK: Values

    package struct KeyProblem: Error { let reason: String }

    /// `key: rest` → (key, rest); the key may be quoted.
    package static func splitKey(_ content: String) throws(KeyProblem) -> (String, String) {
        if let quote = content.first, quote == "\"" || quote == "'" {
            guard let (key, rest) = try? quoted(content), case let after = rest.trimmingSpaces(), after.hasPrefix(":"),
                  after.count == 1 || after.dropFirst().first == " " else {
                throw KeyProblem(reason: "expected `key: value`")
            }
            return (key, after.dropFirst().trimmingSpaces())
        }
        if content.hasPrefix("? ") || content.hasPrefix("[") || content.hasPrefix("{") {
            throw KeyProblem(reason: "complex keys are not supported")
        }
        var index = content.startIndex
        while index < content.endIndex {
            if content[index] == ":" {
                let next = content.index(after: index)
                if next == content.endIndex || content[next] == " " {
                    let key = content[..<index].trimmingSpaces()
                    guard !key.isEmpty else { break }
                    return (key, content[next...].trimmingSpaces())
                }
            }
            index = content.index(after: index)
        }
        throw KeyProblem(reason: "expected `key: value` or `- item`")
    }

    /// True when a list item's text is a scalar that happens to contain `: ` inside quotes or brackets.
    package static func startsScalar(_ text: String) -> Bool {
        guard let first = text.first else { return false }
        return first == "[" || first == "{" || ((first == "\"" || first == "'") && (try? splitKey(text)) == nil)
    }

    /// The value after `key:` or `- ` on `line`.
    package mutating func value(_ text: String, at line: Significant, parentIndent: Int) throws(WorkflowReadError) -> YAMLNode {
        let first = text.first!
        if first == "|" || first == ">" {
            guard text.dropFirst().allSatisfy({ "+-123456789".contains($0) }) else {
                throw fail(line.index, "unexpected text after the block scalar indicator")
            }
            return blockScalar(folded: first == ">", at: line, parentIndent: parentIndent)
        }
        if first == "[" || first == "{" { return try flow(text, at: line) }
        if first == "\"" || first == "'" {
            let parsed: (String, String)
            do {
                parsed = try Self.quoted(text)
            } catch {
                throw fail(line.index, "the quoted text is not closed on this line")
            }
            guard parsed.1.trimmingSpaces().isEmpty else { throw fail(line.index, "unexpected text after the closing quote") }
            return YAMLNode(kind: .scalar(parsed.0, quoted: true), line: line.number)
        }
        if "&*!%@`".contains(first) {
            throw fail(line.index, "anchors, aliases, tags and reserved characters are not supported")
        }
        var plain = text
        guard !plain.contains(": ") else { throw fail(line.index, "`: ` inside an unquoted value; quote the value") }
        // A plain scalar may continue on more-indented lines.
        while let next = try peek(), next.indent > parentIndent, !(Self.isListItem(next.content) && next.indent == parentIndent) {
            if (try? Self.splitKey(next.content)) != nil {
                throw fail(next.index, "a `key:` cannot follow a value on the line above; check the indentation")
            }
            plain += " " + next.content
            cursor = next.index + 1
        }
        return YAMLNode(kind: .scalar(plain, quoted: false), line: line.number)
    }

    /// `|` or `>`: the raw lines indented deeper than the parent, blank lines included.
    package mutating func blockScalar(folded: Bool, at line: Significant, parentIndent: Int) -> YAMLNode {
        var index = line.index + 1
        var body: [String] = []
        var contentIndent: Int?
        while index < lines.count {
            let raw = lines[index]
            let indent = raw.prefix { $0 == " " }.count
            if raw.trimmingSpaces().isEmpty {
                body.append("")
            } else {
                if contentIndent == nil { contentIndent = indent }
                guard indent >= contentIndent!, indent > parentIndent else { break }
                body.append(String(raw.dropFirst(contentIndent!)))
            }
            index += 1
        }
        while body.last == "" { body.removeLast() }
        cursor = line.index + 1 + body.count
        return YAMLNode(kind: .scalar(body.joined(separator: folded ? " " : "\n"), quoted: false), line: line.number)
    }

    /// A flow list or map, possibly over several lines.
    package mutating func flow(_ text: String, at line: Significant) throws(WorkflowReadError) -> YAMLNode {
        var source = text
        var last = line.index
        var brackets = BracketBalance()
        brackets.feed(text)
        // Each continuation line is scanned once, so a never-closed bracket costs linear time, not quadratic.
        while !brackets.isBalanced {
            last += 1
            guard last < lines.count else {
                throw fail(line.index, "the \(text.first == "[" ? "[ list" : "{ map") opened here is never closed")
            }
            let more = " " + Self.stripComment(lines[last].trimmingSpaces())
            brackets.feed(more)
            source += more
        }
        cursor = last + 1
        var reader = FlowReader(characters: Array(source), line: line.number)
        guard let node = reader.node(), reader.atEnd() else {
            throw fail(line.index, reader.problem ?? "could not read the flow collection")
        }
        return node
    }

    /// Open brackets and quotes of a flow collection, fed a piece at a time.
    package struct BracketBalance {
        package var depth = 0
        package var quote: Character?

        package var isBalanced: Bool { depth <= 0 && quote == nil }

        package mutating func feed(_ text: String) {
            for character in text {
                if let open = quote { if character == open { quote = nil }; continue }
                switch character {
                case "\"", "'": quote = character
                case "[", "{": depth += 1
                case "]", "}": depth -= 1
                default: break
                }
            }
        }
    }

    package struct QuoteProblem: Error {}

    /// A quoted scalar at the start of `text`: its value and what follows the closing quote.
    package static func quoted(_ text: String) throws(QuoteProblem) -> (String, String) {
        let characters = Array(text)
        let quote = characters[0]
        var value = ""
        var index = 1
        while index < characters.count {
            let character = characters[index]
            if quote == "'" && character == "'" {
                if index + 1 < characters.count, characters[index + 1] == "'" { value.append("'"); index += 2; continue }
                return (value, String(characters[(index + 1)...]))
            }
            if quote == "\"" && character == "\\" && index + 1 < characters.count {
                let escaped = characters[index + 1]
                value.append(["n": "\n", "t": "\t", "\"": "\"", "\\": "\\", "/": "/", "0": "\0"][escaped] ?? escaped)
                index += 2
                continue
            }
            if quote == "\"" && character == "\"" {
                return (value, String(characters[(index + 1)...]))
            }
            value.append(character)
            index += 1
        }
        throw QuoteProblem()
    }
}

/// `[a, "b", [c]]` and `{a: b}` on one logical line.
private struct FlowReader {
    package let characters: [Character]
    package let line: Int
    package var index = 0
    package var problem: String?
    package var depth = 0

    package mutating func skipBlanks() {
        while index < characters.count, characters[index] == " " { index += 1 }
    }

    package mutating func atEnd() -> Bool {
        skipBlanks()
        if index < characters.count { problem = "unexpected text after the closing bracket" }
        return index == characters.count
    }

    package mutating func node() -> YAMLNode? {
        skipBlanks()
        guard index < characters.count else { problem = "a value is missing"; return nil }
        guard depth < WorkflowReader.maximumDepth else {
            problem = "nested more than \(WorkflowReader.maximumDepth) levels deep"
            return nil
        }
        depth += 1
        defer { depth -= 1 }
        switch characters[index] {
        case "[":
            index += 1
            var items: [YAMLNode] = []
            skipBlanks()
            if index < characters.count, characters[index] == "]" { index += 1; return YAMLNode(kind: .list([]), line: line) }
            while true {
                guard let item = node() else { return nil }
                items.append(item)
                skipBlanks()
                guard index < characters.count else { problem = "the list is never closed"; return nil }
                if characters[index] == "]" { index += 1; return YAMLNode(kind: .list(items), line: line) }
                guard characters[index] == "," else { problem = "expected `,` or `]` in the list"; return nil }
                index += 1
                skipBlanks()
                if index < characters.count, characters[index] == "]" { index += 1; return YAMLNode(kind: .list(items), line: line) }
            }
        case "{":
            index += 1
            var entries: [YAMLEntry] = []
            while true {
                skipBlanks()
                guard index < characters.count else { problem = "the map is never closed"; return nil }
                if characters[index] == "}" { index += 1; return YAMLNode(kind: .map(entries), line: line) }
                guard let key = node()?.scalar else { problem = problem ?? "a map key must be text"; return nil }
                skipBlanks()
                guard index < characters.count, characters[index] == ":" else { problem = "expected `:` after `\(key)`"; return nil }
                index += 1
                guard let value = node() else { return nil }
                entries.append(YAMLEntry(key: key, line: line, value: value))
                skipBlanks()
                if index < characters.count, characters[index] == "," { index += 1 }
            }
        case "\"", "'":
            let rest = String(characters[index...])
            guard let (value, after) = try? Parser.quoted(rest) else { problem = "the quoted text is not closed"; return nil }
            index = characters.count - after.count
            return YAMLNode(kind: .scalar(value, quoted: true), line: line)
        default:
            let start = index
            while index < characters.count, !",]}".contains(characters[index]),
                  !(characters[index] == ":" && (index + 1 == characters.count || characters[index + 1] == " ")) {
                index += 1
            }
            let text = String(characters[start..<index]).trimmingSpaces()
            guard !text.isEmpty else { problem = "a value is missing"; return nil }
            return YAMLNode(kind: .scalar(text, quoted: false), line: line)
        }
    }
}
