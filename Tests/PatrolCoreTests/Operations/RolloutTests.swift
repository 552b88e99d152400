import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("rollout against the simulator")
struct RolloutTests {
    @Test("all nine repositories receive the token: each sealed box opens to it inside the simulator")
    func allNine() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        for (repository, plaintext) in fleet.delivered() {
            #expect(plaintext == token, "\(repository) holds something else")
        }
        #expect(run.stdout.contains("9/9 repositories verified"))
        #expect(!run.output.contains(token))
        // Preflight once, then key → PUT → verify per repository: 1 + 3 × 9 requests.
        #expect(fleet.simulator.requests.count == 28)
    }

    @Test("one repository missing: eight delivered, the ninth reported with its reason, exit 1")
    func oneMissing() async throws {
        let fleet = try FleetHarness()
        fleet.simulator.removeRepository("garrick0/c3-web")
        let token = fleet.mint()
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1)
        let delivered = fleet.delivered()
        #expect(delivered.values.filter { $0 == token }.count == 8)
        #expect(delivered["garrick0/c3-web"] == .some(nil))
        let line = try #require(run.stdout.split(separator: "\n").first { $0.contains("garrick0/c3-web") })
        #expect(line.contains("failed") && line.contains("404"))
        #expect(run.stdout.contains("8/9 repositories verified, 1 failed"))
        #expect(run.stderr.contains("--resume"))
    }

    @Test("a rejected token uploads nothing: the preflight and the keys sent with it are all it costs")
    func rejectedToken() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        fleet.simulator.revokeToken(token)
        let run = await rolloutWithPreflightHeld(fleet, token: token)
        #expect(run.code == 4)  // spec §3.2: the credential is the problem
        let requests = fleet.simulator.requests
        // Spec §8: the keys go out with the preflight (they are public); its failure sends nothing more.
        #expect(requests.filter { $0.path == "/user" }.count == 1)
        #expect(requests.filter { $0.path.hasSuffix("/actions/secrets/public-key") }.count == 9)
        #expect(requests.count == 10)
        #expect(fleet.uploads == 0)
        #expect(run.stderr.contains("Bad credentials"))
        #expect(!run.stdout.contains("c3-"), "no repository line after a failed preflight: \(run.stdout)")
    }

    @Test("a token without the workflow scope: every key fetched with the preflight, zero uploads, the scope named")
    func missingScope() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint(scopes: ["repo"])
        let run = await rolloutWithPreflightHeld(fleet, token: token)
        #expect(run.code == 4)  // spec §3.2: the credential is the problem
        let keys = fleet.simulator.requests.filter { $0.path.hasSuffix("/actions/secrets/public-key") }
        #expect(keys.count == 9 && keys.allSatisfy { $0.status == 200 }, "\(keys)")
        #expect(fleet.uploads == 0)
        #expect(fleet.simulator.requests.count == 10)
        #expect(run.stderr.contains("lacks the scope workflow"))
        #expect(!run.stdout.contains("c3-"), "no repository line after a failed preflight: \(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: fleet.ledgerPath))
    }

    /// Runs `rollout` with the preflight's answer held until the nine key fetches have reached the simulator, so the
    /// test sees that the keys go out with the preflight, not how fast a loaded machine started them. Keys that waited
    /// for the preflight would never arrive while it is held: the wait gives up after 60 s and the count falls short.
    private func rolloutWithPreflightHeld(_ fleet: FleetHarness, token: String) async -> FleetHarness.Run {
        fleet.simulator.holdAnswers(matching: "/user")
        let running = Task { await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]) }
        let deadline = Date().addingTimeInterval(60)
        while fleet.simulator.requests.filter({ $0.path.hasSuffix("/actions/secrets/public-key") }).count < 9, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        fleet.simulator.releaseAnswers()
        return await running.value
    }

    @Test("a larger fleet with a refused token: no repository starts beyond those fetching keys with the preflight")
    func refusedBeyondFirstWave() async throws {
        let fleet = try FleetHarness(latency: .milliseconds(20))
        try fleet.useLargerFleet(of: 50)
        let token = fleet.mint(scopes: ["repo"])
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 4, "\(run.output)")
        // At most 2 × --concurrency repositories are in progress, so at most that many keys precede the verdict.
        let keys = fleet.simulator.requests.filter { $0.path.hasSuffix("/actions/secrets/public-key") }.count
        #expect(keys <= 2 * Rollout.defaultConcurrency, "\(keys) keys fetched")
        #expect(fleet.uploads == 0)
    }

    @Test("a token that never expires is refused unless the policy allows it")
    func noExpiry() async throws {
        let strict = try FleetHarness()
        let forever = strict.mint(expiresAt: nil)
        let refused = await strict.run(["rollout"], environment: ["PAT_TOKEN": forever])
        #expect(refused.code == 4)  // spec §3.2: the credential is the problem
        #expect(refused.stderr.contains("never expires"))
        #expect(strict.uploads == 0)

        let lenient = try FleetHarness(policy: #"{"allowNoExpiration": true}"#)
        let allowed = await lenient.run(["rollout"], environment: ["PAT_TOKEN": lenient.mint(expiresAt: nil)])
        #expect(allowed.code == 0, "\(allowed.output)")
        #expect(allowed.stderr.contains("warning: the token never expires"))
    }

    @Test("a mistyped token is caught offline: exit 2 and no request at all")
    func mistyped() async throws {
        let fleet = try FleetHarness()
        var token = fleet.mint()
        token.removeLast()
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 2)
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("--token VALUE is refused with exit 2, without echoing the value, and nothing is sent")
    func tokenOnCommandLine() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let run = await fleet.run(["rollout", "--token", token])
        #expect(run.code == 2)
        #expect(!run.output.contains(token))
        #expect(run.stderr.contains("--token-stdin"))
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("plain http to a host that is not loopback is refused before any request")
    func plainHTTP() async throws {
        let fleet = try FleetHarness()
        let run = await fleet.run(["rollout", "--api-url", "http://api.example.com"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 2)
        #expect(run.stderr.contains("http://api.example.com"))
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("--dry-run fetches every key and seals, uploads nothing, writes no ledger")
    func dryRun() async throws {
        let fleet = try FleetHarness()
        let run = await fleet.run(["rollout", "--dry-run"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.uploads == 0)
        #expect(fleet.simulator.requests.filter { $0.path.hasSuffix("/public-key") }.count == 9)
        #expect(!FileManager.default.fileExists(atPath: fleet.ledgerPath))
        #expect(run.stdout.contains("dry run"))
    }

    @Test("--repos rolls out to the named subset only")
    func subset() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let run = await fleet.run(["rollout", "--repos", "c3-shared,garrick0/c3-web"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        let delivered = fleet.delivered().filter { $0.value == token }.keys.sorted()
        #expect(delivered == ["garrick0/c3-shared", "garrick0/c3-web"])
    }

    @Test("--json prints one document with the spec's keys")
    func json() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let run = await fleet.run(["rollout", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["command"] as? String == "rollout")
        #expect(document["secret"] as? String == "PAT_TOKEN")
        let tokenInfo = try #require(document["token"] as? [String: Any])
        #expect(tokenInfo["login"] as? String == "garrick0")
        #expect((tokenInfo["fingerprint"] as? String)?.hasPrefix("sha256:") == true)
        #expect(tokenInfo["expiresAt"] is String)
        let repositories = try #require(document["repositories"] as? [[String: Any]])
        #expect(repositories.count == 9)
        let first = try #require(repositories.first)
        #expect(first["status"] as? String == "created")
        #expect(first["httpStatus"] as? Int == 201)
        #expect(first["attempts"] as? Int == 1)
        #expect(first["error"] is NSNull)
        #expect(first["secretUpdatedAt"] is String)
        #expect(document["summary"] as? [String: Int] == ["total": 9, "succeeded": 9, "failed": 0])
    }

    @Test("a second rollout updates (204), and the ledger records the fingerprint, never the token")
    func secondRunAndLedger() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        _ = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        let again = await fleet.run(["rollout", "--json"], environment: ["PAT_TOKEN": token])
        #expect(again.code == 0)
        #expect(again.stdout.contains(#""status": "updated""#))
        let ledger = try String(contentsOfFile: fleet.ledgerPath, encoding: .utf8)
        #expect(!ledger.contains(token))
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint.value
        #expect(ledger.contains(fingerprint))
        let store = try LedgerStore(path: fleet.ledgerPath, secret: "PAT_TOKEN")
        let snapshot = await store.snapshot
        #expect(snapshot.currentToken?.fingerprint.value == fingerprint)
        #expect(snapshot.targets.count == 9)
        #expect(snapshot.history.count == 2)
    }

    @Test("--resume uploads only where the ledger says the token is not yet held")
    func resume() async throws {
        let fleet = try FleetHarness()
        fleet.simulator.removeRepository("garrick0/c3-bff")
        let token = fleet.mint()
        let first = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(first.code == 1)
        fleet.simulator.addRepository("garrick0/c3-bff")
        let before = fleet.uploads
        let resumed = await fleet.run(["rollout", "--resume"], environment: ["PAT_TOKEN": token])
        #expect(resumed.code == 0, "\(resumed.output)")
        #expect(fleet.uploads - before == 1)
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }

    @Test("a 401 in the middle of the run stops it: the rest are not attempted")
    func stopsOnUnauthorized() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let caller = fleet.mint()
        fleet.simulator.revokeToken(caller)
        let run = await fleet.run(["rollout", "--auth-env", "GH_TOKEN", "--concurrency", "1"],
                                  environment: ["PAT_TOKEN": token, "GH_TOKEN": caller])
        #expect(run.code == 4)  // spec §3.2: the credential is the problem
        #expect(fleet.uploads == 0)
        // /user with the token, then the key of the first repository with the rejected caller, and at most one more:
        // the next repository's key, fetched ahead, if it left before the 401 came back. Nothing after.
        #expect((2...3).contains(fleet.simulator.requests.count), "\(fleet.simulator.requests.map { "\($0.method) \($0.path)" })")
        #expect(run.stdout.contains("not attempted"))
    }

    @Test("a 5xx on an upload is retried and the repository still succeeds")
    func retriesServerErrors() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        fleet.simulator.failNext(2, status: 502, matching: "/repos/garrick0/c3-shared/actions/secrets/PAT_TOKEN")
        let run = await fleet.run(["rollout", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.delivered()["garrick0/c3-shared"] == .some(token))
        // Two 502s, then 201: three uploads sent for that repository.
        #expect(run.stdout.contains(#""attempts": 3"#))
    }

    @Test("a key rotated between GET and PUT: one fresh key, one retry, delivered")
    func rotatedKey() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        fleet.simulator.rotatePublicKeyAfterNextFetch(of: "garrick0/c3-parsing")
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.delivered()["garrick0/c3-parsing"] == .some(token))
        #expect(fleet.simulator.requests.filter { $0.path == "/repos/garrick0/c3-parsing/actions/secrets/public-key" }.count == 2)
    }
}

@Suite("rollout verification")
struct RolloutVerificationTests {
    @Test("an upload GitHub acknowledged but did not keep is caught by the read-back and reported failed")
    func lostWrite() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        _ = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        // A minute later a new token goes out; one repository's write is acknowledged but lost.
        fleet.simulator.advanceClock(by: 60)
        let next = fleet.mint()
        fleet.simulator.loseNextWrite(to: "garrick0/c3-cli")
        let run = await fleet.run(["rotate"], environment: ["PAT_TOKEN": next])
        #expect(run.code == 1)
        let line = try #require(run.stdout.split(separator: "\n").first { $0.contains("garrick0/c3-cli") })
        #expect(line.contains("the write did not take"))
        #expect(fleet.delivered()["garrick0/c3-cli"] == .some(token))
        let ledger = await (try LedgerStore(path: fleet.ledgerPath, secret: "PAT_TOKEN")).snapshot
        #expect(ledger.targets["repo:garrick0/c3-cli"]?.fingerprint == Token(bytes: Array(token.utf8)).fingerprint)
        #expect(ledger.targets["repo:garrick0/c3-web"]?.fingerprint == Token(bytes: Array(next.utf8)).fingerprint)
    }
}
