import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore
/// One run of patrol as the command line asks for it: the command and every option, defaults filled in.
///
/// Parsing is pure (no environment, no files): the token sources, the config path and the API URL are
/// recorded here and resolved by the command that needs them.
public struct Invocation: Sendable, Equatable {
    /// The command to run.
    public var command: CommandName
    /// For ``CommandName/help``: the command to explain; nil for the tool's own help.
    public var helpTopic: CommandName?
    public var global = GlobalOptions()
    /// Token sources for rollout, rotate, expiry, doctor and status.
    public var token = TokenOptions()
    /// For rollout and rotate.
    public var rollout = RolloutOptions()
    public var rotate = RotateOptions()
    public var expiry = ExpiryOptions()
    public var doctor = DoctorOptions()
    public var status = StatusOptions()
    public var app = AppOptions()
    public var demo = DemoOptions()
    public var simulator = SimulatorOptions()
    /// For ``CommandName/completion``: the shell whose script to print.
    public var completionShell: CompletionShell?
    /// For ``CommandName/manPages``: the folder the man pages are written to.
    public var manPagesDirectory: String?
    /// The environment variables named by options declared as naming a credential (``OptionSpec/namesCredential``).
    public var credentialVariables: Set<String> = []

    public init(command: CommandName, helpTopic: CommandName? = nil) {
        self.command = command
        self.helpTopic = helpTopic
    }

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
        var version = Invocation(command: .version)
        version.global.json = flags.contains("--json")
        guard let first = positionals.first else {
            if flags.contains("--help") || flags.contains("-h") { return Invocation(command: .help) }
            if flags.contains("--version") { return version }
            throw .missingCommand
        }
        let command = try Self.command(named: first)
        if flags.contains("--help") || flags.contains("-h") {
            return Invocation(command: .help, helpTopic: command == .help ? nil : command)
        }
        if flags.contains("--version") { return version }

        var invocation = Invocation(command: command)
        let configuration = command.configuration
        var seen = Set<String>()
        for occurrence in occurrences {
            guard let declaration = configuration.declaration(named: occurrence.name) else {
                let names = configuration.options.map(\.name)
                throw .unknownOption(occurrence.name, command: command,
                                     suggestion: Suggestion.closest(to: occurrence.name, among: names))
            }
            let spec = declaration.spec
            guard seen.insert(spec.name).inserted else { throw .repeatedOption(spec.name, command: command) }
            switch declaration.action {
            case let .value(store):
                guard let value = occurrence.value else { throw .missingValue(option: spec.name, command: command) }
                guard store(&invocation, value) else {
                    throw .invalidValue(option: spec.name, value: value, expected: spec.expected ?? "", command: command)
                }
                if spec.namesCredential { invocation.credentialVariables.insert(value) }
            case let .flag(set):
                if occurrence.inline { throw .unexpectedValue(option: spec.name, command: command) }
                set(&invocation)
            case .command:
                // --help and --version were answered above, before any option of the command was read.
                break
            }
        }
        // why after the options: an unknown option's value lands among the arguments; the option is the real mistake.
        for extra in positionals.dropFirst() {
            if command == .help, invocation.helpTopic == nil {
                invocation.helpTopic = try Self.command(named: extra)
            } else if command == .app, invocation.token.appAction == nil, extra == "rollout" {
                invocation.token.appAction = extra
            } else if command == .completion, invocation.completionShell == nil {
                guard let shell = CompletionShell(rawValue: extra) else {
                    throw .invalidValue(option: "completion", value: extra, expected: CompletionShell.expected, command: command)
                }
                invocation.completionShell = shell
            } else if command == .manPages, invocation.manPagesDirectory == nil {
                invocation.manPagesDirectory = extra
            } else {
                throw .unexpectedArgument(extra, command: command)
            }
        }
        if command == .completion, invocation.completionShell == nil {
            throw .missingRequirement(option: "completion", needs: "a shell: \(CompletionShell.expected)", command: command)
        }
        if command == .manPages, invocation.manPagesDirectory == nil {
            throw .missingRequirement(option: "man-pages", needs: "the folder to write the pages to", command: command)
        }
        try Self.checkCombinations(invocation)
        if seen.contains("--wait"), !invocation.doctor.sendTestEvent {
            throw .missingRequirement(option: "--wait", needs: "--send-test-event (it is how long to wait for the test event's run)",
                                      command: command)
        }
        return invocation
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

    private static func command(named word: String) throws(UsageError) -> CommandName {
        guard let command = CommandName(rawValue: word) else {
            throw .unknownCommand(word, suggestion: Suggestion.closest(to: word, among: CommandName.visible.map(\.rawValue)))
        }
        return command
    }

    private static func checkCombinations(_ invocation: Invocation) throws(UsageError) {
        let command = invocation.command
        if invocation.global.quiet, invocation.global.verbose {
            throw .conflictingOptions("--quiet", "--verbose", command: command)
        }
        // Exactly one token source (spec §3.1): two explicit ones would silently leave one unread.
        let token = invocation.token
        let sources = [token.fromStandardInput ? "--token-stdin" : nil, token.environmentVariable.map { _ in "--token-env" },
                       token.filePath.map { _ in "--token-file" }].compactMap { $0 }
        if sources.count > 1 { throw .conflictingOptions(sources[0], sources[1], command: command) }
        let rotate = invocation.rotate
        if let _ = rotate.oldTokenEnvironmentVariable, let _ = rotate.oldTokenFilePath {
            throw .conflictingOptions("--old-token-env", "--old-token-file", command: command)
        }
        if rotate.revokeOld, rotate.oldTokenEnvironmentVariable == nil, rotate.oldTokenFilePath == nil {
            throw .missingRequirement(option: "--revoke-old",
                                      needs: "the old token: --old-token-env NAME or --old-token-file PATH",
                                      command: command)
        }
        if !rotate.revokeOld, let given = rotate.oldTokenEnvironmentVariable.map({ _ in "--old-token-env" }) ?? rotate.oldTokenFilePath.map({ _ in "--old-token-file" }) {
            // The old token is read only to revoke it; silently ignoring it would leave the user thinking it was.
            throw .missingRequirement(option: given, needs: "--revoke-old (the old token is only read to revoke it)", command: command)
        }
        if let warn = invocation.expiry.warnDays, let critical = invocation.expiry.criticalDays, critical > warn {
            throw .invalidValue(option: "--critical-days", value: String(critical),
                                expected: "at most --warn-days (\(warn))", command: command)
        }
    }

    package init(arguments: [String]) {
        self.arguments = arguments
    }
}
