import Foundation
@testable import PatrolSupport
import Testing
@testable import GitHubSimulator

@Suite("HTTP server")
struct ServerTests {
    @Test func startReportsALoopbackURL() throws {
        let simulator = GitHubSimulator()
        let url = try simulator.start()
        defer { simulator.stop() }
        #expect(url.hasPrefix("http://127.0.0.1:"))
        #expect(simulator.apiURL == url)
        #expect((UInt16(url.split(separator: ":").last ?? "") ?? 0) > 0)
        #expect(throws: SimulatorError.alreadyStarted) { try simulator.start() }
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let first = try client.request("GET", "/user", token: fixture.token)
        let second = try client.request("GET", "/user", token: fixture.token)
        #expect(first.status == 200 && second.status == 200)
        #expect(first.header("connection") == "keep-alive")
        #expect(fixture.simulator.counters.connectionsAccepted == 1)
        #expect(fixture.simulator.counters.total == 2)
    }

    @Test func connectionCloseIsHonoured() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let response = try client.request("GET", "/user", token: fixture.token, headers: ["Connection": "close"])
        #expect(response.header("connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let head = "Host: x\r\nUser-Agent: t\r\nAuthorization: Bearer \(fixture.token)\r\n\r\n"
        client.write("GET /user HTTP/1.1\r\n\(head)GET /nowhere HTTP/1.1\r\n\(head)")
        #expect(try client.readResponse().status == 200)
        #expect(try client.readResponse().status == 404)
    }

    @Test(arguments: ["garbage\r\n\r\n", "GET nowhere HTTP/1.1\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                      "GET / HTTP/1.1\r\nno colon here\r\n\r\n", "PUT / HTTP/1.1\r\nContent-Length: -3\r\n\r\n"])
    func garbageGetsBadRequestAndClose(_ input: String) throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        client.write(input)
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(client.isClosedByServer())
        // The server still serves others.
        #expect(try fixture.client().request("GET", "/user", token: fixture.token).status == 200)
    }

    @Test func chunkedBodiesAreRefused() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        client.write("PUT /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(try client.readResponse().status == 411)
    }

    @Test func expectContinueGetsAnInterimResponse() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let body = #"{"encrypted_value":"","key_id":""}"#
        client.write(
            "PUT /repos/\(fixture.repository)/actions/secrets/PAT_TOKEN HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n"
                + "Authorization: Bearer \(fixture.token)\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        )
        #expect(try client.readResponse().status == 100)
        client.write(body)
        #expect(try client.readResponse().status == 422)
    }

    @Test func failNextAnswersTheStatusThenRecovers() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        fixture.simulator.failNext(2, status: 503)
        let failed = try client.request("GET", "/user", token: fixture.token)
        #expect(failed.status == 503)
        #expect(failed.json?["message"] as? String != nil)
        #expect(failed.header("x-github-request-id") != nil)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 503)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
        #expect(fixture.simulator.requests.map(\.status) == [503, 503, 200])
    }

    @Test func failNextMatchesItsPathPrefixOnly() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        fixture.simulator.failNext(1, matching: "/repos/")
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
        let key = try client.request("GET", "/repos/\(fixture.repository)/actions/secrets/public-key", token: fixture.token)
        #expect(key.status == 502)
        #expect(try client.request("GET", "/repos/\(fixture.repository)/actions/secrets/public-key", token: fixture.token).status == 200)
    }

    @Test func faultRateOneFailsEveryRequestAndZeroNone() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        fixture.simulator.setFaultRate(1, status: 500)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 500)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 500)
        fixture.simulator.setFaultRate(0)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
    }

    @Test func dropNextClosesWithoutAnswer() throws {
        let fixture = try Fixture()
        fixture.simulator.dropNext(1)
        let client = try fixture.client()
        #expect(throws: RawClient.ClientError.closed) { try client.request("GET", "/user", token: fixture.token) }
        #expect(try fixture.client().request("GET", "/user", token: fixture.token).status == 200)
        let log = fixture.simulator.requests
        #expect(log.map(\.dropped) == [true, false])
        #expect(log.first?.status == 0)
        #expect(fixture.simulator.counters.connectionsAccepted == 2)
    }

    @Test func latencyDelaysResponses() throws {
        let fixture = try Fixture(latency: .milliseconds(120))
        let client = try fixture.client()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
        #expect(clock.now - start >= .milliseconds(120))
        fixture.simulator.setLatency(.zero)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
    }

    @Test func concurrentClientsAreServedAndCounted() throws {
        let fixture = try Fixture(latency: .milliseconds(100))
        let url = fixture.url
        let token = fixture.token
        let statuses = Locked<[String]>([])
        let done = DispatchGroup()
        // Real threads, not tasks: the clients block, and the cooperative pool may be a single thread.
        for _ in 0..<8 {
            done.enter()
            Thread {
                let status: String
                do { status = String(try RawClient(apiURL: url).request("GET", "/user", token: token).status) } catch { status = "\(error)" }
                statuses.withLock { $0.append(status) }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(statuses.withLock { $0 } == Array(repeating: "200", count: 8))
        #expect(fixture.simulator.counters.connectionsAccepted == 8)
        #expect(fixture.simulator.counters.peakConcurrency >= 2)
    }

    @Test func releasingARunningSimulatorClosesItsConnections() throws {
        var simulator: GitHubSimulator? = GitHubSimulator()
        let url = try #require(try simulator?.start())
        let token = try #require(simulator?.mintToken())
        let client = try RawClient(apiURL: url)
        #expect(try client.request("GET", "/user", token: token).status == 200)
        simulator = nil
        #expect(client.isClosedByServer())
    }

    @Test func stopClosesIdleConnections() throws {
        let simulator = GitHubSimulator()
        let url = try simulator.start()
        let token = simulator.mintToken()
        let client = try RawClient(apiURL: url)
        #expect(try client.request("GET", "/user", token: token).status == 200)
        simulator.stop()
        #expect(client.isClosedByServer())
        #expect(throws: RawClient.ClientError.self) { try RawClient(apiURL: url) }
        simulator.stop()
    }
}
