import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// How the built binary takes the token (spec §3.1): exactly one source, a trailing line break trimmed from
/// every source alike, and the usual copy-and-paste slips named for what they are (issue 17, item 15).
@Suite("token input, built binary")
struct TokenInputBinaryTests {
    @Test("--token-env with --token-file is a usage error naming both; nothing is sent, neither is read")
    func twoSources() throws {
        let fleet = try FleetHarness()
        // An open file: the mode check would refuse it, and was never made while --token-env silently won.
        let file = fleet.folder + "/pat.token-input"
        try (fleet.mint() + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath, "--token-env", "FOO", "--token-file", file],
                                       environment: ["FOO": fleet.mint()])
        #expect(run.code == 2, "\(run.stderr)")
        #expect(run.stderr.contains("--token-env and --token-file cannot be used together"), "\(run.stderr)")
        #expect(fleet.simulator.requests.isEmpty)
        let stdin = try PatrolBinary.run(["doctor", "--config", fleet.configPath, "--token-stdin", "--token-env", "FOO"],
                                         environment: ["FOO": fleet.mint()])
        #expect(stdin.code == 2 && stdin.stderr.contains("--token-stdin and --token-env cannot be used together"), "\(stdin.stderr)")
    }

    @Test("--token-file alone still checks the mode, like ssh")
    func openFile() throws {
        let fleet = try FleetHarness()
        let file = fleet.folder + "/pat.token-input"
        try (fleet.mint() + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o640)
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath, "--token-file", file])
        #expect(run.code == 2)
        #expect(run.stderr.contains("mode 0640") && run.stderr.contains("chmod 600"), "\(run.stderr)")
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("a trailing CR or CRLF in PAT_TOKEN is trimmed as on stdin: the token is delivered", arguments: ["\r", "\r\n"])
    func trailingCarriageReturn(ending: String) throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token + ending])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }

    @Test("a quoted token and a pasted PAT_TOKEN=… line get errors that say exactly that, from every source")
    func pasteMistakes() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let cases: [(value: String, says: String)] = [
            ("\"\(token)\"", "is in quotes"),
            ("'\(token)'", "is in quotes"),
            ("PAT_TOKEN=\(token)", "is a whole PAT_TOKEN=… line"),
            ("export PAT_TOKEN=\"\(token)\"", "is a whole PAT_TOKEN=… line"),
        ]
        for (value, says) in cases {
            let environment = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": value])
            #expect(environment.code == 2 && environment.stderr.contains("the token in $PAT_TOKEN \(says)"), "\(environment.stderr)")
            let stdin = try PatrolBinary.run(["rollout", "--config", fleet.configPath, "--token-stdin"], standardInput: value + "\n")
            #expect(stdin.code == 2 && stdin.stderr.contains(says), "\(stdin.stderr)")
            for output in [environment.stdout, environment.stderr, stdin.stdout, stdin.stderr] { #expect(!output.contains(token)) }
        }
        #expect(fleet.simulator.requests.isEmpty)
    }
}
