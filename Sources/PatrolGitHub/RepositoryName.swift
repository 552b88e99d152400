
/// A GitHub repository, `owner/name`.
///
/// GitHub treats both parts case-insensitively, so equality, hashing and ordering ignore case while
/// ``description`` keeps the spelling the user wrote.
public struct RepositoryName: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The account (user or organization) that owns the repository.
    public let owner: String
    /// The repository's name inside its owner.
    public let name: String

    /// Checks both parts against GitHub's naming rules.
    public init(owner: String, name: String) throws(RepositoryNameError) {
        if let problem = Self.ownerProblem(owner) { throw .invalidOwner(owner, problem: problem) }
        if let problem = Self.nameProblem(name) { throw .invalidName(name, problem: problem) }
        self.owner = owner
        self.name = name
    }

    /// Reads `name` (under `defaultOwner`) or `owner/name`.
    public init(parsing text: String, defaultOwner: String) throws(RepositoryNameError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: try self.init(owner: defaultOwner, name: text)
        case 2: try self.init(owner: String(parts[0]), name: String(parts[1]))
        default: throw .malformed(text)
        }
    }

    /// `owner/name`.
    public var fullName: String { "\(owner)/\(name)" }
    public var description: String { fullName }

    /// `owner/name` in lower case: the identity GitHub uses.
    public var key: String { fullName.lowercased() }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.key < rhs.key }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: RepositoryNameError.malformed(text).description))
        }
        do {
            try self.init(owner: String(parts[0]), name: String(parts[1]))
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fullName)
    }

    /// Why `owner` is not a valid GitHub account name, or nil when it is.
    public static func ownerProblem(_ owner: String) -> String? {
        let rule = "letters, digits and \"-\" only, 1 to 39 characters, not starting or ending with \"-\""
        if owner.isEmpty { return "it is empty (\(rule))" }
        if owner.utf8.count > 39 { return "it is longer than 39 characters" }
        guard owner.utf8.allSatisfy({ isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else { return rule }
        if owner.hasPrefix("-") || owner.hasSuffix("-") { return "it starts or ends with \"-\"" }
        return nil
    }

    /// Why `name` is not a valid GitHub repository name, or nil when it is.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name == "." || name == ".." { return "\".\" and \"..\" are reserved" }
        if name.utf8.count > 100 { return "it is longer than 100 characters" }
        let allowed = name.utf8.allSatisfy {
            isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        return allowed ? nil : "letters, digits, \"-\", \"_\" and \".\" only"
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// The part a repository plays in the fleet.
public enum RepositoryRole: String, Sendable, Equatable, CaseIterable {
    /// Publishes packages; its workflow dispatches `dependency_updated` and the like.
    case library
    /// Built and deployed; its CI workflow dispatches build events.
    case application
    /// The orchestrator that receives the events; it does not hold the secret.
    case platform
}

/// Why a text is not a GitHub repository name.
public enum RepositoryNameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The owner part breaks GitHub's account-name rules.
    case invalidOwner(String, problem: String)
    /// The name part breaks GitHub's repository-name rules.
    case invalidName(String, problem: String)
    /// Neither `name` nor `owner/name`.
    case malformed(String)

    public var description: String {
        switch self {
        case let .invalidOwner(owner, problem):
            "\"\(owner)\" is not a valid account name (\(problem))"
        case let .invalidName(name, problem):
            "\"\(name)\" is not a valid repository name (\(problem))"
        case let .malformed(text):
            "\"\(text)\" is not a repository; write \"name\" or \"owner/name\""
        }
    }
}
