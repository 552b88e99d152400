import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI
@testable import PatrolDemo

/// `patrol simulator` reproduces the docs (spec §3.8; issue 17 item 8): from any folder, the wired fleet,
/// two tokens, and doctor / rollout / rotate against it as the docs show them.
@Suite("patrol simulator reproduces the docs, built binary")
struct SimulatorBinaryTests {
    /// Starts `patrol simulator` in `folder` (not the package, where a config lies) and reads its printed variables.
    static func startSimulator(in folder: String) throws -> (process: ChildProcess, values: [String: String]) {
        let process = try ChildProcess(PatrolBinary.path, ["simulator"],
                                       environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "NO_COLOR": "1",
                                                     "PATROL_SIMULATOR_TOKEN_MARKER": TestTokens.marker],
                                       directory: folder)
        let printed = process.stdout.readText { $0.components(separatedBy: "\n").count >= 4 }
        let values = Dictionary(printed.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { $1 })
        return (process, values)
    }

    static func checks(_ run: PatrolBinary.Result) throws -> [(id: String, status: String)] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let checks = try #require(document["checks"] as? [[String: Any]])
        return checks.map { (($0["id"] as? String) ?? "", ($0["status"] as? String) ?? "") }
    }

    @Test("from an empty folder: the built-in c3 fleet, wired; doctor fails only secret.present; rollout, doctor all green, rotate")
    func reproducesTheDocs() throws {
        let folder = NSTemporaryDirectory() + "patrol-anywhere-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, values) = try Self.startSimulator(in: folder)
        defer {
            server.stop(SIGKILL)
        }
        try #require(server.isRunning, "the simulator ended early")
        let apiURL = try #require(values["GITHUB_API_URL"]), current = try #require(values["PAT_TOKEN"])
        let next = try #require(values["PAT_TOKEN_NEXT"])
        #expect(current != next)

        // The package's shipped config names the same fleet; the ledger goes to a folder of the test's own.
        let ledger = folder + "/../" + "patrol-anywhere-ledger-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: ledger) }
        let environment = ["GITHUB_API_URL": apiURL, "PAT_TOKEN": current, "PAT_TOKEN_NEXT": next, "PATROL_LEDGER": ledger]

        let before = try PatrolBinary.run(["doctor", "--json"], environment: environment)
        let failed = try Self.checks(before).filter { $0.status == "fail" }
        #expect(failed.count == 9 && failed.allSatisfy { $0.id == "secret.present" }, "\(failed) \(before.stderr)")

        #expect(try PatrolBinary.run(["rollout"], environment: environment).code == 0)
        let after = try PatrolBinary.run(["doctor", "--json", "--send-test-event", "--wait", "10"], environment: environment)
        #expect(after.code == 0, "\(after.stderr)")
        let checks = try Self.checks(after)
        #expect(!checks.isEmpty && checks.allSatisfy { $0.status == "pass" }, "\(checks.filter { $0.status != "pass" })")

        let rotate = try PatrolBinary.run(["rotate", "--token-env", "PAT_TOKEN_NEXT"], environment: environment)
        #expect(rotate.code == 0, "\(rotate.stderr)")
        #expect(rotate.stdout.contains("rotated: every repository holds"), "\(rotate.stdout)")

        server.send(SIGTERM)
        server.wait()
        let log = String(decoding: server.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(server.wait() == .exited(0), "\(log)")
        #expect(log.contains("the built-in c3 fleet") && !log.contains("no such file"), "\(log)")
        // The simulator wrote nothing into the folder it ran in.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("the built-in fleet is the shipped config/fleet.json")
    func builtInMatchesShippedConfig() throws {
        let shipped = try FleetConfig.load(path: PatrolBinary.packageRoot + "/config/fleet.json")
        let builtIn = try SimulatedFleet.builtIn()
        #expect(builtIn.repositories == shipped.repositories && builtIn.platform == shipped.platform)
        #expect(builtIn.workflows == shipped.workflows && builtIn.policy == shipped.policy && builtIn.owner == shipped.owner)
        #expect(builtIn.secret == shipped.secret && builtIn.tokenDescription == shipped.tokenDescription)
    }
}
