import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The pieces of the leak check `make test` ends with: marker tokens, the scan that finds them,
/// clean command lines, no core dumps, and a redacted `--verbose`.
@Suite("Secret hygiene")
struct SecretHygieneTests {
    static let scanner = PatrolBinary.packageRoot + "/Tests/Hygiene/scan.sh"

    @Test("every token the tests make carries the marker and still has a valid format", arguments: TokenKind.allCases)
    func markedTokens(kind: TokenKind) throws {
        let token = TestTokens.of(kind)
        #expect(token.dropFirst(kind.prefix.count).hasPrefix(TestTokens.marker))
        #expect(try TokenFormat.check(Token(bytes: Array(token.utf8))) == kind)
    }

    @Test("the simulator's minted tokens carry the marker: classic with a valid checksum, fine-grained")
    func markedMintedTokens() throws {
        let fleet = try FleetHarness()
        let classic = fleet.mint()
        let fineGrained = fleet.simulator.mintToken(login: FleetHarness.owner, kind: .fineGrained)
        #expect(classic.hasPrefix("ghp_" + TestTokens.marker))
        #expect(fineGrained.hasPrefix("github_pat_" + TestTokens.marker))
        #expect(try TokenFormat.check(Token(bytes: Array(classic.utf8))) == .classic)
        #expect(try TokenFormat.check(Token(bytes: Array(fineGrained.utf8))) == .fineGrained)
    }

    /// Runs the scanner on `folder` and returns its exit status and output.
    private func scan(_ folder: String) throws -> (code: Int32, output: String) {
        let run = try ChildProcess.run("/bin/bash", [Self.scanner, folder], stderr: .standardOutput)
        return (run.termination.status, run.text)
    }

    @Test("the scan fails on a planted marker token, passes on a clean folder, and skips deliberate token inputs")
    func scannerCanFail() throws {
        // Outside TMPDIR's kept folders, and removed at once, so `make test`'s own scan never sees the plant.
        let folder = "/tmp/patrol-scan-selftest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/nested", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "nothing secret here\n".write(toFile: folder + "/clean.txt", atomically: true, encoding: .utf8)
        try (TestTokens.classic() + "\n").write(toFile: folder + "/nested/input" + TestTranscripts.tokenInputSuffix, atomically: true, encoding: .utf8)
        let clean = try scan(folder)
        #expect(clean.code == 0, "\(clean.output)")
        #expect(clean.output.contains(" 1 files,") && clean.output.contains("1 deliberate token inputs skipped") && clean.output.contains(": 0 hits"))

        try ("log line: Bearer " + TestTokens.classic() + "\n").write(toFile: folder + "/nested/leak.log", atomically: true, encoding: .utf8)
        let dirty = try scan(folder)
        #expect(dirty.code == 1)
        #expect(dirty.output.contains(": 1 hits") && dirty.output.contains("nested/leak.log"), "\(dirty.output)")
    }

    @Test("a command line holding a marker or token-shaped string is refused before patrol starts")
    func argumentsChecked() throws {
        #expect(throws: PatrolBinary.TokenInArguments.self) { try PatrolBinary.checkArguments(["rollout", "--token", TestTokens.classic()]) }
        #expect(throws: PatrolBinary.TokenInArguments.self) { try PatrolBinary.checkArguments(["--x=" + TestTokens.classic(marker: "")]) }
        #expect(throws: PatrolBinary.TokenInArguments.self) { try PatrolBinary.checkArguments([TestTokens.fineGrained()]) }
        #expect(throws: PatrolBinary.TokenInArguments.self) { try PatrolBinary.start(["doctor", "--token", TestTokens.classic()]) }
        try PatrolBinary.checkArguments(["rollout", "--token-env", "GH_PAT", "--config", "/tmp/fleet.json", "--secret", "PAT_TOKEN"])
    }

    @Test("a patrol process runs with core dumps off: /proc/<pid>/limits shows a core file size of 0")
    func coreDumpsOff() throws {
        let folder = NSTemporaryDirectory() + "patrol-core-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/fleet.json"
        try #"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": {"libraries": ["c3-shared"], "applications": []}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        // Its stdout holds the simulator's token on purpose, so it is read here and never recorded.
        let server = try PatrolBinary.start(["simulator", "--config", config], readsOutput: true)
        defer { server.stop() }
        // The first line comes after patrol's start-up, which sets the limit.
        let first = server.stdout.availableData
        try #require(!first.isEmpty, "the simulator ended early")
        let limits = try String(contentsOfFile: "/proc/\(server.pid)/limits", encoding: .utf8)
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"], "\(line)")
    }

    @Test("--verbose prints every request line on stderr and never the token or its Authorization value")
    func verboseRedacts() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let result = try PatrolBinary.run(["rollout", "--verbose", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.contains("→ PUT ") && result.stderr.contains("← 201 PUT "), "\(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(!output.contains(token))
        #expect(!output.contains(TestTokens.marker))
        #expect(!output.contains(String(token.dropFirst(4).prefix(12))))
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }
}
