import Foundation
import GitHubSimulator
@testable import PatrolSupport
import Testing
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Collects the transport's verbose lines.
final class VerboseLog: Sendable {
    private let log = Locked<[String]>([])
    var lines: [String] { log.withLock { $0 } }
    func append(_ line: String) { log.withLock { $0.append(line) } }
}

/// The transport against the GitHub simulator on loopback: what arrives at the server, and how connections are used.
@Suite("CurlTransport against the simulator")
struct CurlTransportSimulatorTests {
    /// A running simulator, a transport, and a token the simulator knows; both stop when the test ends.
    final class Rig: Sendable {
        let simulator = GitHubSimulator()
        let transport: CurlTransport
        let base: String
        let tokenText: String
        let verbose = VerboseLog()

        init(maxResponseBytes: Int = 8 << 20) throws {
            base = try simulator.start()
            tokenText = simulator.mintToken()
            // The transport knows no API: GitHub's headers are its caller's defaults, as GitHubClient sends them.
            transport = CurlTransport(configuration: TransportConfiguration(maxResponseBytes: maxResponseBytes,
                                                                            defaultHeaders: GitHubClient.standardHeaders,
                                                                            verbose: verbose.append))
        }

        var token: Token { Token(bytes: Array(tokenText.utf8)) }

        func get(_ path: String) -> HTTPRequest {
            HTTPRequest(method: .get, url: base + path, bearer: token)
        }

        deinit {
            transport.shutdown()
            simulator.stop()
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let rig = try Rig()
        for _ in 0..<20 {
            let response = try await rig.transport.send(rig.get("/user"))
            #expect(response.status == 200)
        }
        #expect(rig.simulator.counters.connectionsAccepted <= 2)
        #expect(rig.transport.connectionsOpened <= 2)
        #expect(rig.simulator.counters.total == 20)
    }

    @Test func concurrentRequestsAllCompleteInParallel() async throws {
        let rig = try Rig()
        rig.simulator.setLatency(.milliseconds(50))
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await rig.transport.send(rig.get("/user")).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 50)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(rig.simulator.counters.peakConcurrency > 1)
        #expect(rig.transport.peakInFlight > 1)
        #expect(rig.transport.peakInFlight <= TransportConfiguration.inFlightCeiling)
    }

    @Test func aRetriedGETSucceedsAfterTwo5xx() async throws {
        let rig = try Rig()
        rig.simulator.failNext(2, status: 502, matching: "/user")
        let retrying = RetryingTransport(rig.transport, clock: .immediate, random: { $0.lowerBound })
        let response = try await retrying.send(rig.get("/user"))
        #expect(response.status == 200)
        #expect(response.attempts == 3)
        #expect(rig.simulator.requests.map(\.status) == [502, 502, 200])
    }

    @Test func aDroppedConnectionIsRetriedOnGET() async throws {
        let rig = try Rig()
        rig.simulator.dropNext(1, matching: "/user")
        let retrying = RetryingTransport(rig.transport, clock: .immediate, random: { $0.lowerBound })
        let response = try await retrying.send(rig.get("/user"))
        #expect(response.status == 200)
        #expect(response.attempts == 2)
    }

    @Test func responseHeadersAreReadIgnoringCase() async throws {
        let rig = try Rig()
        let response = try await rig.transport.send(rig.get("/user"))
        let remaining = try #require(response.headers["X-RateLimit-Remaining"])
        #expect(Int(remaining) != nil)
        #expect(response.headers["x-ratelimit-remaining"] == remaining)
        #expect(response.headers["X-OAUTH-SCOPES"] != nil)
    }

    @Test func aBareTransportSendsNoGitHubHeadersButGitHubClientAddsThem() async throws {
        let simulator = GitHubSimulator()
        let base = try simulator.start()
        defer { simulator.stop() }
        let token = Token(bytes: Array(simulator.mintToken().utf8))
        let bare = CurlTransport()
        defer { bare.shutdown() }
        // Without GitHub's headers the simulator, like GitHub, refuses the request (no User-Agent: 403).
        let refused = try await bare.send(HTTPRequest(method: .get, url: base + "/user", bearer: token))
        #expect(refused.status == 403)
        #expect(simulator.requests.first?.userAgent == nil)
        let user = try await GitHubClient(transport: bare, base: try APIBase(base), credential: token).authenticatedUser()
        #expect(!user.login.isEmpty)
        let logged = try #require(simulator.requests.last)
        #expect(logged.accept == "application/vnd.github+json")
        #expect(logged.apiVersion == "2022-11-28")
        #expect(logged.userAgent == "patrol/\(Patrol.version)")
    }

    @Test func theServerSeesTheBearerTokenAndGitHubHeadersButVerboseLinesDoNot() async throws {
        let rig = try Rig()
        _ = try await rig.transport.send(rig.get("/user"))
        let logged = try #require(rig.simulator.requests.first)
        #expect(logged.authorization == "Bearer \(rig.tokenText)")
        #expect(logged.accept == "application/vnd.github+json")
        #expect(logged.apiVersion == "2022-11-28")
        #expect(logged.userAgent == "patrol/\(Patrol.version)")
        let lines = rig.verbose.lines
        #expect(lines.count == 2)
        #expect(lines.first == "→ GET \(rig.base)/user")
        #expect(lines.last?.hasPrefix("← 200 GET \(rig.base)/user (") == true)
        #expect(!lines.joined().contains(rig.tokenText))
    }

    @Test func aBodyOverTheCapIsATransportError() async throws {
        let rig = try Rig(maxResponseBytes: 16)
        let error = await #expect(throws: TransportError.self) { try await rig.transport.send(rig.get("/user")) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.description.contains("more than 16 bytes") == true)
    }
}
