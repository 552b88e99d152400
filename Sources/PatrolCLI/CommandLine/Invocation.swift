import PatrolSupport
import PatrolSecrets
/// One run of patrol as the command line asks for it: the command with the arguments it accepts, defaults filled in.
///
/// Parsing is pure (no environment, no files): the token sources, the config path and the API URL are
/// recorded here and resolved by the command that needs them.
public struct Invocation: Sendable, Equatable {
    /// The command with its own arguments, which its `run` takes.
    public var arguments: Arguments
    /// The environment variables named by options declared as naming a credential (``OptionSpec/namesCredential``).
    public var credentialVariables: Set<String> = []

    /// A command with the arguments it accepts: each case holds the command's own ``CommandArguments``.
    public enum Arguments: Sendable, Equatable {
        case rollout(RolloutArguments), rotate(RotateArguments), expiry(ExpiryArguments), doctor(DoctorArguments)
        case status(StatusArguments), app(AppArguments), demo(DemoArguments), simulator(SimulatorArguments)
        case completion(CompletionArguments), manPages(ManPagesArguments), help(HelpArguments), version(VersionArguments)
    }

    public init(_ arguments: Arguments) {
        self.arguments = arguments
    }

    /// The command to run.
    public var command: CommandName {
        switch arguments {
        case .rollout: .rollout
        case .rotate: .rotate
        case .expiry: .expiry
        case .doctor: .doctor
        case .status: .status
        case .app: .app
        case .demo: .demo
        case .simulator: .simulator
        case .completion: .completion
        case .manPages: .manPages
        case .help: .help
        case .version: .version
        }
    }

    /// The command's arguments, whichever command it is.
    public var options: any CommandArguments {
        switch arguments {
        case let .rollout(options): options
        case let .rotate(options): options
        case let .expiry(options): options
        case let .doctor(options): options
        case let .status(options): options
        case let .app(options): options
        case let .demo(options): options
        case let .simulator(options): options
        case let .completion(options): options
        case let .manPages(options): options
        case let .help(options): options
        case let .version(options): options
        }
    }

    /// Options every command accepts.
    public var global: GlobalOptions { options.global }

    /// Reads the arguments after the program name.
    ///
    /// Accepts `--opt value` and `--opt=value`, options before or after the command, and `--` to end
    /// options. `--help`/`-h` and `--version` win over everything except a token on the command line,
    /// which is always refused.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        try InvocationParser(arguments: arguments).parse()
    }
}

/// The two passes behind ``Invocation/parse(_:)``: split the arguments, then check them against the command.
package struct InvocationParser {
    package let arguments: [String]

    /// An option as written: its name (before any `=`), its value, and whether the value came after `=`.
    private struct Occurrence {
        package let name: String
        package let value: String?
        package let inline: Bool
    }

    package func parse() throws(UsageError) -> Invocation {
        try refuseTokens()
        let (occurrences, positionals) = split()
        let flags = Set(occurrences.map(\.name))

        // `--version --json` prints the version as JSON, like `patrol version --json`.
        var version = VersionArguments()
        version.global.json = flags.contains("--json")
        guard let first = positionals.first else {
            if flags.contains("--help") || flags.contains("-h") { return Invocation(.help(HelpArguments())) }
            if flags.contains("--version") { return Invocation(.version(version)) }
            throw .missingCommand
        }
        let command = try CommandName(word: first)
        if flags.contains("--help") || flags.contains("-h") {
            var help = HelpArguments()
            help.topic = command == .help ? nil : command
            return Invocation(.help(help))
        }
        if flags.contains("--version") { return Invocation(.version(version)) }

        var reader = Reader(command: command, occurrences: occurrences, operands: positionals.dropFirst())
        let arguments: Invocation.Arguments = switch command {
        case .rollout: .rollout(try reader.read())
        case .rotate: .rotate(try reader.read())
        case .expiry: .expiry(try reader.read())
        case .doctor: .doctor(try reader.read())
        case .status: .status(try reader.read())
        case .app: .app(try reader.read())
        case .demo: .demo(try reader.read())
        case .simulator: .simulator(try reader.read())
        case .completion: .completion(try reader.read())
        case .manPages: .manPages(try reader.read())
        case .help: .help(try reader.read())
        case .version: .version(try reader.read())
        }
        var invocation = Invocation(arguments)
        invocation.credentialVariables = reader.credentialVariables
        return invocation
    }

    /// The second pass: the options and operands of one command, checked against what it accepts.
    private struct Reader {
        let command: CommandName
        let occurrences: [Occurrence]
        let operands: ArraySlice<String>
        /// The variables the options naming a credential named, filled by ``read()``.
        var credentialVariables = Set<String>()

        init(command: CommandName, occurrences: [Occurrence], operands: ArraySlice<String>) {
            self.command = command
            self.occurrences = occurrences
            self.operands = operands
        }

        mutating func read<Arguments: CommandArguments>() throws(UsageError) -> Arguments {
            var arguments = Arguments()
            let declarations = Arguments.accepted.flatMap(\.declarations)
            var seen = Set<String>()
            for occurrence in occurrences {
                guard let declaration = declarations.first(where: { $0.spec.name == occurrence.name || $0.spec.alias == occurrence.name }) else {
                    let names = declarations.map(\.spec.name)
                    throw .unknownOption(occurrence.name, command: command,
                                         suggestion: Suggestion.closest(to: occurrence.name, among: names))
                }
                let spec = declaration.spec
                guard seen.insert(spec.name).inserted else { throw .repeatedOption(spec.name, command: command) }
                switch declaration.action {
                case let .value(store):
                    guard let value = occurrence.value else { throw .missingValue(option: spec.name, command: command) }
                    guard store(&arguments, value) else {
                        throw .invalidValue(option: spec.name, value: value, expected: spec.expected ?? "", command: command)
                    }
                    if spec.namesCredential { credentialVariables.insert(value) }
                case let .flag(set):
                    if occurrence.inline { throw .unexpectedValue(option: spec.name, command: command) }
                    set(&arguments)
                case .command:
                    // --help and --version were answered above, before any option of the command was read.
                    break
                }
            }
            // why after the options: an unknown option's value lands among the arguments; the option is the real mistake.
            for operand in operands {
                guard try arguments.take(operand: operand) else { throw .unexpectedArgument(operand, command: command) }
            }
            try arguments.validate()
            for group in OptionGroup.allCases {
                for accepted in Arguments.accepted where accepted.group == group {
                    try accepted.check(arguments, seen, command)
                }
            }
            return arguments
        }
    }

    /// Refuses `--token`, `-t` and token-shaped arguments before anything else can echo them.
    private func refuseTokens() throws(UsageError) {
        let command = arguments.lazy.compactMap { CommandName(rawValue: $0) }.first
        var ended = false
        for argument in arguments {
            if !ended {
                if argument == "--" {
                    ended = true
                    continue
                }
                let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
                if name == "--token" { throw .tokenOnCommandLine(option: "--token", command: command) }
                if argument.hasPrefix("-t") { throw .tokenOnCommandLine(option: "-t", command: command) }
            }
            // The redactor's rule, so that what patrol would mask in its output it also refuses to take as an argument.
            if Redactor.containsTokenShape(argument) {
                throw .tokenOnCommandLine(option: nil, command: command)
            }
        }
    }

    /// Separates options (with their values) from positional arguments.
    ///
    /// Whether an option takes a value is known before the command is: each name has the same arity in
    /// every command. Unknown options are taken as flags here and reported by the second pass.
    private func split() -> ([Occurrence], [String]) {
        var occurrences: [Occurrence] = []
        var positionals: [String] = []
        var index = 0
        var ended = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if ended || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                ended = true
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            if parts.count == 2 {
                occurrences.append(Occurrence(name: name, value: String(parts[1]), inline: true))
                continue
            }
            let spec = OptionGroup.allOptions.first { $0.name == name || $0.alias == name }
            if spec?.takesValue == true, index < arguments.count, !arguments[index].hasPrefix("--") {
                occurrences.append(Occurrence(name: name, value: arguments[index], inline: false))
                index += 1
            } else {
                occurrences.append(Occurrence(name: name, value: nil, inline: false))
            }
        }
        return (occurrences, positionals)
    }

    package init(arguments: [String]) {
        self.arguments = arguments
    }
}

extension CommandName {
    /// The command named `word`; an unknown word is a usage error suggesting the closest visible command.
    init(word: String) throws(UsageError) {
        guard let command = CommandName(rawValue: word) else {
            throw .unknownCommand(word, suggestion: Suggestion.closest(to: word, among: CommandName.visible.map(\.rawValue)))
        }
        self = command
    }
}
