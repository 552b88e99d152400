/// A GitHub Actions workflow command that annotates a run: `::warning title=T::message`.
///
/// GitHub reads the line up to the end, so line breaks in the message are escaped (`%0A`), as are `%`
/// and `\r`; property values (the title) also escape `:` and `,`, which would end them.
public struct WorkflowAnnotation: Sendable, Equatable {
    public enum Level: String, Sendable {
        case notice, warning, error
    }

    public let level: Level
    public let title: String
    public let message: String

    public init(level: Level, title: String, message: String) {
        self.level = level
        self.title = title
        self.message = message
    }

    /// The command line to print on stdout.
    public var line: String {
        "::\(level.rawValue) title=\(Self.escapeProperty(title))::\(Self.escapeData(message))"
    }

    /// GitHub's escaping of a command's message: `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`.
    public static func escapeData(_ text: String) -> String {
        text.replacingEvery("%", with: "%25")
            .replacingEvery("\r", with: "%0D")
            .replacingEvery("\n", with: "%0A")
    }

    /// A property value's escaping: the message's, plus `:` → `%3A` and `,` → `%2C`.
    public static func escapeProperty(_ text: String) -> String {
        escapeData(text)
            .replacingEvery(":", with: "%3A")
            .replacingEvery(",", with: "%2C")
    }
}
