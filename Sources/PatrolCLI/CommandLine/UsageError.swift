import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore
/// A command line patrol cannot run; it exits with ``ExitCode/usage`` before anything is sent.
///
/// ``HelpText/usageError(_:)`` adds the command's usage to the message. No case ever holds a token:
/// a token-shaped argument becomes ``tokenOnCommandLine(option:command:)``, which does not keep it.
public enum UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No command was given.
    case missingCommand
    /// The first argument is not a command.
    case unknownCommand(String, suggestion: String?)
    /// The option is not one the command accepts.
    case unknownOption(String, command: CommandName?, suggestion: String?)
    /// The option needs a value and got none.
    case missingValue(option: String, command: CommandName)
    /// The option's value is malformed or out of range; `expected` says what is allowed.
    case invalidValue(option: String, value: String, expected: String, command: CommandName)
    /// The option was given more than once.
    case repeatedOption(String, command: CommandName)
    /// A flag was given a value with `=`.
    case unexpectedValue(option: String, command: CommandName)
    /// An argument that is neither an option nor expected.
    case unexpectedArgument(String, command: CommandName)
    /// Two options that exclude each other.
    case conflictingOptions(String, String, command: CommandName)
    /// `option` needs another option, described by `needs`.
    case missingRequirement(option: String, needs: String, command: CommandName)
    /// A token was offered on the command line (`--token`, `-t`, or a token-shaped argument); refused.
    case tokenOnCommandLine(option: String?, command: CommandName?)

    /// The command whose usage should follow the message; nil for the tool's.
    public var command: CommandName? {
        switch self {
        case .missingCommand, .unknownCommand: nil
        case let .unknownOption(_, command, _), let .tokenOnCommandLine(_, command): command
        case let .missingValue(_, command), let .invalidValue(_, _, _, command), let .repeatedOption(_, command),
             let .unexpectedValue(_, command), let .unexpectedArgument(_, command),
             let .conflictingOptions(_, _, command), let .missingRequirement(_, _, command):
            command
        }
    }

    private static var commandList: String {
        CommandName.visible.map(\.rawValue).joined(separator: ", ")
    }

    public var description: String {
        switch self {
        case .missingCommand:
            return "no command given; choose one of \(Self.commandList)"
        case let .unknownCommand(word, suggestion):
            let hint = suggestion.map { "did you mean \"\($0)\"?" } ?? "the commands are \(Self.commandList)"
            return "unknown command \"\(word)\"; \(hint)"
        case let .unknownOption(option, command, suggestion):
            let target = command.map { " for \($0)" } ?? ""
            if let suggestion { return "unknown option \(option)\(target); did you mean \(suggestion)?" }
            let owners = CommandName.allCases.filter { $0.configuration.option(named: option) != nil }.map(\.rawValue)
            if !owners.isEmpty, let command {
                return "\(option) is not an option of \(command); it belongs to \(owners.joined(separator: ", "))"
            }
            return "unknown option \(option)\(target)"
        case let .missingValue(option, command):
            let placeholder = command.configuration.option(named: option)?.valueName.map { " (\($0))" } ?? ""
            return "\(option) needs a value\(placeholder); write \(option) VALUE or \(option)=VALUE"
        case let .invalidValue(option, value, expected, _):
            return "\(option): \"\(value)\" is not valid; expected \(expected)"
        case let .repeatedOption(option, _):
            return "\(option) is given more than once; give it once"
        case let .unexpectedValue(option, _):
            return "\(option) takes no value; write it without \"=\""
        case let .unexpectedArgument(argument, command):
            return "unexpected argument \"\(argument)\"; \(command) takes options only"
        case let .conflictingOptions(first, second, _):
            return "\(first) and \(second) cannot be used together; choose one"
        case let .missingRequirement(option, needs, _):
            return "\(option) needs \(needs)"
        case let .tokenOnCommandLine(option, _):
            let what = option.map { "there is no \($0) option" } ?? "this looks like a token given as an argument, which patrol refuses"
            return """
                \(what): a token on the command line is visible to other users in the process list and stays in \
                your shell history. Give it one of these ways instead: --token-stdin (the first line of standard \
                input), --token-env NAME (an environment variable), --token-file PATH (a file readable only by \
                you), the PAT_TOKEN variable, or the prompt patrol shows on a terminal. If the token is in your \
                shell history now, delete it there
                """
        }
    }
}
