import Foundation
import Spawn
import Testing
@testable import PatrolCore
@testable import PatrolCLI

/// The man pages `make man` writes (`patrol man-pages DIRECTORY`): lint-clean under mandoc, readable with `man -l`,
/// with every section, every option and every environment variable patrol reads. `make test-deps` installs mandoc.
@Suite("man pages, written by the binary")
struct ManPagesBinaryTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "patrol-man-\(UUID().uuidString)"
        let run = try PatrolBinary.run(["man-pages", folder])
        #expect(run.code == 0, "\(run.stderr)")
    }

    /// The pages expected: patrol(1) and one per visible command but help.
    var names: [String] { ["patrol"] + CommandName.visible.filter { $0 != .help }.map { "patrol-\($0.rawValue)" } }

    private func output(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        try #require(FileManager.default.isExecutableFile(atPath: executable), "\(executable) is missing: make test-deps installs it")
        let run = try ChildProcess.run(executable, arguments, environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"].merging(environment) { $1 },
                                       stderr: .standardOutput)
        return (run.termination.status, run.text)
    }

    /// The page as `man -l` shows it, wide enough that no option name is broken.
    private func rendered(_ name: String) throws -> String {
        let (code, text) = try output("/usr/bin/man", ["-l", "\(folder)/\(name).1"], environment: ["MANPAGER": "cat", "MANWIDTH": "250"])
        #expect(code == 0, "\(text)")
        return text
    }

    @Test("one page per command, each lint-clean under mandoc -Tlint (style included)")
    func lint() throws {
        let written = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(written == names.map { "\($0).1" }.sorted())
        for name in names {
            let (code, text) = try output("/usr/bin/mandoc", ["-Tlint", "\(folder)/\(name).1"])
            #expect(code == 0 && text.isEmpty, "\(name).1: \(text)")
        }
    }

    @Test("every page has its sections, its command's options and every exit code, as man -l shows it")
    func sections() throws {
        for name in names {
            let text = try rendered(name)
            for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"] {
                #expect(text.contains("\n\(section)\n"), "\(name): no \(section)")
            }
            let command = name == "patrol" ? nil : CommandName(rawValue: String(name.dropFirst("patrol-".count)))
            for option in command?.configuration.options ?? OptionGroup.global.options {
                #expect(text.contains(option.name), "\(name): \(option.name) missing")
            }
            for (codes, _) in ExitCode.table {
                #expect(text.contains("       \(codes)"), "\(name): exit \(codes) missing")
            }
        }
        let tool = try rendered("patrol")
        for command in CommandName.visible where command != .help {
            #expect(tool.contains("patrol-\(command.rawValue)(1)"))
        }
        #expect(!tool.contains("man-pages"), "the hidden command shows")
    }

    /// Every name in the library sources shaped like an environment variable, less the names that are not read
    /// from patrol's environment (secret and variable names patrol writes into repositories, and what the simulator prints).
    @Test("ENVIRONMENT names every variable the sources read")
    func environment() throws {
        let notRead: Set = ["APP_ID", "APP_PRIVATE_KEY", "C3_PLATFORM_ORCHESTRATION", "GITHUB_TOKEN", "PATROL_PERMISSION_PROBE",
                            "PAT_TOKEN_NEXT"]
        let sources = PatrolBinary.packageRoot + "/Sources"
        var names = Set<String>()
        for target in ["PatrolSupport", "PatrolSecrets", "PatrolHTTP", "PatrolGitHub", "PatrolCore", "PatrolCLI", "PatrolDemo", "patrol"] {
            let files = FileManager.default.enumerator(atPath: "\(sources)/\(target)")?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: "\(sources)/\(target)/\(file)", encoding: .utf8)
                for match in text.matches(of: /"([A-Z][A-Z0-9]*_[A-Z0-9_]+|[a-z]+_proxy|TERM)"/) { names.insert(String(match.1)) }
            }
        }
        #expect(names.contains("PAT_TOKEN") && names.contains("https_proxy"), "the scan found nothing: \(names)")
        let section = try rendered("patrol").split(separator: "\nENVIRONMENT\n").last?.split(separator: "\nFILES\n").first ?? ""
        for name in names.subtracting(notRead).sorted() {
            #expect(section.contains(name), "\(name) is read but not in patrol(1)'s ENVIRONMENT")
        }
    }
}
