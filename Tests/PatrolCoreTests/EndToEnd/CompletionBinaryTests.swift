import Foundation
import Spawn
import Testing
@testable import PatrolCLI

/// `patrol completion bash|zsh|fish`, loaded into the real shells: bash (the completion function with COMP_WORDS and
/// COMP_CWORD, COMPREPLY read back), zsh (an interactive zsh on a pseudo-terminal through zpty, TAB pressed, the
/// matches caught at compadd) and fish (`complete -C`). `make test-deps` installs zsh and fish when missing.
@Suite("patrol completion, in bash, zsh and fish")
struct CompletionBinaryTests {
    /// A folder holding the three scripts as the binary prints them, and a file to complete.
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "patrol-completion-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/zsh", withIntermediateDirectories: true)
        for shell in CompletionShell.allCases {
            let run = try PatrolBinary.run(["completion", shell.rawValue])
            #expect(run.code == 0, "\(run.stderr)")
            let path = shell == .zsh ? folder + "/zsh/_patrol" : folder + "/patrol.\(shell.rawValue)"
            try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: path))
        }
        _ = FileManager.default.createFile(atPath: folder + "/fleet.json", contents: Data("{}".utf8))
    }

    /// The lines a shell run prints.
    private func shell(_ executable: String, _ arguments: [String]) throws -> [String] {
        try #require(FileManager.default.isExecutableFile(atPath: executable), "\(executable) is missing: make test-deps installs it")
        let run = try ChildProcess.run(executable, arguments,
                                       environment: ["PATH": "/usr/bin:/bin", "HOME": folder, "TERM": "dumb", "LANG": "C.UTF-8"], stderr: .null)
        return run.text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// What bash offers for `line` (a trailing space completes a new, empty word).
    func bash(_ line: String) throws -> Set<String> {
        var words = line.split(separator: " ").map { "'\($0)'" }
        if line.hasSuffix(" ") { words.append("''") }
        let script = """
            source '\(folder)/patrol.bash'
            COMP_WORDS=(\(words.joined(separator: " "))); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            _patrol
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        return Set(try shell("/bin/bash", ["--norc", "--noprofile", "-c", script]))
    }

    /// What fish offers for `line` (`complete -C`: each candidate, a tab, its description).
    func fish(_ line: String) throws -> Set<String> {
        let lines = try shell("/usr/bin/fish", ["--no-config", "-c", "source '\(folder)/patrol.fish'; complete -C '\(line)'"])
        return Set(lines.map { String($0.split(separator: "\t", maxSplits: 1).first ?? "") })
    }

    /// What zsh offers for `line` after TAB, in an interactive zsh on a pseudo-terminal (zpty) with compinit and the
    /// script on fpath as `_patrol`: every match zsh's compadd accepts is written to a file.
    func zsh(_ line: String) throws -> Set<String> {
        let out = folder + "/zsh-\(UUID().uuidString).out"
        let harness = """
            zmodload zsh/zpty || exit 3
            zpty -b z zsh -f -i
            zpty -w z "PS1=''; fpath=('\(folder)/zsh' \\$fpath); autoload -Uz compinit; compinit -u -D"
            zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return; fi; local -a hits; builtin compadd -A hits "$@"; print -rl -- $hits >> \(out); builtin compadd "$@"; }'
            zpty -w z '_patrol_done() { print -r -- __END__ >> \(out) }; comppostfuncs=(_patrol_done)'
            zpty -w z "bindkey '^I' complete-word"
            zpty -w -n z '\(line)'$'\\t'
            for i in {1..200}; do
                [[ -f \(out) ]] && grep -q __END__ \(out) && break
                sleep 0.05
            done
            zpty -d z
            cat \(out)
            """
        let lines = try shell("/usr/bin/zsh", ["-f", "-c", harness])
        #expect(lines.contains("__END__"), "zsh did not finish completing \(line)")
        return Set(lines.filter { $0 != "__END__" })
    }

    /// Each shell's answers for one line.
    func all(_ line: String) throws -> [(String, Set<String>)] {
        [("bash", try bash(line)), ("zsh", try zsh(line)), ("fish", try fish(line))]
    }

    @Test("commands, options, closed values, operands: the same answers in the three shells", arguments: [
        ("patrol ro", ["rollout", "rotate"]),
        ("patrol rol", ["rollout"]),
        ("patrol rollout --con", ["--concurrency", "--config"]),
        ("patrol expiry --format ", ["text", "json", "github"]),
        ("patrol --config x.json st", ["status"]),
        ("patrol help d", ["doctor", "demo"]),
        ("patrol completion ", ["bash", "zsh", "fish"]),
        ("patrol app ", ["rollout"]),
        ("patrol man", []),
    ])
    func answers(line: String, expected: [String]) throws {
        for (shell, offered) in try all(line) {
            #expect(offered == Set(expected), "\(shell): \(line)<TAB>")
        }
    }

    @Test("a credential option's value completes to nothing: no variable name, no value")
    func noSecrets() throws {
        for option in CompletionScript.allOptions where option.namesCredential {
            for (shell, offered) in try all("patrol rotate \(option.name) P") + all("patrol rotate \(option.name) ") {
                #expect(offered.isEmpty, "\(shell): \(option.name) offered \(offered)")
            }
        }
    }

    @Test("a path option completes file names", arguments: ["--config", "--token-file", "--ca-file", "--app-key-file"])
    func paths(option: String) throws {
        for (shell, offered) in try all("patrol rollout \(option) \(folder)/fle") {
            #expect(offered.contains { $0.hasSuffix("fleet.json") }, "\(shell): \(offered)")
        }
    }

    @Test("every command completes exactly its declared options, and nothing hidden", arguments: CommandName.visible)
    func everyOption(command: CommandName) throws {
        let declared = Set(command.configuration.options.map(\.name))
        #expect(try bash("patrol \(command.rawValue) --") == declared)
        #expect(try fish("patrol \(command.rawValue) --") == declared)
        #expect(try zsh("patrol \(command.rawValue) --") == declared)
    }

    /// Every option whose value is a list of a closed set (`--targets environment,organization`), with a command
    /// that takes it.
    static var listOptions: [(CommandName, OptionSpec)] {
        var seen = Set<String>()
        return CommandName.visible.flatMap { command in command.configuration.options.map { (command, $0) } }
            .filter { $0.1.listSeparator != nil && $0.1.allowedValues != nil && seen.insert($0.1.name).inserted }
    }

    @Test("a list of a closed set completes each item after the last separator, in the three shells")
    func lists() throws {
        for (command, option) in Self.listOptions {
            let values = try #require(option.allowedValues), separator = try #require(option.listSeparator)
            let first = values[0], second = values[1]
            for (shell, offered) in try all("patrol \(command.rawValue) \(option.name) ") {
                #expect(offered == Set(values), "\(shell): \(option.name)")
            }
            let typed = "\(first)\(separator)\(second.prefix(2))"
            let expected = values.filter { $0.hasPrefix(String(second.prefix(2))) }
            #expect(try bash("patrol \(command.rawValue) \(option.name) \(typed)") == Set(expected.map { "\(first)\(separator)\($0)" }))
            #expect(try fish("patrol \(command.rawValue) \(option.name) \(typed)") == Set(expected.map { "\(first)\(separator)\($0)" }))
            // zsh's _values keeps the items typed before the separator itself and offers the rest.
            #expect(try zsh("patrol \(command.rawValue) \(option.name) \(typed)") == Set(expected))
        }
    }

    @Test("bash: --option=value completes the value")
    func bashEquals() throws {
        let script = """
            source '\(folder)/patrol.bash'
            COMP_WORDS=(patrol expiry --format = j); COMP_CWORD=4; _patrol; printf '%s\\n' "${COMPREPLY[@]}"
            """
        #expect(try shell("/bin/bash", ["--norc", "-c", script]) == ["json"])
    }
}
