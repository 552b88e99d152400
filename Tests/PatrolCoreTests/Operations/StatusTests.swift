import Foundation
import Testing
@testable import PatrolCore

@Suite("status against the simulator")
struct StatusTests {
    /// The `repositories` of a `--json` document, by name.
    static func states(_ json: String) throws -> [String: [String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(document["command"] as? String == "status")
        #expect(document["secret"] as? String == "PAT_TOKEN")
        let repositories = try #require(document["repositories"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: repositories.map { ($0["repository"] as! String, $0) })
    }

    @Test("after a rollout every repository is current (text and JSON), exit 0, with a caller token that is not the fleet's")
    func allCurrent() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        let caller = fleet.mint()
        let text = await fleet.run(["status"], environment: ["PAT_TOKEN": caller])
        #expect(text.code == 0, "\(text.output)")
        #expect(text.stdout.contains("status: 9/9 current"))
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
        #expect(text.stdout.split(separator: "\n").filter { $0.hasPrefix("current") && $0.contains(fingerprint.short) }.count == 9)

        let json = await fleet.run(["status", "--json"], environment: ["PAT_TOKEN": caller])
        #expect(json.code == 0)
        let states = try Self.states(json.stdout)
        #expect(states.count == 9)
        for (name, entry) in states {
            #expect(entry["state"] as? String == "current", "\(name)")
            #expect(entry["present"] as? Bool == true)
            #expect(entry["fingerprint"] as? String == fingerprint.value)
            let updated = try #require(entry["updatedAt"] as? String)
            #expect(ISO8601.parse(updated) == fleet.simulator.secret("PAT_TOKEN", in: name)?.updatedAt.rounded)
        }
        // One request per repository: the list of its secrets.
        #expect(fleet.simulator.requests.filter { $0.route == "GET secrets" }.count == 18)
    }

    @Test("each state: stale, drifted (a write outside patrol), missing, no-access; exit 1; one status read never writes the ledger")
    func everyState() async throws {
        let fleet = try FleetHarness()
        let old = fleet.mint(), new = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": old]).code == 0)
        fleet.simulator.advanceClock(by: 60)
        // A rotation that reached all but c3-cli: c3-cli is stale.
        let others = FleetHarness.fleet.filter { $0 != "garrick0/c3-cli" }.joined(separator: ",")
        #expect(await fleet.run(["rollout", "--repos", others], environment: ["PAT_TOKEN": new]).code == 0)
        fleet.simulator.advanceClock(by: 60)
        fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: "garrick0/c3-bff", value: "something else")
        fleet.simulator.removeRepository("garrick0/c3-web")
        fleet.simulator.addRepository("garrick0/c3-web")
        fleet.simulator.removeRepository("garrick0/c3-wiring")
        let before = try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath))

        let json = await fleet.run(["status", "--json"], environment: ["PAT_TOKEN": new])
        #expect(json.code == 1)
        let states = try Self.states(json.stdout)
        #expect(states["garrick0/c3-cli"]?["state"] as? String == "stale")
        #expect(states["garrick0/c3-cli"]?["fingerprint"] as? String == Token(bytes: Array(old.utf8)).fingerprint.value)
        #expect(states["garrick0/c3-bff"]?["state"] as? String == "drifted")
        #expect(states["garrick0/c3-web"]?["state"] as? String == "missing")
        #expect(states["garrick0/c3-web"]?["present"] as? Bool == false)
        #expect(states["garrick0/c3-wiring"]?["state"] as? String == "no-access")
        #expect(states["garrick0/c3-shared"]?["state"] as? String == "current")
        #expect(states.values.filter { $0["state"] as? String == "current" }.count == 5)

        let text = await fleet.run(["status"], environment: ["PAT_TOKEN": new])
        #expect(text.code == 1)
        let line = { (name: String) in text.stdout.split(separator: "\n").first { $0.contains(name + " ") }.map(String.init) ?? "" }
        #expect(line("garrick0/c3-cli").hasPrefix("stale") && line("garrick0/c3-cli").contains("--resume"))
        #expect(line("garrick0/c3-bff").hasPrefix("drifted") && line("garrick0/c3-bff").contains("someone else wrote it"))
        #expect(line("garrick0/c3-web").hasPrefix("missing") && line("garrick0/c3-web").contains("it was deleted"))
        #expect(line("garrick0/c3-wiring").hasPrefix("no-access") && line("garrick0/c3-wiring").contains("404"))
        #expect(text.stdout.contains("status: 5/9 current, 1 stale, 1 drifted, 1 missing, 1 no-access"))
        #expect(!text.output.contains(new) && !text.output.contains(old))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath)) == before)
    }

    @Test("--repos limits the survey; a rejected caller stops at the first request with exit 4")
    func subsetAndRejected() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let subset = await fleet.run(["status", "--repos", "c3-shared,c3-web"], environment: ["PAT_TOKEN": token])
        #expect(subset.code == 1)
        #expect(subset.stdout.contains("status: 0/2 current, 2 missing"))
        fleet.simulator.revokeToken(token)
        fleet.simulator.resetLog()
        let rejected = await fleet.run(["status"], environment: ["PAT_TOKEN": token])
        #expect(rejected.code == 4)
        #expect(rejected.stderr.contains("Bad credentials"))
        #expect(fleet.simulator.requests.count == 1)
    }
}

extension Date {
    /// This date at whole seconds, as GitHub writes dates.
    var rounded: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
