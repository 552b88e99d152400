import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// A request that took effect and whose answer was lost, on a connection an earlier request left open.
/// libcurl resends a request silently when a reused connection dies before any answer; for a POST that
/// reached GitHub that makes a second issue (spec §4: POSTs that reached the server are never retried).
@Suite("answers lost after the request took effect")
struct LostAnswerTests {
    @Test("a POST whose answer is lost on a reused connection is sent once: one issue, an error naming the POST")
    func postIsNotResent() async throws {
        let simulator = GitHubSimulator(seed: 7)
        let base = try simulator.start()
        defer { simulator.stop() }
        simulator.addRepository("garrick0/c3-platform")
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let client = GitHubClient(transport: RetryingTransport(transport, policy: RetryPolicy(), clock: .immediate),
                                  base: try APIBase(base), credential: Token(bytes: Array(simulator.mintToken().utf8)))
        let repository = try RepositoryName(owner: "garrick0", name: "c3-platform")
        // Opens the connection the POST will reuse.
        _ = try await client.openIssues(in: repository)
        simulator.loseNextAnswer(1, matching: "/repos/garrick0/c3-platform/issues")

        await #expect(throws: TransportError.self) {
            try await client.createIssue(in: repository, title: "token expires soon", body: "rotate it", labels: [])
        }
        #expect(simulator.issues(in: "garrick0/c3-platform").count == 1)
        #expect(simulator.requests.filter { $0.method == "POST" }.count == 1)
    }

    @Test("a PUT whose answer is lost is sent again and the secret holds the token")
    func putIsResent() async throws {
        let clock = VirtualClock()
        let fleet = try FleetHarness(seed: 8, clock: clock)
        let token = fleet.mint()
        fleet.simulator.loseNextAnswer(1, matching: "/repos/garrick0/c3-web/actions/secrets/PAT_TOKEN")
        let run = await FaultInjectionTests.rollout(fleet, token: token, clock: clock, exchanges: .init())
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
        #expect(fleet.simulator.requests.filter { $0.method == "PUT" && $0.path.hasSuffix("c3-web/actions/secrets/PAT_TOKEN") }.count == 2)
    }

    @Test("an upload whose connection drops every time is reported failed with all five attempts counted")
    func exhaustedUploadCountsEveryAttempt() async throws {
        let clock = VirtualClock()
        let fleet = try FleetHarness(seed: 9, clock: clock)
        let token = fleet.mint()
        fleet.simulator.dropNext(100, matching: "/repos/garrick0/c3-web/actions/secrets/PAT_TOKEN")
        let run = await FaultInjectionTests.rollout(fleet, token: token, clock: clock, exchanges: .init())
        #expect(run.code == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let web = try #require((report["repositories"] as? [[String: Any]])?.first { $0["repository"] as? String == "garrick0/c3-web" })
        #expect(web["status"] as? String == "failed")
        #expect(web["attempts"] as? Int == 5)
        #expect((web["error"] as? String)?.contains("PUT") == true)
        #expect(fleet.delivered().filter { $0.value == token }.count == 8)
    }
}
