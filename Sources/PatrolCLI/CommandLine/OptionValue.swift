import FoundationEssentials
import PatrolSupport
import PatrolGitHub
/// How one option's text becomes a typed value, and what the text must be.
public struct OptionValue<Value>: Sendable {
    /// What a value must be, as the error for a wrong one says it.
    public let expected: String
    /// The only values accepted, when they are a closed set.
    public let allowedValues: [String]?
    /// What separates the items of a value that is a list of ``allowedValues`` (`,` for `environment,organization`).
    public let listSeparator: String?
    /// True when the value names a file.
    public let isPath: Bool
    /// True when the value names an environment variable that holds a credential.
    public let namesCredential: Bool
    /// The value, or nil when `text` is not one ``expected`` allows.
    package let read: @Sendable (String) -> Value?

    package init(expected: String, allowedValues: [String]? = nil, listSeparator: String? = nil, isPath: Bool = false,
                 namesCredential: Bool = false, read: @escaping @Sendable (String) -> Value?) {
        self.expected = expected
        self.allowedValues = allowedValues
        self.listSeparator = listSeparator
        self.isPath = isPath
        self.namesCredential = namesCredential
        self.read = read
    }

    /// The spec of an option that reads its value this way.
    func spec(_ name: String, _ valueName: String, _ help: String, _ defaultValue: String?) -> OptionSpec {
        OptionSpec(name, value: valueName, help, default: defaultValue, expected: expected, allowedValues: allowedValues,
                   listSeparator: listSeparator, takesPath: isPath, namesCredential: namesCredential)
    }
}

extension OptionValue where Value == String {
    /// Any text but the empty one.
    package static func nonEmpty(_ expected: String) -> Self {
        Self(expected: expected) { $0.isEmpty ? nil : $0 }
    }

    /// A file's path, not empty.
    package static func path(_ expected: String = "a file path") -> Self {
        Self(expected: expected, isPath: true) { $0.isEmpty ? nil : $0 }
    }

    /// An environment variable's name: letters, digits and `_`, not starting with a digit.
    package static let variableName = Self(expected: "the name of an environment variable (letters, digits and \"_\", e.g. GH_TOKEN)") { text in
        let bytes = Array(text.utf8)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let isWordByte = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || digits.contains(byte) || byte == UInt8(ascii: "_")
        }
        return !bytes.isEmpty && bytes.allSatisfy(isWordByte) && !digits.contains(bytes[0]) ? text : nil
    }

    /// The name of an environment variable that holds a credential (a token, the API's credential).
    package static let credentialVariable = Self(expected: variableName.expected, namesCredential: true, read: variableName.read)

    /// Text of `lengths` characters.
    package static func text(_ lengths: ClosedRange<Int>, _ expected: String) -> Self {
        Self(expected: expected) { lengths.contains($0.count) ? $0 : nil }
    }
}

extension OptionValue where Value == Int {
    /// A whole number in `range`.
    package static func integer(_ range: ClosedRange<Int>) -> Self {
        Self(expected: "a whole number from \(range.lowerBound) to \(range.upperBound)") { Int($0).flatMap { range.contains($0) ? $0 : nil } }
    }
}

extension OptionValue where Value == UInt64 {
    /// Any whole number a `UInt64` holds.
    package static let unsigned = Self(expected: "a whole number from 0 to \(UInt64.max)") { UInt64($0) }
}

extension OptionValue where Value == Double {
    /// A finite number that `isAllowed` accepts.
    package static func decimal(_ expected: String, allowing isAllowed: @escaping @Sendable (Double) -> Bool) -> Self {
        Self(expected: expected) { Double($0).flatMap { $0.isFinite && isAllowed($0) ? $0 : nil } }
    }
}

extension OptionValue where Value == [String] {
    /// Repository names separated by commas, spaces around each trimmed; none may be empty.
    package static let repositoryList = Self(expected: "repository names separated by commas, e.g. c3-shared,c3-web") { text in
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
        return items.contains(where: \.isEmpty) ? nil : items
    }
}

extension OptionValue where Value: CaseIterable & RawRepresentable & Sendable, Value.RawValue == String {
    /// One of the type's cases, by name.
    package static func oneOf(_ expected: String) -> Self {
        Self(expected: expected, allowedValues: Value.allCases.map(\.rawValue)) { Value(rawValue: $0) }
    }
}

extension OptionValue where Value == Set<SecretTargetKind> {
    /// Kinds of secret target separated by commas (`environment,organization`; `env`, `repo`, `org` too).
    package static let targetKinds = Self(expected: "kinds of secret target separated by commas: "
                                            + SecretTargetKind.allCases.map(\.rawValue).joined(separator: ", "),
                                            allowedValues: SecretTargetKind.allCases.map(\.rawValue), listSeparator: ",") { text in
        let kinds = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { SecretTargetKind(naming: $0.trimmingSpaces()) }
        return kinds.isEmpty || kinds.contains(nil) ? nil : Set(kinds.compactMap { $0 })
    }
}
