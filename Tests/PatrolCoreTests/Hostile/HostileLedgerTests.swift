import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Ledgers that are damaged or hostile beyond what `LedgerStoreTests`, `LedgerJournalTests` and
/// `LifecycleBinaryTests` cover: each stops the run before anything is sent and leaves the file as it was.
@Suite("hostile ledgers")
struct HostileLedgerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var testDescription: String { name }
    }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    static let cases: [Case] = [
        Case(name: "version 0", bytes: text(#"{"version": 0, "secret": "PAT_TOKEN"}"#)),
        Case(name: "version -1", bytes: text(#"{"version": -1, "secret": "PAT_TOKEN"}"#)),
        Case(name: "version as a string", bytes: text(#"{"version": "1", "secret": "PAT_TOKEN"}"#)),
        Case(name: "version 1e99", bytes: text(#"{"version": 1e99, "secret": "PAT_TOKEN"}"#)),
        Case(name: "version past Int64", bytes: text(#"{"version": 99999999999999999999, "secret": "PAT_TOKEN"}"#)),
        Case(name: "top level an array", bytes: text("[]")),
        Case(name: "top level null", bytes: text("null")),
        Case(name: "NUL bytes", bytes: [UInt8](repeating: 0, count: 512)),
        Case(name: "invalid UTF-8", bytes: text(#"{"version": 2, "secret": ""#) + [0xC3, 0x28] + text(#""}"#)),
        Case(name: "100k nested arrays", bytes: [UInt8](repeating: UInt8(ascii: "["), count: 100_000)),
        Case(name: "a fingerprint that is not one",
             bytes: text(#"{"version": 2, "secret": "PAT_TOKEN", "tokens": [{"fingerprint": "ghp_notafingerprint"}]}"#)),
        Case(name: "repositories as a string", bytes: text(#"{"version": 2, "secret": "PAT_TOKEN", "repositories": "all"}"#)),
    ]

    @Test("each stops the run before any request and is left byte for byte", arguments: cases)
    func refused(_ hostile: Case) async throws {
        let fleet = try FleetHarness()
        try Data(hostile.bytes).write(to: URL(fileURLWithPath: fleet.ledgerPath))
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 2, "\(run.output)")
        #expect(run.stderr.contains("ledger"), "\(run.output)")
        #expect(fleet.simulator.requests.isEmpty)
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath))) == hostile.bytes)
    }

    @Test("a ledger that is a folder stops the run before any request")
    func folder() async throws {
        let fleet = try FleetHarness()
        try FileManager.default.createDirectory(atPath: fleet.ledgerPath, withIntermediateDirectories: false)
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 2, "\(run.output)")
        #expect(run.stderr.contains("ledger"))
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("a ledger linked to another file: the run stops and the other file is untouched")
    func symlinkToAnotherFile() async throws {
        let fleet = try FleetHarness()
        let target = fleet.folder + "/precious.txt"
        try "keep me".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: fleet.ledgerPath, withDestinationPath: target)
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 2, "\(run.output)")
        #expect(run.stderr.contains("symbolic link"))
        #expect(fleet.simulator.requests.isEmpty)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")
    }

    @Test("a ledger patrol may not read stops the run before any request", .enabled(if: getuid() != 0, "root reads every file"))
    func unreadable() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        chmod(fleet.ledgerPath, 0)
        defer { chmod(fleet.ledgerPath, 0o600) }
        let sent = fleet.simulator.requests.count
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 2, "\(run.output)")
        #expect(fleet.simulator.requests.count == sent)
    }

    /// Inputs this suite tries.
    static let inputCount = cases.count + 2 + (getuid() != 0 ? 1 : 0)
}
