/// A value of the small YAML subset ``WorkflowReader`` reads, with the line it starts on (from 1).
public struct YAMLNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Text; `quoted` when it was written in quotes (a quoted `null` is text, not null).
        case scalar(String, quoted: Bool)
        case list([YAMLNode])
        case map([YAMLEntry])
        /// `key:` with nothing after it.
        case null
    }

    public let kind: Kind
    public let line: Int

    /// The text of a scalar, or nil.
    public var scalar: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// The items of a list, or nil.
    public var items: [YAMLNode]? {
        if case .list(let items) = kind { return items }
        return nil
    }

    /// The entries of a map, or nil.
    public var entries: [YAMLEntry]? {
        if case .map(let entries) = kind { return entries }
        return nil
    }

    /// The entry for `key` in a map.
    public subscript(key: String) -> YAMLEntry? {
        entries?.first { $0.key == key }
    }

    package init(kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }
}

/// `key: value` in a map; `line` is the key's line.
public struct YAMLEntry: Sendable, Equatable {
    public let key: String
    public let line: Int
    public let value: YAMLNode

    package init(key: String, line: Int, value: YAMLNode) {
        self.key = key
        self.line = line
        self.value = value
    }
}

/// Why a workflow file could not be read, at which line, quoting the line as written.
public struct WorkflowReadError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    /// The line as the file has it.
    public let text: String
    public let reason: String

    public var description: String {
        "could not read line \(line) (\(reason)): `\(text.trimmingSpaces())`"
    }

    package init(line: Int, text: String, reason: String) {
        self.line = line
        self.text = text
        self.reason = reason
    }
}
