/// The shells `patrol completion` writes a script for.
public enum CompletionShell: String, Sendable, Equatable, CaseIterable {
    case bash, zsh, fish

    /// The shells as a usage error lists them: `bash, zsh or fish`.
    static var expected: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }
}
