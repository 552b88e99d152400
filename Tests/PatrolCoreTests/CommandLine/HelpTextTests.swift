import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Help text")
struct HelpTextTests {
    @Test("the tool's help lists every command, the global options and every exit code")
    func tool() {
        let text = HelpText.tool()
        let flowing = Self.flow(text)
        for command in CommandName.visible {
            #expect(text.contains("\n  \(command.rawValue)"))
            #expect(flowing.contains(command.configuration.abstract))
        }
        for option in OptionGroup.global.options {
            #expect(text.contains(option.synopsis))
        }
        for (codes, meaning) in ExitCode.table {
            #expect(flowing.contains("\(codes) \(meaning)"))
        }
        #expect(text.contains(HelpText.version))
        #expect(flowing.hasSuffix(ExitCode.outputClosed.meaning))
        #expect(!text.contains(CommandName.manPages.rawValue), "the hidden command is listed")
    }

    /// The text with every run of spaces and line breaks as one space, so wrapped lines compare whole.
    static func flow(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test("each command's help shows its usage, abstract, every option with its default", arguments: CommandName.allCases)
    func command(_ command: CommandName) {
        let text = HelpText.command(command)
        #expect(text.contains("USAGE: patrol \(command.rawValue)"))
        #expect(Self.flow(text).contains(command.configuration.abstract))
        for option in command.configuration.options {
            #expect(text.contains(option.synopsis))
            if let defaultValue = option.defaultValue {
                #expect(Self.flow(text).contains("(default: \(defaultValue))"))
            }
        }
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= HelpText.width })
    }

    @Test("every option of §3 is in some command's help")
    func specOptions() {
        let all = CommandName.allCases.map(HelpText.command).joined()
        let spec = ["--config PATH", "--api-url URL", "--json", "--quiet", "--verbose", "--no-color",
                    "--token-stdin", "--token-env NAME", "--token-file PATH", "--auth-env NAME",
                    "--repos a,b", "--dry-run", "--resume", "--concurrency N", "--write-rate R", "--write-burst B",
                    "--force", "--revoke-old", "--old-token-env NAME", "--old-token-file PATH",
                    "--live", "--warn-days N", "--critical-days N", "--format FORMAT", "--open-issue", "--webhook-env NAME",
                    "--send-test-event", "--event-type TYPE", "--wait SECONDS", "--latency-ms N",
                    "--port P", "--fault-rate F", "--seed S", "-h, --help", "--version"]
        for option in spec {
            #expect(all.contains(option), "\(option)")
        }
    }

    @Test("every declared option is parsed by the commands that list it")
    func declaredOptionsParse() throws {
        for command in CommandName.allCases where command != .help && command != .version {
            for option in command.configuration.options where option.name != "--help" && option.name != "--version" {
                // completion's shell and man-pages' folder are operands the command needs.
                let operands = command == .completion ? ["zsh"] : command == .manPages ? ["pages"] : []
                var arguments = [command.rawValue] + operands + [option.name]
                if option.takesValue { arguments.append(Self.sampleValue(option.name)) }
                if option.name == "--revoke-old" { arguments += ["--old-token-env", "OLD"] }
                if option.name == "--old-token-env" || option.name == "--old-token-file" { arguments.append("--revoke-old") }
                if option.name == "--wait" { arguments.append("--send-test-event") }
                #expect(throws: Never.self, "\(arguments)") { try Invocation.parse(arguments) }
            }
        }
    }

    private static func sampleValue(_ option: String) -> String {
        switch option {
        case "--format": "json"
        case "--targets": "repository,environment"
        case "--write-rate", "--fault-rate": "0.5"
        case "--token-env", "--auth-env", "--old-token-env", "--webhook-env": "NAME"
        default: "1"
        }
    }

    @Test("a usage error prints the message, the command's usage and where to read more")
    func usageError() {
        let text = HelpText.usageError(.missingValue(option: "--concurrency", command: .rollout))
        #expect(text.hasPrefix("error: --concurrency needs a value (N)"))
        #expect(text.contains("USAGE: patrol rollout [--repos a,b]"))
        #expect(text.contains("See 'patrol help rollout'"))
        #expect(HelpText.usageError(.missingCommand).contains("USAGE: patrol <command> [<options>]"))
    }

    @Test("help for a topic is that command's help")
    func topic() {
        #expect(HelpText.help(topic: .expiry) == HelpText.command(.expiry))
        #expect(HelpText.help(topic: nil) == HelpText.tool())
        #expect(HelpText.version == "patrol \(Patrol.version)")
    }
}

@Suite("Suggestions")
struct SuggestionTests {
    @Test("edit distance counts insertions, deletions, substitutions and transpositions")
    func distance() {
        #expect(Suggestion.editDistance("rollout", "rollout") == 0)
        #expect(Suggestion.editDistance("rolout", "rollout") == 1)
        #expect(Suggestion.editDistance("worfklow", "workflow") == 1)
        #expect(Suggestion.editDistance("abc", "xyz") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3)
    }

    @Test("only plausible typos are suggested")
    func closest() {
        #expect(Suggestion.closest(to: "warnDay", among: ["warnDays", "criticalDays"]) == "warnDays")
        #expect(Suggestion.closest(to: "sim", among: ["simulator", "status"]) == "simulator")
        #expect(Suggestion.closest(to: "deploy", among: ["rollout", "rotate"]) == nil)
        #expect(Suggestion.closest(to: "", among: ["a"]) == nil)
    }
}

@Suite("Exit codes")
struct ExitCodeTests {
    @Test("the codes of §3.2")
    func codes() {
        #expect(ExitCode.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 130, 141, 143])
        #expect(ExitCode.table.map(\.codes) == ["0", "1", "2", "3", "4", "130, 143", "141"])
        #expect(ExitCode.usage.rawValue == 2)
    }

    @Test("README.md shows the same exit-code table as patrol help")
    func readmeTable() throws {
        let readme = try String(contentsOfFile: PatrolBinary.packageRoot + "/README.md", encoding: .utf8)
        for (codes, meaning) in ExitCode.table {
            let row = "| \(codes) | \(meaning.replacingOccurrences(of: "|", with: "\\|")) |"
            #expect(readme.contains(row), "README.md lacks the row: \(row)")
        }
        #expect(ExitCode.critical.rawValue == 4)
    }
}

@Suite("Option declarations")
struct OptionDeclarationTests {
    @Test("each option is declared once with what completion needs: a value's expectation, a closed set, whether it is a path")
    func introspectable() throws {
        let all = OptionGroup.allOptions
        #expect(Set(all.map(\.name)).count == all.count)
        for option in all {
            #expect((option.expected != nil) == option.takesValue, "\(option.name)")
        }
        let format = try #require(all.first { $0.name == "--format" })
        #expect(format.allowedValues == ["text", "json", "github"])
        #expect(all.filter(\.takesPath).map(\.name) == ["--config", "--ledger", "--ca-file", "--token-file", "--app-key-file", "--old-token-file"])
        #expect(all.filter { $0.allowedValues != nil }.map(\.name) == ["--targets", "--format"])
        #expect(all.filter(\.namesCredential).map(\.name) == ["--token-env", "--auth-env", "--old-token-env"])
    }

    @Test("a value an option refuses is reported with the expectation its declaration states", arguments: OptionGroup.allOptions.filter(\.takesValue))
    func expectationFromDeclaration(option: OptionSpec) throws {
        let command = try #require(CommandName.allCases.first { $0.configuration.option(named: option.name) != nil })
        // An empty value is wrong for every option patrol has.
        let error = try #require(throws: UsageError.self) { try Invocation.parse([command.rawValue, option.name + "="]) }
        #expect(error == .invalidValue(option: option.name, value: "", expected: option.expected ?? "?", command: command))
    }

    @Test("--repos lands in the group that declares it for the command; the command's arguments hold no other group's field",
          arguments: ["rollout", "rotate", "doctor", "status", "app"])
    func reposField(command: String) throws {
        let arguments = [command, "--repos", "a,b"]
        let parsed: [String]? = switch command {
        case "rollout": try Invocation.parse(arguments, as: RolloutArguments.self).rollout.repositories
        case "rotate": try Invocation.parse(arguments, as: RotateArguments.self).rollout.repositories
        case "doctor": try Invocation.parse(arguments, as: DoctorArguments.self).doctor.repositories
        case "status": try Invocation.parse(arguments, as: StatusArguments.self).status.repositories
        default: try Invocation.parse(arguments, as: AppArguments.self).app.repositories
        }
        #expect(parsed == ["a", "b"])
    }
}
