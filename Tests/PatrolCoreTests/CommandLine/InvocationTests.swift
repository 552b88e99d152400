import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// A token-shaped string made at run time, so the repository holds none.
private func tokenShaped(prefix: String = "ghp_") -> String {
    let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return prefix + String((0..<36).map { _ in alphabet.randomElement()! })
}

private func parse(_ arguments: String...) throws(UsageError) -> Invocation {
    try Invocation.parse(arguments)
}

/// The arguments of the command, which must be `type`'s.
private func parse<Arguments: CommandArguments>(_ type: Arguments.Type, _ arguments: String...) throws -> Arguments {
    try Invocation.parse(arguments, as: type)
}

/// True when `arguments` hold every option at its default and no operand.
private func isDefault<Arguments: CommandArguments>(_ arguments: Arguments) -> Bool {
    arguments == Arguments()
}

private func parseError(_ arguments: [String]) throws -> UsageError {
    try #require(throws: UsageError.self) { try Invocation.parse(arguments) }
}

@Suite("Command line: commands and defaults")
struct InvocationCommandTests {
    @Test("each command parses alone with its defaults", arguments: CommandName.allCases.filter { $0 != .completion && $0 != .manPages })
    func bare(command: CommandName) throws {
        let invocation = try Invocation.parse([command.rawValue])
        #expect(invocation.command == command)
        #expect(invocation.global == GlobalOptions())
        // Every group the command accepts at its default, the token options and the help topic included.
        let defaults = isDefault(invocation.options)
        #expect(defaults)
    }

    @Test("completion takes one shell and man-pages one folder; without it, or with another shell, a usage error")
    func operands() throws {
        #expect(try parse(CompletionArguments.self, "completion", "fish").shell == .fish)
        #expect(try parse(CompletionArguments.self, "completion", "--no-color", "zsh").shell == .zsh)
        #expect(try parse(ManPagesArguments.self, "man-pages", "out/man").directory == "out/man")
        #expect(throws: UsageError.missingRequirement(option: "completion", needs: "a shell: bash, zsh or fish", command: .completion)) {
            try Invocation.parse(["completion"])
        }
        #expect(throws: UsageError.invalidValue(option: "completion", value: "tcsh", expected: "bash, zsh or fish", command: .completion)) {
            try Invocation.parse(["completion", "tcsh"])
        }
        #expect(throws: UsageError.unexpectedArgument("zsh", command: .completion)) { try Invocation.parse(["completion", "bash", "zsh"]) }
        #expect(throws: UsageError.self) { try Invocation.parse(["man-pages"]) }
        // Hidden: never suggested.
        #expect(throws: UsageError.unknownCommand("man-page", suggestion: nil)) { try Invocation.parse(["man-page"]) }
    }

    @Test("defaults follow §3")
    func defaults() throws {
        let invocation = try parse(RolloutArguments.self, "rollout")
        #expect(invocation.rollout.writeRate == 1)
        #expect(invocation.rollout.writeBurst == 10)
        // Spec §8: at least the write burst, so a fleet inside the burst uploads all at once.
        #expect(invocation.rollout.concurrency == 10)
        #expect(invocation.rollout.concurrency >= invocation.rollout.writeBurst)
        #expect(invocation.rollout.repositories == nil)
        #expect(invocation.rollout.dryRun == false && invocation.rollout.resume == false)
        #expect(try parse(DoctorArguments.self, "doctor").doctor.waitSeconds == 60)
        #expect(try parse(DemoArguments.self, "demo").demo.latencyMilliseconds == 50)
        let simulator = try parse(SimulatorArguments.self, "simulator").simulator
        #expect(simulator.port == 0)
        #expect(simulator.faultRate == 0)
        #expect(simulator.seed == nil)
        let expiry = try parse(ExpiryArguments.self, "expiry").expiry
        #expect(expiry.format == .text)
        #expect(expiry.warnDays == nil && expiry.criticalDays == nil)
    }

    @Test("help, --help, -h and --version", arguments: [
        (["help"], CommandName.help, nil as CommandName?),
        (["--help"], .help, nil),
        (["-h"], .help, nil),
        (["help", "rollout"], .help, .rollout),
        (["rollout", "--help"], .help, .rollout),
        (["--help", "expiry"], .help, .expiry),
        (["doctor", "-h", "--concurrency", "0"], .help, .doctor),
        (["--version"], .version, nil),
        (["version"], .version, nil),
        (["status", "--version"], .version, nil),
    ])
    func helpAndVersion(arguments: [String], command: CommandName, topic: CommandName?) throws {
        let invocation = try Invocation.parse(arguments)
        #expect(invocation.command == command)
        #expect((invocation.options as? HelpArguments)?.topic == topic)
    }

    @Test("no command is a usage error")
    func missingCommand() throws {
        #expect(try parseError([]) == .missingCommand)
        #expect(try parseError(["--json"]) == .missingCommand)
    }

    @Test("an unknown command suggests the closest", arguments: [
        ("rolout", "rollout"), ("rotat", "rotate"), ("doctr", "doctor"), ("simulate", "simulator"), ("stats", "status"),
    ])
    func unknownCommand(word: String, suggestion: String) throws {
        let error = try parseError([word])
        #expect(error == .unknownCommand(word, suggestion: suggestion))
        #expect(error.description == "unknown command \"\(word)\"; did you mean \"\(suggestion)\"?")
    }

    @Test("an unknown command with nothing close lists the commands")
    func unknownCommandNoSuggestion() throws {
        let error = try parseError(["deploy"])
        #expect(error == .unknownCommand("deploy", suggestion: nil))
        #expect(error.description.contains("the commands are rollout, rotate, expiry"))
    }

    @Test("help with an unknown topic suggests the closest command")
    func unknownTopic() throws {
        #expect(try parseError(["help", "expiri"]) == .unknownCommand("expiri", suggestion: "expiry"))
    }

    @Test("extra arguments are refused")
    func extraArguments() throws {
        #expect(try parseError(["rollout", "c3-web"]) == .unexpectedArgument("c3-web", command: .rollout))
        #expect(try parseError(["help", "rollout", "rotate"]) == .unexpectedArgument("rotate", command: .help))
    }
}

@Suite("Command line: options")
struct InvocationOptionTests {
    @Test("global options, before or after the command, with a space or =")
    func global() throws {
        let invocation = try parse("--config", "x/fleet.json", "status", "--api-url=http://127.0.0.1:8080",
                                   "--json", "--quiet", "--no-color")
        #expect(invocation.command == .status)
        #expect(invocation.global.configPath == "x/fleet.json")
        #expect(invocation.global.apiURL == "http://127.0.0.1:8080")
        #expect(invocation.global.json && invocation.global.quiet && invocation.global.noColor)
        #expect(!invocation.global.verbose)
        #expect(try parse("demo", "--verbose").global.verbose)
    }

    @Test("token options are recorded; the source is resolved later (§3.1)")
    func token() throws {
        let invocation = try parse(DoctorArguments.self, "doctor", "--token-env", "NEW_PAT", "--auth-env", "GH_TOKEN")
        #expect(invocation.token.environmentVariable == "NEW_PAT")
        #expect(invocation.token.authEnvironmentVariable == "GH_TOKEN")
        #expect(try parse(DoctorArguments.self, "doctor", "--token-stdin").token.fromStandardInput)
        #expect(try parse(DoctorArguments.self, "doctor", "--token-file=/run/pat").token.filePath == "/run/pat")
    }

    @Test("two explicit token sources are a usage error naming both", arguments: [
        (["--token-stdin", "--token-env", "NEW_PAT"], "--token-stdin", "--token-env"),
        (["--token-env", "NEW_PAT", "--token-file", "/run/pat"], "--token-env", "--token-file"),
        (["--token-file", "/run/pat", "--token-stdin"], "--token-stdin", "--token-file"),
    ])
    func twoTokenSources(options: [String], first: String, second: String) {
        #expect(throws: UsageError.conflictingOptions(first, second, command: .rollout)) {
            try Invocation.parse(["rollout"] + options)
        }
    }

    @Test("rollout options")
    func rollout() throws {
        let invocation = try parse(RolloutArguments.self, "rollout", "--repos", "c3-web, garrick0/c3-cli", "--dry-run", "--resume",
                                   "--concurrency=64", "--write-rate", "0.5", "--write-burst", "1")
        #expect(invocation.rollout.repositories == ["c3-web", "garrick0/c3-cli"])
        #expect(invocation.rollout.dryRun && invocation.rollout.resume)
        #expect(invocation.rollout.concurrency == 64)
        #expect(invocation.rollout.writeRate == 0.5)
        #expect(invocation.rollout.writeBurst == 1)
    }

    @Test("rotate takes rollout's options and its own")
    func rotate() throws {
        let invocation = try parse(RotateArguments.self, "rotate", "--repos=c3-web", "--concurrency", "2", "--force", "--revoke-old",
                                   "--old-token-env", "OLD_PAT", "--allow-expiring")
        #expect(invocation.rollout.repositories == ["c3-web"])
        #expect(invocation.rollout.concurrency == 2)
        #expect(invocation.rollout.allowExpiring)
        #expect(invocation.rotate.force && invocation.rotate.revokeOld)
        #expect(invocation.rotate.oldTokenEnvironmentVariable == "OLD_PAT")
        #expect(try parse(RotateArguments.self, "rotate", "--revoke-old", "--old-token-file", "/run/old").rotate.oldTokenFilePath == "/run/old")
        // The old token too comes from exactly one source.
        #expect(throws: UsageError.conflictingOptions("--old-token-env", "--old-token-file", command: .rotate)) {
            try Invocation.parse(["rotate", "--revoke-old", "--old-token-env", "OLD_PAT", "--old-token-file", "/run/old"])
        }
    }

    @Test("--ledger PATH is a global option")
    func ledger() throws {
        #expect(try parse("expiry", "--ledger", "/srv/patrol/ledger.json").global.ledgerPath == "/srv/patrol/ledger.json")
        #expect(try parse("status").global.ledgerPath == nil)
    }

    @Test("expiry options")
    func expiry() throws {
        let invocation = try parse(ExpiryArguments.self, "expiry", "--live", "--warn-days", "30", "--critical-days=0", "--format", "github",
                                   "--open-issue", "--webhook-env", "SLACK_URL")
        #expect(invocation.expiry.live && invocation.expiry.openIssue)
        #expect(invocation.expiry.warnDays == 30)
        #expect(invocation.expiry.criticalDays == 0)
        #expect(invocation.expiry.format == .github)
        #expect(invocation.expiry.webhookEnvironmentVariable == "SLACK_URL")
        #expect(try parse(ExpiryArguments.self, "expiry", "--format=json").expiry.format == .json)
    }

    @Test("doctor options")
    func doctor() throws {
        let invocation = try parse(DoctorArguments.self, "doctor", "--send-test-event", "--event-type", "build_failed", "--wait", "0",
                                   "--repos", "c3-cli")
        #expect(invocation.doctor.sendTestEvent)
        #expect(invocation.doctor.eventType == "build_failed")
        #expect(invocation.doctor.waitSeconds == 0)
        #expect(invocation.doctor.repositories == ["c3-cli"])
    }

    @Test("status, demo and simulator options")
    func others() throws {
        #expect(try parse(StatusArguments.self, "status", "--repos", "a,b").status.repositories == ["a", "b"])
        #expect(try parse(DemoArguments.self, "demo", "--latency-ms", "0").demo.latencyMilliseconds == 0)
        let simulator = try parse(SimulatorArguments.self, "simulator", "--port", "8080", "--latency-ms=25", "--fault-rate", "0.1",
                                  "--seed", "18446744073709551615")
        #expect(simulator.simulator.port == 8080)
        #expect(simulator.simulator.latencyMilliseconds == 25)
        #expect(simulator.simulator.faultRate == 0.1)
        #expect(simulator.simulator.seed == UInt64.max)
    }

    @Test("-- ends options")
    func terminator() throws {
        #expect(try parse("--json", "--", "rollout").command == .rollout)
        #expect(try parseError(["rollout", "--", "--dry-run"]) == .unexpectedArgument("--dry-run", command: .rollout))
    }

    @Test("a value may begin with a single dash")
    func dashValue() throws {
        let error = try parseError(["expiry", "--warn-days", "-1"])
        #expect(error == .invalidValue(option: "--warn-days", value: "-1", expected: "a whole number from 0 to 3660",
                                       command: .expiry))
    }

    @Test("values out of range or malformed name the option and what is allowed", arguments: [
        (["rollout", "--concurrency", "0"], "--concurrency", "a whole number from 1 to 64"),
        (["rollout", "--concurrency", "65"], "--concurrency", "a whole number from 1 to 64"),
        (["rollout", "--concurrency", "eight"], "--concurrency", "a whole number from 1 to 64"),
        (["rollout", "--write-rate", "0"], "--write-rate", "a number above 0, at most 1000"),
        (["rollout", "--write-rate", "nan"], "--write-rate", "a number above 0, at most 1000"),
        (["rollout", "--write-burst", "0"], "--write-burst", "a whole number from 1 to 1000"),
        (["expiry", "--format", "yaml"], "--format", "text, json or github"),
        (["expiry", "--critical-days", "x"], "--critical-days", "a whole number from 0 to 3660"),
        (["doctor", "--wait", "3601"], "--wait", "a whole number from 0 to 3600"),
        (["doctor", "--event-type", String(repeating: "e", count: 101)], "--event-type", "an event type of 1 to 100 characters"),
        (["demo", "--latency-ms", "60001"], "--latency-ms", "a whole number from 0 to 60000"),
        (["simulator", "--port", "65536"], "--port", "a whole number from 0 to 65535"),
        (["simulator", "--fault-rate", "1.5"], "--fault-rate", "a number from 0 to 1"),
        (["simulator", "--seed", "-1"], "--seed", "a whole number from 0 to 18446744073709551615"),
        (["status", "--token-env", "1PAT"], "--token-env", "the name of an environment variable"),
        (["status", "--auth-env", "GH-TOKEN"], "--auth-env", "the name of an environment variable"),
        (["expiry", "--webhook-env="], "--webhook-env", "the name of an environment variable"),
        (["rollout", "--repos", "a,,b"], "--repos", "repository names separated by commas"),
        (["rollout", "--config="], "--config", "a file path"),
    ])
    func invalidValue(arguments: [String], option: String, expected: String) throws {
        let error = try parseError(arguments)
        guard case let .invalidValue(name, _, allowed, _) = error else {
            Issue.record("expected invalidValue, got \(error)")
            return
        }
        #expect(name == option)
        #expect(allowed.hasPrefix(expected))
        #expect(error.description.hasPrefix("\(option): \""))
    }

    @Test("a missing value names the option", arguments: [
        ["rollout", "--concurrency"], ["rollout", "--config", "--json"], ["doctor", "--repos"],
    ])
    func missingValue(arguments: [String]) throws {
        let error = try parseError(arguments)
        guard case let .missingValue(option, command) = error else {
            Issue.record("expected missingValue, got \(error)")
            return
        }
        #expect(arguments.contains(option))
        #expect(command == CommandName(rawValue: arguments[0]))
        #expect(error.description.contains("needs a value"))
    }

    @Test("an unknown option suggests the closest of the command's", arguments: [
        (["rollout", "--concurency", "3"], "--concurency", "--concurrency"),
        (["rollout", "--dryrun"], "--dryrun", "--dry-run"),
        (["expiry", "--warn-day=3"], "--warn-day", "--warn-days"),
        (["--jsn", "status"], "--jsn", "--json"),
        (["doctor", "--send-test-events"], "--send-test-events", "--send-test-event"),
    ])
    func unknownOption(arguments: [String], option: String, suggestion: String) throws {
        let error = try parseError(arguments)
        #expect(error == .unknownOption(option, command: CommandName(rawValue: arguments.first { !$0.hasPrefix("-") }!),
                                        suggestion: suggestion))
        #expect(error.description.contains("did you mean \(suggestion)?"))
    }

    @Test("an option of another command says which command has it")
    func otherCommandsOption() throws {
        let error = try parseError(["rollout", "--live"])
        #expect(error == .unknownOption("--live", command: .rollout, suggestion: nil))
        #expect(error.description == "--live is not an option of rollout; it belongs to expiry")
        #expect(try parseError(["demo", "--token-stdin"]).description.contains("belongs to rollout, rotate, expiry, doctor, status"))
    }

    @Test("a repeated option is an error, flags included")
    func repeated() throws {
        #expect(try parseError(["rollout", "--token-stdin", "--token-stdin"]) == .repeatedOption("--token-stdin", command: .rollout))
        #expect(try parseError(["--json", "status", "--json"]) == .repeatedOption("--json", command: .status))
        #expect(try parseError(["rollout", "--repos", "a", "--repos=b"]) == .repeatedOption("--repos", command: .rollout))
    }

    @Test("a flag given a value is an error that does not echo the value")
    func flagWithValue() throws {
        let error = try parseError(["rollout", "--dry-run=yes"])
        #expect(error == .unexpectedValue(option: "--dry-run", command: .rollout))
        #expect(!error.description.contains("yes"))
    }

    @Test("conflicting and incomplete combinations")
    func combinations() throws {
        #expect(try parseError(["status", "--quiet", "--verbose"]) == .conflictingOptions("--quiet", "--verbose", command: .status))
        let revoke = try parseError(["rotate", "--revoke-old"])
        #expect(revoke.description.contains("--old-token-env NAME or --old-token-file PATH"))
        #expect(try parseError(["expiry", "--warn-days", "3", "--critical-days", "5"])
            == .invalidValue(option: "--critical-days", value: "5", expected: "at most --warn-days (3)", command: .expiry))
        #expect(try parse(RotateArguments.self, "rotate", "--revoke-old", "--old-token-file", "f").rotate.revokeOld)
        // An old token without --revoke-old would be read for nothing: refused, not ignored.
        #expect(try parseError(["rotate", "--old-token-env", "OLD"]).description.contains("--old-token-env needs --revoke-old"))
        #expect(try parseError(["rotate", "--old-token-file", "f"]).description.contains("--old-token-file needs --revoke-old"))
    }
}

@Suite("Command line: tokens are never arguments")
struct InvocationTokenTests {
    @Test("--token, --token=VALUE and -t are refused with the reason and the alternatives", arguments: [
        (["rollout", "--token", "SECRET"], "--token"),
        (["rollout", "--token=SECRET"], "--token"),
        (["--token", "SECRET", "rollout"], "--token"),
        (["rotate", "-t", "SECRET"], "-t"),
        (["rotate", "-tSECRET"], "-t"),
        (["rotate", "-t=SECRET"], "-t"),
        (["doctor", "--token"], "--token"),
    ])
    func refused(arguments: [String], option: String) throws {
        let error = try parseError(arguments)
        #expect(error == .tokenOnCommandLine(option: option, command: CommandName(rawValue: arguments.first { !$0.hasPrefix("-") && $0 != "SECRET" } ?? "")))
        let message = error.description
        #expect(message.hasPrefix("there is no \(option) option"))
        #expect(message.contains("process list"))
        #expect(message.contains("shell history"))
        for alternative in ["--token-stdin", "--token-env NAME", "--token-file PATH", "PAT_TOKEN", "prompt"] {
            #expect(message.contains(alternative))
        }
        #expect(!message.contains("SECRET"))
        #expect(!HelpText.usageError(error).contains("SECRET"))
    }

    @Test("a real-looking token value is refused and never echoed, wherever it appears")
    func tokenShapedValues() throws {
        let token = tokenShaped()
        let fineGrained = tokenShaped(prefix: "github_pat_")
        for arguments in [["rollout", "--token", token], ["rollout", "--token=\(token)"], ["rollout", token],
                          [token], ["rollout", "--token-env", token], ["rollout", "--bogus=\(fineGrained)"],
                          ["rollout", "--", fineGrained], ["help", token]] {
            let error = try parseError(arguments)
            guard case .tokenOnCommandLine = error else {
                Issue.record("expected tokenOnCommandLine for \(arguments.count) arguments, got another error")
                continue
            }
            #expect(!HelpText.usageError(error).contains(token))
            #expect(!HelpText.usageError(error).contains(fineGrained))
        }
    }

    @Test("an argument is refused when it holds what the redactor would mask: anywhere in it, from 16 token characters on")
    func sameRuleAsTheRedactor() throws {
        let token = tokenShaped()
        let short = String(tokenShaped().prefix(4 + Redactor.shapedMinimum))
        for arguments in [["rollout", "--repos=c3-web,\(token)"], ["status", "--repos", "c3-web,\(token)"], ["rollout", short]] {
            let error = try parseError(arguments)
            #expect(error == .tokenOnCommandLine(option: nil, command: CommandName(rawValue: arguments[0])), "\(arguments.count) arguments")
            #expect(Redactor.containsTokenShape(arguments.last!))
        }
        // One token character fewer is a word, as for the redactor.
        #expect(try parse(RolloutArguments.self, "rollout", "--repos", String(short.dropLast())).rollout.repositories == [String(short.dropLast())])
    }

    @Test("the refusal wins over --help")
    func beforeHelp() throws {
        guard case .tokenOnCommandLine = try parseError(["rollout", "--help", "--token", "x"]) else {
            Issue.record("--token with --help was not refused")
            return
        }
    }

    @Test("options that merely start with --token are not refused")
    func tokenPrefixedOptions() throws {
        #expect(try parse(StatusArguments.self, "status", "--token-env=PAT").token.environmentVariable == "PAT")
    }
}
