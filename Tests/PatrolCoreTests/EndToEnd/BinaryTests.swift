import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The built executable, run as a user runs it.
@Suite("patrol binary, end to end")
struct BinaryTests {
    @Test("--version and help")
    func versionAndHelp() throws {
        let version = try PatrolBinary.run(["--version"])
        #expect(version.code == 0)
        #expect(try BuildCommitCheck.expected().map { "patrol \(Patrol.version) (\($0))\n" }.contains(version.stdout), "\(version.stdout)")
        let help = try PatrolBinary.run(["help", "rollout"])
        #expect(help.code == 0)
        #expect(help.stdout.contains("--dry-run") && help.stdout.contains("--concurrency"))
    }

    @Test("--token VALUE: exit 2, the reason and the alternatives, the value never echoed")
    func tokenRefused() throws {
        // The one token ever put on a command line: without the marker, and allowed by name.
        let token = TestTokens.classic(marker: "")
        let result = try PatrolBinary.run(["rollout", "--token", token], allowingTokenArgument: true)
        #expect(result.code == 2)
        #expect(!(result.stdout + result.stderr).contains(token))
        #expect(result.stderr.contains("--token-stdin") && result.stderr.contains("--token-file"))
        #expect(result.stderr.contains("shell history"))
    }

    @Test("a config with an unknown key: exit 2, naming the file and the field")
    func badConfig() throws {
        let path = NSTemporaryDirectory() + "patrol-bad-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": {"libraries": ["a"]}, "policy": {"warnDay": 3}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try PatrolBinary.run(["rollout", "--config", path], environment: ["PAT_TOKEN": TestTokens.classic()])
        #expect(result.code == 2)
        #expect(result.stderr.contains("\(path): policy.warnDay"))
        #expect(result.stderr.contains("warnDays"))
    }

    @Test("patrol demo: nine repositories, an environment and a Dependabot copy verified from inside the simulator, exit 0")
    func demo() throws {
        let result = try PatrolBinary.run(["demo", "--latency-ms", "5"])
        #expect(result.code == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("11/11 targets verified: every secret decrypts to the current token"))
        #expect(result.stdout.components(separatedBy: "decrypts to the current token sha256:").count - 1 == 11)
        #expect(result.stdout.contains("✓ env:garrick0/c3-web/production  decrypts to the current token"))
        #expect(result.stdout.contains("✓ dependabot:garrick0/c3-shared   decrypts to the current token"))
        // Each step ran and passed: rollout, status, rotation with revocation, expiry.
        #expect(result.stdout.contains("rollout: 11/11 targets verified"))
        #expect(result.stdout.contains("status: 9/9 current"))
        #expect(result.stdout.contains("rotate: 11/11 targets verified"))
        #expect(result.stdout.contains("is revoked"))
        #expect(result.stdout.contains("ok: PAT_TOKEN expires in"))
        // Doctor before the rollout: the eleven missing copies fail, each with its fix; after: all green with a live event.
        #expect(result.stdout.contains("doctor: 39 passed, 1 warning, 11 failed, 11 skipped"))
        #expect(result.stdout.components(separatedBy: "fix: run `patrol rollout --repos").count - 1 == 9)
        #expect(result.stdout.contains("fix: run `patrol rollout --targets environment --repos c3-web`"))
        #expect(result.stdout.contains("doctor: 63 passed, 0 warnings, 0 failed, 0 skipped"))
    }

    @Test("patrol demo --organization: one organization secret shared with the nine repositories; every run there reads the token")
    func demoOrganization() throws {
        let result = try PatrolBinary.run(["demo", "--organization", "--json", "--latency-ms", "5"])
        #expect(result.code == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let targets = try #require(document["repositories"] as? [[String: Any]])
        #expect(targets.count == 1)
        #expect(targets.first?["target"] as? String == "org:garrick0")
        #expect(targets.first?["decryptsToCurrentToken"] as? Bool == true)
        #expect(result.stderr.contains("✓ a workflow run in 9/9 fleet repositories reads the organization's PAT_TOKEN as the current token"))
        #expect(result.stderr.contains("rollout: 1/1 targets verified"))
        #expect(!result.stderr.contains("fix: run `patrol rollout --repos"), "no repository copies are targets")
    }

    @Test("patrol simulator serves; patrol rollout --token-stdin delivers to it; SIGTERM stops it cleanly")
    func simulatorAndRollout() throws {
        let folder = NSTemporaryDirectory() + "patrol-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/fleet.json"
        try #"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": {"libraries": ["c3-shared", "c3-parsing"], "applications": ["c3-web"]}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)

        let server = try PatrolBinary.start(["simulator", "--config", config], readsOutput: true)
        defer { server.stop(SIGKILL) }
        // The first two lines on stdout: GITHUB_API_URL=… and PAT_TOKEN=….
        let printed = server.stdout.readText { $0.components(separatedBy: "\n").count >= 3 }
        try #require(printed.components(separatedBy: "\n").count >= 3, "the simulator ended early")
        let values = Dictionary(uniqueKeysWithValues: printed.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        })
        let apiURL = try #require(values["GITHUB_API_URL"])
        let token = try #require(values["PAT_TOKEN"])
        #expect(apiURL.hasPrefix("http://127.0.0.1:"))

        let rollout = try PatrolBinary.run(["rollout", "--config", config, "--token-stdin", "--json"],
                                           environment: ["GITHUB_API_URL": apiURL], standardInput: token + "\n")
        #expect(rollout.code == 0, "\(rollout.stderr)")
        #expect(!(rollout.stdout + rollout.stderr).contains(token))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(rollout.stdout.utf8)) as? [String: Any])
        #expect(document["summary"] as? [String: Int] == ["total": 3, "succeeded": 3, "failed": 0])
        let ledger = try String(contentsOfFile: folder + "/ledger.json", encoding: .utf8)
        #expect(!ledger.contains(token))

        #expect(server.stop(SIGTERM), "patrol simulator did not stop within 10 s of SIGTERM")
        #expect(server.wait() == .exited(0))
    }

    @Test("patrol simulator stops cleanly on a signal sent the moment its first line appears", arguments: [SIGTERM, SIGINT])
    func simulatorStopsOnAnEarlySignal(signal: Int32) throws {
        let folder = NSTemporaryDirectory() + "patrol-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/fleet.json"
        try #"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": {"libraries": ["c3-shared"], "applications": []}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        // A signal that came before the handler was armed used to be ignored, and the simulator served on forever
        // (1 start in 20 here). Ten starts, each signalled at once, must each end with exit 0 and say so.
        for start in 1...10 {
            let server = try PatrolBinary.start(["simulator", "--config", config], readsOutput: true)
            try #require(!server.stdout.availableData.isEmpty, "the simulator ended early")
            let stopped = server.stop(signal)
            #expect(stopped, "start \(start): patrol simulator did not stop within 10 s of signal \(signal)")
            #expect(server.wait() == .exited(0), "start \(start)")
            let stderr = String(decoding: server.stderr.readDataToEndOfFile(), as: UTF8.self)
            #expect(stderr.hasSuffix("stopped\n"), "start \(start): \(stderr)")
        }
    }
}
