import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore
/// Help, usage and version text, generated from ``CommandName/configuration`` and ``OptionGroup/options``.
public enum HelpText {
    /// Lines are wrapped to this many columns.
    package static let width = 100

    /// `patrol 0.1.0`.
    public static var version: String { "patrol \(Patrol.version)" }

    /// Where the token comes from, as the tool's help and patrol(1) say it.
    package static let tokenParagraph = """
        The token is never an argument: give it with one of --token-stdin, --token-env NAME or --token-file PATH, \
        else the PAT_TOKEN variable, else at the prompt.
        """

    /// Where output goes and how a run stops, as the tool's help and patrol(1) say it.
    package static let outputParagraph = """
        Results go to stdout as each is known, progress and diagnostics to stderr. A closed stdout \
        (patrol status | head -1) ends patrol quietly. Ctrl-C or SIGTERM stops starting requests, records \
        what finished in the ledger, says what is left (--resume finishes a rollout) and exits 130 or 143.
        """

    /// The token sources in a command that reads one, as its help and its man page say them.
    package static let tokenSourcesLines = [
        "Token sources: one of --token-stdin, --token-env, --token-file; else PAT_TOKEN; else the prompt.",
        "A trailing line break is trimmed; quotes or a pasted NAME=… line are refused.",
        "A GitHub App may call the API instead: --app-id and --app-key-file (or PATROL_APP_ID and",
        "PATROL_APP_PRIVATE_KEY, or the config's app); see docs/github-app.md.",
    ]

    /// The text for `patrol help [topic]`.
    public static func help(topic: CommandName?) -> String {
        topic.map(command) ?? tool()
    }

    /// The tool's help: overview, commands, global options, exit codes.
    public static func tool() -> String {
        let commands = CommandName.visible
        let nameWidth = commands.map(\.rawValue.count).max() ?? 0
        var lines = [
            "OVERVIEW: keep one GitHub token as an Actions secret across a fleet of repositories (\(version))",
            "",
            "USAGE: patrol <command> [<options>]",
            "",
            "COMMANDS:",
        ]
        for command in commands {
            let label = command == .help ? "help [command]" : command.rawValue
            lines += row(label, command.configuration.abstract, column: max(nameWidth, "help [command]".count) + 4)
        }
        lines += [""] + section(.global, column: optionColumn([.global]))
        lines += [""] + wrap(words(tokenParagraph), indent: 0, firstIndent: 0)
        lines += ["See 'patrol help <command>' for a command's options.", ""]
        lines += wrap(words(outputParagraph), indent: 0, firstIndent: 0)
        lines += ["", "EXIT CODES:"]
        for (codes, meaning) in ExitCode.table {
            lines += row(codes, meaning, column: 10)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A command's help: overview, usage, its option groups with defaults.
    public static func command(_ command: CommandName) -> String {
        let configuration = command.configuration
        var lines = ["OVERVIEW: \(configuration.abstract)", ""]
        if !configuration.discussion.isEmpty {
            lines += wrap(words(configuration.discussion), indent: 0, firstIndent: 0) + [""]
        }
        lines += usageLines(command)
        let column = optionColumn(configuration.groups)
        for group in configuration.groups {
            lines += [""] + section(group, column: column)
        }
        if configuration.groups.contains(.token) {
            lines += [""] + tokenSourcesLines
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The usage line(s) of a command, or of the tool for nil.
    public static func usage(_ command: CommandName?) -> String {
        guard let command else { return "USAGE: patrol <command> [<options>]" }
        return usageLines(command).joined(separator: "\n")
    }

    /// What patrol prints for a usage error: the message, the usage, and where to read more.
    public static func usageError(_ error: UsageError) -> String {
        let more = error.command.map { "See 'patrol help \($0)' for its options." }
            ?? "See 'patrol help' for the commands."
        return "error: \(error)\n\n\(usage(error.command))\n\(more)\n"
    }

    package static func usageLines(_ command: CommandName) -> [String] {
        var parts: [String] = []
        switch command {
        case .help: parts.append("[<command>]")
        case .version: break
        default:
            switch command {
            case .app: parts.append("rollout")
            case .completion: parts.append(CompletionShell.allCases.map(\.rawValue).joined(separator: "|"))
            case .manPages: parts.append("DIRECTORY")
            default: break
            }
            for group in command.configuration.groups {
                if let placeholder = group.usagePlaceholder {
                    parts.append(placeholder)
                } else {
                    parts += group.options.map { "[\($0.synopsis)]" }
                }
            }
        }
        if command == .help || command == .version { parts.append("[<global options>]") }
        // why parts, not words: "[--old-token-file PATH]" must not break across lines.
        return wrap(["patrol", command.rawValue] + parts, indent: 13, firstIndent: 0, prefix: "USAGE: ")
    }

    /// The column option help starts at, shared by all groups of one help text.
    private static func optionColumn(_ groups: [OptionGroup]) -> Int {
        min(30, (groups.flatMap(\.options).map(\.synopsis.count).max() ?? 0) + 4)
    }

    private static func section(_ group: OptionGroup, column: Int) -> [String] {
        let options = group.options
        var lines = ["\(group.title):"]
        for option in options {
            let text = option.defaultValue.map { "\(option.help) (default: \($0))" } ?? option.help
            lines += row(option.synopsis, text, column: column)
        }
        return lines
    }

    /// `  label   text`, the text starting at `column` (after two spaces of indent) and wrapped below it.
    private static func row(_ label: String, _ text: String, column: Int) -> [String] {
        let indent = 2 + column
        let head = "  " + label
        if head.count + 2 > indent {
            return [head] + wrap(words(text), indent: indent, firstIndent: indent)
        }
        let padded = head + String(repeating: " ", count: indent - head.count)
        return wrap(words(text), indent: indent, firstIndent: indent, prefix: padded)
    }

    private static func words(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }

    /// Fills lines of at most ``width`` columns with `words`; the first starts with `prefix` (or `firstIndent` spaces).
    private static func wrap(_ words: [String], indent: Int, firstIndent: Int, prefix: String? = nil) -> [String] {
        var lines: [String] = []
        var line = prefix ?? String(repeating: " ", count: firstIndent)
        var lineHasWord = false
        for word in words {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }
}
