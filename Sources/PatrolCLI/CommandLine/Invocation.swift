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
    public var demo = DemoOptions()
    public var simulator = SimulatorOptions()

    public init(command: CommandName, helpTopic: CommandName? = nil) {
        self.command = command
        self.helpTopic = helpTopic
    }

    /// The `--repos` selection of the command, nil for the whole fleet.
    public var repositorySelection: [String]? {
        switch command {
        case .rollout, .rotate: rollout.repositories
        case .doctor: doctor.repositories
        case .status: status.repositories
        default: nil
        }
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

    /// The prefixes of GitHub's token kinds (spec §5.2).
    package static let tokenPrefixes = ["ghp_", "github_pat_", "gho_", "ghu_", "ghs_", "ghr_"]

    /// True for a text shaped like a GitHub token, which must never be echoed or accepted as an argument.
    package static func looksLikeToken(_ text: String) -> Bool {
        tokenPrefixes.contains { text.hasPrefix($0) && text.count >= $0.count + 20 }
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
            guard let spec = configuration.option(named: occurrence.name) else {
                let names = configuration.options.map(\.name)
                throw .unknownOption(occurrence.name, command: command,
                                     suggestion: Suggestion.closest(to: occurrence.name, among: names))
            }
            guard seen.insert(spec.name).inserted else { throw .repeatedOption(spec.name, command: command) }
            if spec.takesValue {
                guard let value = occurrence.value else { throw .missingValue(option: spec.name, command: command) }
                try OptionValues(option: spec.name, value: value, command: command).apply(to: &invocation)
            } else {
                if occurrence.inline { throw .unexpectedValue(option: spec.name, command: command) }
                OptionValues.setFlag(spec.name, on: &invocation)
            }
        }
        // why after the options: an unknown option's value lands among the arguments; the option is the real mistake.
        for extra in positionals.dropFirst() {
            if command == .help, invocation.helpTopic == nil {
                invocation.helpTopic = try Self.command(named: extra)
            } else if command == .app, invocation.token.appAction == nil, extra == "rollout" {
                invocation.token.appAction = extra
            } else {
                throw .unexpectedArgument(extra, command: command)
            }
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
            let value = argument.split(separator: "=", maxSplits: 1).last.map(String.init) ?? argument
            if Self.looksLikeToken(argument) || Self.looksLikeToken(value) {
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
            throw .unknownCommand(word, suggestion: Suggestion.closest(to: word, among: CommandName.allCases.map(\.rawValue)))
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

/// Converts one option's text into its typed field, or says what is allowed.
private struct OptionValues {
    package let option: String
    package let value: String
    package let command: CommandName

    package static func setFlag(_ name: String, on invocation: inout Invocation) {
        switch name {
        case "--json": invocation.global.json = true
        case "--quiet": invocation.global.quiet = true
        case "--verbose": invocation.global.verbose = true
        case "--no-color": invocation.global.noColor = true
        case "--token-stdin": invocation.token.fromStandardInput = true
        case "--dry-run": invocation.rollout.dryRun = true
        case "--resume": invocation.rollout.resume = true
        case "--allow-expiring": invocation.rollout.allowExpiring = true
        case "--force": invocation.rotate.force = true
        case "--revoke-old": invocation.rotate.revokeOld = true
        case "--live": invocation.expiry.live = true
        case "--open-issue": invocation.expiry.openIssue = true
        case "--send-test-event": invocation.doctor.sendTestEvent = true
        default: preconditionFailure("flag \(name) is declared in OptionGroup but not handled")
        }
    }

    package func apply(to invocation: inout Invocation) throws(UsageError) {
        switch option {
        case "--config": invocation.global.configPath = try nonEmpty("a file path")
        case "--ledger": invocation.global.ledgerPath = try nonEmpty("a file path")
        case "--api-url": invocation.global.apiURL = try nonEmpty("a URL such as https://api.github.com")
        case "--ca-file": invocation.global.caFile = try nonEmpty("a PEM file of CA certificates")
        case "--token-env": invocation.token.environmentVariable = try variableName()
        case "--token-file": invocation.token.filePath = try nonEmpty("a file path")
        case "--auth-env": invocation.token.authEnvironmentVariable = try variableName()
        case "--app-id": invocation.token.appID = try nonEmpty("the App's numeric id")
        case "--app-key-file": invocation.token.appKeyFile = try nonEmpty("a file path")
        case "--repos":
            let names = try list()
            switch command {
            case .doctor: invocation.doctor.repositories = names
            case .status: invocation.status.repositories = names
            default: invocation.rollout.repositories = names
            }
        case "--concurrency": invocation.rollout.concurrency = try integer(1...64)
        case "--write-rate":
            invocation.rollout.writeRate = try decimal(allowing: { $0 > 0 && $0 <= 1000 }, "a number above 0, at most 1000")
        case "--write-burst": invocation.rollout.writeBurst = try integer(1...1000)
        case "--old-token-env": invocation.rotate.oldTokenEnvironmentVariable = try variableName()
        case "--old-token-file": invocation.rotate.oldTokenFilePath = try nonEmpty("a file path")
        case "--warn-days": invocation.expiry.warnDays = try integer(0...3660)
        case "--critical-days": invocation.expiry.criticalDays = try integer(0...3660)
        case "--format":
            guard let format = ExpiryFormat(rawValue: value) else {
                throw invalid("text, json or github")
            }
            invocation.expiry.format = format
        case "--webhook-env": invocation.expiry.webhookEnvironmentVariable = try variableName()
        case "--event-type":
            guard (1...100).contains(value.count) else { throw invalid("an event type of 1 to 100 characters") }
            invocation.doctor.eventType = value
        case "--wait": invocation.doctor.waitSeconds = try integer(0...3600)
        case "--latency-ms":
            if command == .simulator {
                invocation.simulator.latencyMilliseconds = try integer(0...60_000)
            } else {
                invocation.demo.latencyMilliseconds = try integer(0...60_000)
            }
        case "--port": invocation.simulator.port = try integer(0...65_535)
        case "--fault-rate":
            invocation.simulator.faultRate = try decimal(allowing: { (0...1).contains($0) }, "a number from 0 to 1")
        case "--seed":
            guard let seed = UInt64(value) else { throw invalid("a whole number from 0 to \(UInt64.max)") }
            invocation.simulator.seed = seed
        default:
            preconditionFailure("option \(option) is declared in OptionGroup but not handled")
        }
    }

    private func invalid(_ expected: String) -> UsageError {
        .invalidValue(option: option, value: value, expected: expected, command: command)
    }

    private func nonEmpty(_ expected: String) throws(UsageError) -> String {
        guard !value.isEmpty else { throw invalid(expected) }
        return value
    }

    private func integer(_ range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw invalid("a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private func decimal(allowing isAllowed: (Double) -> Bool, _ expected: String) throws(UsageError) -> Double {
        guard let number = Double(value), number.isFinite, isAllowed(number) else { throw invalid(expected) }
        return number
    }

    /// An environment variable's name: letters, digits and `_`, not starting with a digit.
    private func variableName() throws(UsageError) -> String {
        let bytes = Array(value.utf8)
        let valid = !bytes.isEmpty && bytes.allSatisfy { Self.isWordByte($0) } && !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[0])
        guard valid else { throw invalid("the name of an environment variable (letters, digits and \"_\", e.g. GH_TOKEN)") }
        return value
    }

    private func list() throws(UsageError) -> [String] {
        let items = value.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
        guard !items.contains(where: \.isEmpty) else { throw invalid("repository names separated by commas, e.g. c3-shared,c3-web") }
        return items
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
