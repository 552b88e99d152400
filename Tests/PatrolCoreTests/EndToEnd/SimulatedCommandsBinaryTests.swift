import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolCore

/// `patrol simulator --json` and Ctrl-C during `patrol demo`, against the built binary (issue 17 leftovers).
@Suite("patrol simulator --json and an interrupted demo, built binary")
struct SimulatedCommandsBinaryTests {
    private static func start(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(PatrolBinary.path, arguments,
                         environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "NO_COLOR": "1"].merging(environment) { $1 },
                         directory: NSTemporaryDirectory())
    }

    @Test("simulator --json prints one JSON document: the API URL and the two tokens, the same values as the KEY=value lines")
    func simulatorJSON() throws {
        let server = try Self.start(["simulator", "--json"], environment: ["PATROL_SIMULATOR_TOKEN_MARKER": TestTokens.marker])
        defer {
            server.stop(SIGKILL)
        }
        let printed = server.stdout.readText { $0.hasSuffix("\n") }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any], "\(printed)")
        #expect(document["command"] as? String == "simulator")
        let apiURL = try #require(document["apiURL"] as? String)
        let tokens = try #require(document["tokens"] as? [String: String])
        #expect(Set(tokens.keys) == ["PAT_TOKEN", "PAT_TOKEN_NEXT"])
        #expect(tokens["PAT_TOKEN"] != tokens["PAT_TOKEN_NEXT"])
        // The tokens work: doctor with the first one reaches the simulator and finds the token valid.
        let doctor = try PatrolBinary.run(["doctor", "--json", "--config", PatrolBinary.packageRoot + "/config/fleet.json"],
                                          environment: ["GITHUB_API_URL": apiURL, "PAT_TOKEN": tokens["PAT_TOKEN"] ?? "",
                                                        "PATROL_LEDGER": NSTemporaryDirectory() + "patrol-json-\(UUID().uuidString).json"])
        let checks = try SimulatorBinaryTests.checks(doctor)
        #expect(checks.contains { $0.id == "token.valid" && $0.status == "pass" }, "\(doctor.stderr)")
        server.send(SIGTERM)
        #expect(server.wait() == .exited(0))
    }

    @Test("Ctrl-C during demo removes its temporary folder and exits 130")
    func interruptedDemoCleansUp() throws {
        let folder = NSTemporaryDirectory() + "patrol-demo-tmp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let demo = try Self.start(["demo", "--json", "--latency-ms", "300"], environment: ["TMPDIR": folder])
        defer {
            demo.stop(SIGKILL)
        }
        // With --json the narration is on stderr. The demo opens its ledger (and so makes its folder) before it says
        // anything, so once the rollout step has begun the folder is there, and the rollout is writing into it.
        let narration = demo.stderr.readText { $0.contains("2. rollout") }
        try #require(narration.contains("2. rollout"), "\(narration)")
        try #require(try FileManager.default.contentsOfDirectory(atPath: folder).contains { $0.hasPrefix("patrol-demo-") })
        demo.send(SIGINT)
        #expect(demo.wait() == .exited(130))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
