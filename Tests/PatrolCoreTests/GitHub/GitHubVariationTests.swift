import Foundation
import GitHubSimulator
@testable import PatrolSupport
import Testing
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// What GitHub varies that the simulator once hid (issue 10): who may manage secrets, Enterprise Server's
/// integer `key_id`, read-after-write lag, a key rotated again and again, fine-grained permissions.
@Suite("GitHub's real variations")
struct GitHubVariationTests {
    @Test("a bot with write (push) access, not admin, gets every repository's secret: GitHub's rule")
    func writeAccessIsEnough() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        for name in FleetHarness.fleet { fleet.simulator.setPermission(.write, on: name) }
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }

    @Test("GitHub Enterprise Server's integer key_id is accepted and sent back as the string; every secret opens to the token")
    func enterpriseIntegerKeyID() async throws {
        let fleet = try FleetHarness()
        fleet.simulator.serveEnterpriseShapes(version: "3.9.0")
        let token = fleet.mint()
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
        for name in FleetHarness.fleet {
            #expect(fleet.simulator.secret("PAT_TOKEN", in: name)?.keyID == fleet.simulator.repository(name)?.keyID)
        }
        // The shape really was the integer one, with Enterprise Server's header.
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let response = try await transport.send(HTTPRequest(
            method: .get, url: fleet.apiURL + "/repos/garrick0/c3-web/actions/secrets/public-key",
            headers: HTTPHeaders([("User-Agent", "patrol-test")]), bearer: Token(bytes: Array(token.utf8))))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(body["key_id"] is NSNumber && !(body["key_id"] is String))
        #expect(response.headers["x-github-enterprise-version"] == "3.9.0")
    }

    /// A rollout run directly, with its waits recorded instead of slept.
    static func rollout(_ fleet: FleetHarness, token: String) async throws -> (outcomes: [RepositoryOutcome], waits: [Duration]) {
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let held = Token(bytes: Array(token.utf8))
        let client = GitHubClient(transport: RetryingTransport(transport, clock: .system), base: try APIBase(fleet.apiURL), credential: held)
        // The store is released when its scope ends, not when the last reference to it happens to go: the next call
        // opens the same ledger at once.
        return try await LedgerStore.withStore({ try LedgerStore(path: fleet.ledgerPath, secret: "PAT_TOKEN") }) { store in
            var rollout = Rollout(client: client, token: held, secret: "PAT_TOKEN", targets: try fleet.config.secretTargets(), ledger: store)
            let waits = Locked<[Duration]>([])
            rollout.sleep = { duration in waits.withLock { $0.append(duration) } }
            let outcomes = await rollout.run()
            return (outcomes, waits.withLock { $0 })
        }
    }

    @Test("reads that lag the write by two reads: read again (1 s, then 1 s) and every repository is delivered")
    func readAfterWriteLag() async throws {
        let fleet = try FleetHarness()
        fleet.simulator.setReadAfterWriteLag(reads: 2)
        let token = fleet.mint()
        let (outcomes, waits) = try await Self.rollout(fleet, token: token)
        #expect(outcomes.allSatisfy { $0.succeeded }, "\(outcomes.compactMap { $0.reason })")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
        #expect(waits == Array(repeating: .seconds(1), count: 2 * 9))
        #expect(fleet.simulator.requests.filter { $0.route == "GET secret" }.count == 3 * 9)
    }

    @Test("reads that still miss the write after three tries over 2 s: reported absent, then not updated")
    func lagBeyondTheRetries() async throws {
        let fleet = try FleetHarness()
        fleet.simulator.setReadAfterWriteLag(reads: 3)
        let first = try await Self.rollout(fleet, token: fleet.mint())
        #expect(first.outcomes.allSatisfy { $0.reason?.contains("reported no secret PAT_TOKEN") == true })
        fleet.simulator.setReadAfterWriteLag(reads: 0)
        let token = fleet.mint()
        #expect(try await Self.rollout(fleet, token: token).outcomes.allSatisfy { $0.succeeded })
        fleet.simulator.advanceClock(by: 60)
        fleet.simulator.setReadAfterWriteLag(reads: 3)
        let (outcomes, waits) = try await Self.rollout(fleet, token: fleet.mint())
        #expect(outcomes.allSatisfy { $0.reason?.contains("the write did not take") == true })
        #expect(waits.count == 2 * 9)
    }

    @Test("a key rotated again and again over nine repositories: refetch, reseal, resend within five attempts; all delivered")
    func repeatedRotation() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let rotations = [1, 2, 3, 4, 1, 2, 3, 4, 2]
        for (name, count) in zip(FleetHarness.fleet, rotations) { fleet.simulator.rotatePublicKeyAfterFetches(of: name, count: count) }
        let run = await fleet.run(["rollout", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let attempts = Dictionary(uniqueKeysWithValues: try #require(report["repositories"] as? [[String: Any]]).map {
            ($0["repository"] as! String, $0["attempts"] as? Int)
        })
        for (name, count) in zip(FleetHarness.fleet, rotations) { #expect(attempts[name] == count + 1, "\(name)") }
    }

    @Test("a key that keeps rotating past the budget: five uploads, then the 422 is reported")
    func rotationBeyondTheBudget() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        fleet.simulator.rotatePublicKeyAfterFetches(of: "garrick0/c3-web", count: 10)
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1)
        #expect(fleet.simulator.requests.filter { $0.method == "PUT" && $0.path.contains("c3-web") }.count == 5)
        #expect(fleet.delivered().filter { $0.value == token }.count == 8)
    }

    @Test("fine-grained token without Actions: read: the workflow checks name the permission, and token.scopes fails")
    func fineGrainedWithoutActions() async throws {
        let fleet = try FleetHarness()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, kind: .fineGrained)
        try await fleet.rolledOut(token)
        fleet.simulator.setFineGrainedPermissions([.actions: .none], on: FleetHarness.platform, for: token)
        let report = try await fleet.doctor(token)
        #expect(report.ids(.fail) == ["token.scopes", "platform.handler.state", "platform.events"])
        for id in ["platform.handler.state", "platform.events"] {
            let check = try #require(report.check(id))
            #expect(check.detail.contains("actions=read"), "\(check.detail)")
            #expect(check.fix?.contains("Actions: Read on garrick0/c3-platform") == true, "\(check.fix ?? "")")
            #expect(check.fix?.contains("/settings/personal-access-tokens") == true)
        }
        let scopes = try #require(report.check("token.scopes"))
        #expect(scopes.detail.contains("actions=read on garrick0/c3-platform"), "\(scopes.detail)")
        #expect(scopes.fix?.contains("Actions: Read (doctor's workflow state and runs)") == true)
    }

    @Test("the simulator checks fine-grained permissions per area with GitHub's header and message, before the body")
    func simulatorPermissionAreas() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, kind: .fineGrained)
        let platform = FleetHarness.platform
        fleet.simulator.setFineGrainedPermissions([.secrets: .none, .actions: .none, .contents: .read, .issues: .read, .metadata: .read],
                                                  on: platform, for: token)
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        func send(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> HTTPResponse {
            try await transport.send(HTTPRequest(method: method, url: fleet.apiURL + "/repos/\(platform)" + path,
                                                 headers: HTTPHeaders([("User-Agent", "patrol-test"), ("Content-Type", "application/json")]),
                                                 bearer: Token(bytes: Array(token.utf8)), body: body.map { Array($0.utf8) }))
        }
        let cases: [(HTTPMethod, String, String?, String)] = [
            (.get, "/actions/secrets/public-key", nil, "secrets=read"),
            (.put, "/actions/secrets/X", "not json", "secrets=write"),
            (.get, "/actions/workflows/handle-events.yml", nil, "actions=read"),
            (.get, "/actions/workflows/handle-events.yml/runs", nil, "actions=read"),
            (.post, "/dispatches", "not json", "contents=write"),
            (.post, "/issues", "not json", "issues=write"),
        ]
        for (method, path, body, wanted) in cases {
            let response = try await send(method, path, body: body)
            #expect(response.status == 403, "\(method) \(path)")
            #expect(response.headers["x-accepted-github-permissions"] == wanted, "\(method) \(path)")
            #expect(String(decoding: response.body, as: UTF8.self).contains("Resource not accessible by personal access token"))
        }
        #expect(try await send(.get, "").status == 200)
        #expect(try await send(.get, "/issues").status == 200)
    }

    @Test("doctor: a rate limit that outlasts the retries is not repo.access's failure; ratelimit fails and says so")
    func doctorRateLimitIsNotAccess() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        StatusRobustnessTests.rateLimited(fleet, path: "/repos/garrick0/c3-web", times: 100)
        let report = try await fleet.doctor(token)
        let web = try fleet.repository("c3-web")
        #expect(report.check("repo.access", web)?.status == .skip)
        #expect(report.check("repo.access", web)?.detail.contains("rate limit") == true)
        #expect(report.check("ratelimit")?.status == .fail)
        #expect(report.ids(.fail) == ["ratelimit"])
        #expect(report.checks.filter { $0.id == "repo.access" && $0.status == .pass }.count == 8)
    }
}
