import FoundationEssentials
import PatrolSupport
import PatrolCore

/// patrol(1) and patrol-COMMAND(1), in man(7) roff, generated from ``CommandName/configuration``, the option
/// declarations and ``ExitCode/table``, as help is. `make man` writes them with the hidden `patrol man-pages DIRECTORY`.
public enum ManPages {
    /// One page: its file name (`patrol-rollout.1`) and its roff text.
    public struct Page: Sendable, Equatable {
        public let fileName: String
        public let text: String
    }

    /// The commands that get a page of their own: every visible one but `help`, which patrol(1) describes.
    public static var commands: [CommandName] { CommandName.visible.filter { $0 != .help } }

    /// Every page, patrol(1) first, dated `date` (UTC).
    public static func pages(date: Date) -> [Page] {
        let day = String(ISO8601.format(date).prefix(10))
        return [Page(fileName: "patrol.1", text: tool(day: day))]
            + commands.map { Page(fileName: "patrol-\($0.rawValue).1", text: command($0, day: day)) }
    }

    /// Writes every page into `directory` (made if missing) and names each file on `console`.
    public static func write(to directory: String, date: Date, console: Console) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for page in pages(date: date) {
            let path = PathText.join(directory, page.fileName)
            try Data(page.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            console.result(path)
        }
    }

    /// The environment variables patrol reads, with what each does (every read in the sources is listed here; a test
    /// checks the sources for names missing from this table).
    public static let environment: [(name: String, meaning: String)] = [
        ("PAT_TOKEN", "the token, when no --token-stdin, --token-env or --token-file is given (read into guarded memory only)"),
        ("PATROL_CONFIG", "the fleet config, when --config is not given"),
        ("PATROL_LEDGER", "the ledger, when --ledger is not given"),
        ("GITHUB_API_URL", "the GitHub API base, when --api-url is not given"),
        ("PATROL_CA_FILE", "CA certificates (PEM) to trust besides the system store, when --ca-file is not given"),
        ("SSL_CERT_FILE", "the same, when neither --ca-file nor PATROL_CA_FILE is given"),
        ("PATROL_LIMIT_WINDOW", "seconds in GitHub's secondary-limit minute (0 turns read pacing off), for a stand-in or an Enterprise Server"),
        ("https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY", "the proxy for https:// requests, the first set of these"),
        ("no_proxy, NO_PROXY", "hosts reached without the proxy"),
        ("PATROL_APP_ID", "the GitHub App's id, when --app-id is not given"),
        ("PATROL_APP_PRIVATE_KEY", "the GitHub App's private key itself (PEM), when neither --app-key-file nor the config's app.privateKeyFile names one"),
        ("PATROL_LOCK_WAIT", "seconds to wait for another run's ledger lock (default 5)"),
        ("NO_COLOR", "no colors, like --no-color"),
        ("TERM", "no colors when it is dumb"),
        ("PATROL_SIMULATOR_TOKEN_MARKER", "patrol simulator and demo only: a marker the simulator puts in the tokens it makes, for patrol's own tests"),
        ("the variables options name", "--token-env, --auth-env, --old-token-env and --webhook-env name the variable that holds the token, the API credential, the old token and the webhook URL"),
    ]

    /// The files patrol reads and writes.
    static var files: [(path: String, meaning: String)] {
        [(FleetConfig.defaultPath, "the fleet config: owner, repositories, secret name, policy (the default path, relative to the current folder)"),
         (FleetConfig.defaultLedger, "the ledger, beside the config unless the config's ledger, PATROL_LEDGER or --ledger says otherwise: which token each repository holds, fingerprints only, safe to commit"),
         ("\(FleetConfig.defaultLedger).journal", "one line per verified upload while a rollout runs, folded into the ledger when it ends"),
         ("\(FleetConfig.defaultLedger).lock", "held by the run that writes the ledger")]
    }

    /// A few command lines for `command`'s EXAMPLES (nil: patrol(1)'s), each with what it does.
    static func examples(_ command: CommandName?) -> [(line: String, meaning: String)] {
        switch command {
        case nil: [("patrol demo", "the whole flow against the built-in simulator: no network, no credentials"),
                   ("patrol rollout --token-env PAT_TOKEN --dry-run", "check the token and every repository, upload nothing"),
                   ("patrol status", "which repository holds which token")]
        case .rollout?: [("patrol rollout --token-file ~/.config/patrol/token", "upload the token in the file to every repository"),
                         ("patrol rollout --token-env PAT_TOKEN --repos c3-web,c3-api --dry-run", "check two repositories, upload nothing"),
                         ("patrol rollout --token-env PAT_TOKEN --resume", "finish an interrupted rollout")]
        case .rotate?: [("patrol rotate --token-env NEW_TOKEN --revoke-old --old-token-env PAT_TOKEN",
                         "roll out the new token, then revoke the old one")]
        case .expiry?: [("patrol expiry", "days left, from the ledger"),
                        ("patrol expiry --live --format github --open-issue", "ask GitHub, annotate the workflow run and keep an issue open")]
        case .doctor?: [("patrol doctor --token-env PAT_TOKEN", "every credential, scope and dispatch check"),
                        ("patrol doctor --send-test-event --wait 120", "also send a probe dispatch and wait for its run")]
        case .status?: [("patrol status --auth-env GH_TOKEN", "the secret in every repository, read with another credential"),
                        ("patrol status --json | jq '.repositories[] | select(.state != \"current\")'", "what is not current")]
        case .app?: [("patrol app rollout --app-id 123456 --app-key-file app.pem", "give every repository the App's id and key")]
        case .demo?: [("patrol demo --latency-ms 0", "the demo at full speed")]
        case .simulator?: [("patrol simulator --port 8080", "serve the simulator on port 8080 until interrupted")]
        case .completion?: [("source <(patrol completion bash)", "complete patrol in this bash session"),
                            ("patrol completion fish > ~/.config/fish/completions/patrol.fish", "complete patrol in fish from now on")]
        case .version?: [("patrol --version --json", "the version, commit and library versions as JSON")]
        case .help?, .manPages?: []
        }
    }

    // MARK: - Pages

    private static func tool(day: String) -> String {
        var roff = header("patrol", day: day)
        roff += section("NAME") + text("patrol - keep one GitHub token as an Actions secret across a fleet of repositories")
        roff += section("SYNOPSIS") + ".B patrol\n.I command\n.RI [ options ]\n"
        roff += section("DESCRIPTION")
        roff += text("patrol seals one GitHub token and keeps it as an Actions secret in every repository of a fleet: it rolls it out, rotates it, warns before it expires and checks the credential end to end.")
        roff += ".PP\n" + text(HelpText.tokenParagraph) + ".PP\n" + text(HelpText.outputParagraph)
        roff += section("COMMANDS")
        for command in CommandName.visible {
            roff += ".TP\n"
            roff += command == .help ? "\\fBpatrol help\\fR [\\fIcommand\\fR]\n" : ".BR patrol\\-\(command.rawValue) (1)\n"
            roff += text(command.configuration.abstract)
        }
        roff += section("OPTIONS") + options(OptionGroup.global.options)
        roff += common(nil)
        roff += section("SEE ALSO") + commands.map { ".BR patrol\\-\($0.rawValue) (1)" }.joined(separator: ",\n") + "\n"
        return roff
    }

    private static func command(_ command: CommandName, day: String) -> String {
        let configuration = command.configuration
        var roff = header("patrol-\(command.rawValue)", day: day)
        roff += section("NAME") + text("patrol-\(command.rawValue) - \(configuration.abstract)")
        roff += section("SYNOPSIS")
        roff += text(HelpText.usageLines(command).joined(separator: " ").replacingEvery("USAGE: ", with: ""))
        roff += section("DESCRIPTION")
        roff += text(configuration.discussion.isEmpty ? configuration.abstract : configuration.discussion)
        if configuration.groups.contains(.token) {
            roff += ".PP\n" + text(HelpText.tokenSourcesLines.joined(separator: " "))
        }
        roff += section("OPTIONS")
        for group in configuration.groups {
            roff += ".SS \(group.title.capitalized)\n" + options(group.options)
        }
        roff += common(command)
        roff += section("SEE ALSO") + ".BR patrol (1)\n"
        return roff
    }

    /// EXIT STATUS, ENVIRONMENT, FILES and EXAMPLES, which every page has.
    private static func common(_ command: CommandName?) -> String {
        var roff = section("EXIT STATUS")
        for (codes, meaning) in ExitCode.table {
            roff += ".TP\n.B \(codes)\n" + text(meaning)
        }
        roff += section("ENVIRONMENT")
        for (name, meaning) in environment {
            roff += ".TP\n" + (name.hasPrefix("the ") ? text(name) : ".B " + escape(name) + "\n") + text(meaning)
        }
        roff += section("FILES")
        for (path, meaning) in files {
            roff += ".TP\n.I \(escape(path))\n" + text(meaning)
        }
        let examples = examples(command)
        if !examples.isEmpty {
            roff += section("EXAMPLES")
            for (index, (line, meaning)) in examples.enumerated() {
                roff += (index == 0 ? "" : ".PP\n") + text(meaning + ":") + ".PP\n.RS 4\n.EX\n" + escape(line) + "\n.EE\n.RE\n"
            }
        }
        return roff
    }

    private static func options(_ options: [OptionSpec]) -> String {
        options.map { option in
            let names = [option.alias, option.name].compactMap { $0 }.map { "\\fB\(escape($0))\\fR" }.joined(separator: ", ")
            let value = option.valueName.map { " \\fI\(escape($0))\\fR" } ?? ""
            var description = option.help
            if let values = option.allowedValues { description += "; one of " + values.joined(separator: ", ") }
            if let defaultValue = option.defaultValue { description += " (default: \(defaultValue))" }
            return ".TP\n" + names + value + "\n" + text(description)
        }.joined()
    }

    // MARK: - roff

    private static func header(_ name: String, day: String) -> String {
        ".\\\" Generated by patrol man-pages from patrol's command and option declarations; do not edit.\n"
            + ".TH \(name.uppercased().replacingEvery("-", with: "\\-")) 1 \(day) \"\(HelpText.version)\" \"User Commands\"\n"
            // Ragged right, no hyphenation: option names and paths must not break across lines.
            + ".ad l\n.nh\n"
    }

    private static func section(_ title: String) -> String { ".SH \(title)\n" }

    /// `text` escaped and filled into input lines of at most 80 bytes (mandoc's style limit), each ending in a line break.
    static func text(_ text: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in escape(text).split(separator: " ") {
            if !line.isEmpty, line.utf8.count + 1 + word.utf8.count > 80 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : $0 }.joined(separator: "\n") + "\n"
    }

    /// `text` as roff body text: backslashes and dashes escaped, a line starting with `.` or `'` protected, anything
    /// outside ASCII as a `\[uXXXX]` escape (groff and mandoc both read it, whatever the locale).
    static func escape(_ text: String) -> String {
        var out = ""
        // Runs of spaces collapse to one: roff keeps them in filled text.
        let text = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            case "\n": out += " "
            case _ where !scalar.isASCII: out += "\\[u" + Hex.padded(scalar.value, width: 4, uppercase: true) + "]"
            default: out.unicodeScalars.append(scalar)
            }
        }
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }
}
