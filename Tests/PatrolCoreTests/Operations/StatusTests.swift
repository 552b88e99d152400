import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

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
        #expect(await fleet.run(["rotate", "--repos", others], environment: ["PAT_TOKEN": new]).code == 0)
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

/// `status` as issue 17 (item 11) and issue 10 (item 7) found it fragile: it needed PAT_TOKEN with --auth-env,
/// one repository's persistent 5xx aborted the report, a rate limit read as `no-access`, a repository being
/// written read as `drifted`, and it walked the fleet one repository at a time.
@Suite("status under real-world conditions")
struct StatusRobustnessTests {
    static let fast = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))

    @Test("--auth-env is all status needs: no PAT_TOKEN in the environment, every repository reported")
    func authEnvWithoutToken() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        let caller = fleet.mint()
        let run = await fleet.run(["status", "--auth-env", "GH_TOKEN"], environment: ["GH_TOKEN": caller])
        #expect(run.code == 0, "\(run.output)")
        #expect(run.stdout.contains("status: 9/9 current"))
        #expect(fleet.simulator.requests.filter { $0.route == "GET secrets" }.allSatisfy { $0.authorization == "Bearer \(caller)" })
    }

    @Test("one repository's persistent 502 is that row's `error`; the eight others are still reported; exit 1")
    func persistentServerError() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        fleet.simulator.failNext(100, status: 502, matching: "/repos/garrick0/c3-cli/actions/secrets")
        fleet.simulator.resetLog()
        let json = await fleet.run(["status", "--json"], environment: ["PAT_TOKEN": token], retryPolicy: Self.fast)
        #expect(json.code == 1, "\(json.output)")
        let states = try StatusTests.states(json.stdout)
        #expect(states.count == 9)
        #expect(states["garrick0/c3-cli"]?["state"] as? String == "error")
        #expect((states["garrick0/c3-cli"]?["error"] as? String)?.contains("502") == true)
        #expect(states.values.filter { $0["state"] as? String == "current" }.count == 8)
        // Retried as every read is: five attempts, then the row's verdict.
        #expect(fleet.simulator.requests.filter { $0.path.hasPrefix("/repos/garrick0/c3-cli/actions/secrets") }.count == 5)

        fleet.simulator.failNext(100, status: 502, matching: "/repos/garrick0/c3-cli/actions/secrets")
        let text = await fleet.run(["status"], environment: ["PAT_TOKEN": token], retryPolicy: Self.fast)
        #expect(text.code == 1)
        #expect(text.stdout.contains("status: 8/9 current, 1 error"))
        let line = text.stdout.split(separator: "\n").first { $0.contains("garrick0/c3-cli ") }.map(String.init) ?? ""
        #expect(line.hasPrefix("error") && line.contains("run patrol status again"))
    }

    /// GitHub's primary-limit refusal as it is sent: 403, `x-ratelimit-remaining: 0`, the reset time.
    static func rateLimited(_ fleet: FleetHarness, _ repository: String, times: Int) {
        rateLimited(fleet, path: "/repos/\(repository)/actions/secrets", times: times)
    }

    static func rateLimited(_ fleet: FleetHarness, path: String, times: Int) {
        fleet.simulator.answerNext(path: path, status: 403,
                                   headers: [("content-type", "application/json; charset=utf-8"), ("x-ratelimit-limit", "5000"),
                                             ("x-ratelimit-remaining", "0"), ("x-ratelimit-used", "5000"),
                                             ("x-ratelimit-reset", "1"), ("x-ratelimit-resource", "core")],
                                   body: Array(#"{"message":"API rate limit exceeded for user ID 1000001.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}"#.utf8),
                                   times: times)
    }

    @Test("a rate-limited 403 is never `no-access`: retried through the governor, and `error` if it persists")
    func rateLimitIsNotNoAccess() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        Self.rateLimited(fleet, "garrick0/c3-web", times: 2)
        Self.rateLimited(fleet, "garrick0/c3-cli", times: 100)
        let json = await fleet.run(["status", "--json"], environment: ["PAT_TOKEN": token], retryPolicy: Self.fast)
        let states = try StatusTests.states(json.stdout)
        #expect(states["garrick0/c3-web"]?["state"] as? String == "current", "retried after the limit answers")
        #expect(states["garrick0/c3-cli"]?["state"] as? String == "error")
        #expect((states["garrick0/c3-cli"]?["error"] as? String)?.contains("rate limit") == true)
        #expect(!states.values.contains { $0["state"] as? String == "no-access" })
        #expect(json.code == 1)
    }

    @Test("the fleet is surveyed in parallel, bounded like rollout")
    func parallel() async throws {
        let fleet = try FleetHarness(latency: .milliseconds(150))
        let token = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        fleet.simulator.resetLog()
        let run = await fleet.run(["status"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        // The first alone, then the other eight at once (each answer held 150 ms, so they overlap); serially it is 1.
        #expect(fleet.simulator.counters.peakConcurrency >= 4)
        #expect(fleet.simulator.counters.peakConcurrency <= Rollout.readConcurrency)
    }

    @Test("a larger fleet is read as many repositories at once as a rollout keeps in progress, a row for each")
    func parallelLargeFleet() async throws {
        let fleet = try FleetHarness(latency: .milliseconds(150))
        try fleet.useLargerFleet(of: 40)
        let run = await fleet.run(["status"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 1, "\(run.output)")  // nothing rolled out: every repository is missing
        #expect(fleet.simulator.requests.count == 40)
        // Twice the rollout's default --concurrency at once (each answer held 150 ms, so they overlap), never more.
        let peak = fleet.simulator.counters.peakConcurrency
        #expect(peak > 10 && peak <= Rollout.readConcurrency, "peak \(peak)")
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("missing") }
        #expect(rows.count == 40)
        #expect(run.stdout.contains("0/40 current"), "\(run.stdout)")
    }

    @Test("during a rollout the repository it has written but not journalled yet shows as `writing`, not `drifted`")
    func writingDuringRollout() async throws {
        let fleet = try FleetHarness()
        let old = fleet.mint(), new = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": old]).code == 0)
        fleet.simulator.advanceClock(by: 60)
        do {
            // A rollout holds the ledger's lock (as `patrol rollout` does) and has just written c3-cli.
            let store = try LedgerStore(path: fleet.ledgerPath, secret: "PAT_TOKEN", command: "patrol rollout")
            #expect(fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: "garrick0/c3-cli", value: new))
            let during = await fleet.run(["status", "--json"], environment: ["PAT_TOKEN": old])
            let states = try StatusTests.states(during.stdout)
            #expect(states["garrick0/c3-cli"]?["state"] as? String == "writing")
            #expect(states.values.filter { $0["state"] as? String == "current" }.count == 8)
            let text = await fleet.run(["status"], environment: ["PAT_TOKEN": old])
            #expect(text.stdout.contains("1 writing"))
            withExtendedLifetime(store) {}
        }
        // Once no run holds the lock, a write patrol has no record of is someone else's: drifted.
        var state: String?
        for _ in 0..<50 where state != "drifted" {
            try await Task.sleep(for: .milliseconds(20))
            let after = await fleet.run(["status", "--json"], environment: ["PAT_TOKEN": old])
            state = try StatusTests.states(after.stdout)["garrick0/c3-cli"]?["state"] as? String
        }
        #expect(state == "drifted")
    }
}
