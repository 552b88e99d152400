/// A mistake in the fleet config: which file, which field, what is wrong.
///
/// The description reads `config/fleet.json: policy.warnDay: unknown key; did you mean "warnDays"?`.
/// patrol stops with exit code 2 on any of these, before it sends anything to GitHub.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The config file as the user named it.
    public let file: String
    /// The field path, such as `repositories.libraries[2]`; empty when the problem is the whole file.
    public let field: String
    /// What is wrong and, where it helps, what to do.
    public let problem: String

    public init(file: String, field: String, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        field.isEmpty ? "\(file): \(problem)" : "\(file): \(field): \(problem)"
    }
}
