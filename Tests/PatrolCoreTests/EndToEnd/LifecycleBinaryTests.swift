import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// rollout → rotate → status with the built binary, as a user runs them.
@Suite("token lifecycle, built binary")
struct LifecycleBinaryTests {
    @Test("rollout, rotate --revoke-old, status --json: all nine current on the new token, the old one revoked")
    func lifecycle() throws {
        let fleet = try FleetHarness()
        let old = fleet.mint(), new = fleet.mint()
        let config = ["--config", fleet.configPath]
        #expect(try PatrolBinary.run(["rollout"] + config, environment: ["PAT_TOKEN": old]).code == 0)
        fleet.simulator.advanceClock(by: 60)
        let rotate = try PatrolBinary.run(["rotate", "--token-stdin", "--revoke-old", "--old-token-env", "OLD"] + config,
                                          environment: ["OLD": old], standardInput: new + "\n")
        #expect(rotate.code == 0, "\(rotate.stderr)")
        #expect(fleet.delivered().values.allSatisfy { $0 == new })
        #expect(fleet.simulator.isRevoked(old))
        #expect(fleet.simulator.requests.filter { $0.route == "POST revoke" }.map(\.authorization) == [nil])
        let status = try PatrolBinary.run(["status", "--json"] + config, environment: ["PAT_TOKEN": new])
        #expect(status.code == 0, "\(status.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let repositories = try #require(document["repositories"] as? [[String: Any]])
        #expect(repositories.count == 9)
        #expect(repositories.allSatisfy { $0["state"] as? String == "current" && $0["present"] as? Bool == true })
        let fingerprint = Token(bytes: Array(new.utf8)).fingerprint.value
        #expect(repositories.allSatisfy { $0["fingerprint"] as? String == fingerprint })
        for output in [rotate.stdout, rotate.stderr, status.stdout] { #expect(!output.contains(new) && !output.contains(old)) }
        #expect(!FileManager.default.fileExists(atPath: fleet.ledgerPath + ".journal"))
    }

    @Test("a truncated or garbage ledger: exit 2, a message saying how to recover, nothing sent, the file byte for byte as it was",
          arguments: ["truncated", "garbage"])
    func damagedLedger(kind: String) throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        let whole = try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath))
        let damaged = kind == "truncated" ? whole.prefix(whole.count / 2) : Data("\u{0}\u{1}not a ledger".utf8)
        try damaged.write(to: URL(fileURLWithPath: fleet.ledgerPath))
        let sent = fleet.simulator.requests.count
        for command in ["rollout", "rotate", "status"] {
            let run = try PatrolBinary.run([command, "--config", fleet.configPath], environment: ["PAT_TOKEN": fleet.mint()])
            #expect(run.code == 2, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("the ledger cannot be read"), "\(command)")
            #expect(run.stderr.contains("patrol left it untouched"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath)) == damaged)
        }
        #expect(fleet.simulator.requests.count == sent)
    }
}
