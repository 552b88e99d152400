import Foundation
@testable import PatrolSupport
import Testing
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// A transport that plays back scripted outcomes and counts what it was sent.
final class OutcomeScript: HTTPTransport {
    enum Outcome: Sendable {
        case status(Int)
        case failure(TransportError.Kind)
    }

    private let script: Locked<[Outcome]>
    private let sent = Locked(0)

    init(_ outcomes: [Outcome]) { script = Locked(outcomes) }

    var sendCount: Int { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        sent.withLock { $0 += 1 }
        let next = script.withLock { $0.isEmpty ? Outcome.status(200) : $0.removeFirst() }
        switch next {
        case .status(let status): return HTTPResponse(status: status, body: Array("\(status)".utf8))
        case .failure(let kind): throw TransportError(kind: kind, detail: "scripted", method: request.method.rawValue, url: request.url)
        }
    }
}

/// Records the waits it is asked for instead of waiting.
final class SleepRecorder: Sendable {
    private let log = Locked<[Duration]>([])
    var sleeps: [Duration] { log.withLock { $0 } }
    func sleep(_ duration: Duration) { log.withLock { $0.append(duration) } }
}

/// A gate that counts admissions and observed statuses.
final class CountingGate: RequestGate {
    private let log = Locked<(admitted: Int, observed: [Int])>((0, []))
    var admitted: Int { log.withLock { $0.admitted } }
    var observed: [Int] { log.withLock { $0.observed } }
    func admit(_ request: HTTPRequest) async { log.withLock { $0.admitted += 1 } }
    func observe(_ response: HTTPResponse, for request: HTTPRequest) async { log.withLock { $0.observed.append(response.status) } }
}

@Suite("RetryingTransport")
struct RetryingTransportTests {
    let recorder = SleepRecorder()

    func retrying(_ base: OutcomeScript, gate: any RequestGate = OpenGate()) -> RetryingTransport {
        RetryingTransport(base, gate: gate, clock: TimeSource(now: Date.init, sleep: { [recorder] in recorder.sleep($0) }), random: { $0.upperBound })
    }

    let get = HTTPRequest(method: .get, url: "https://api.github.com/user")

    @Test func a5xxThenSuccessTakesTwoAttempts() async throws {
        let base = OutcomeScript([.status(502), .status(200)])
        let gate = CountingGate()
        let response = try await retrying(base, gate: gate).send(get)
        #expect(response.status == 200)
        #expect(response.attempts == 2)
        #expect(base.sendCount == 2)
        #expect(gate.admitted == 2)
        #expect(gate.observed == [502, 200])
        #expect(recorder.sleeps == [.seconds(1)])
    }

    @Test func aPOSTIsNeverResentAfterA5xx() async throws {
        let base = OutcomeScript([.status(500), .status(201)])
        let response = try await retrying(base).send(HTTPRequest(method: .post, url: "https://api.github.com/x", body: []))
        #expect(response.status == 500)
        #expect(response.attempts == 1)
        #expect(base.sendCount == 1)
    }

    @Test(arguments: [401, 404, 422, 403])
    func clientErrorsAreNotRetried(status: Int) async throws {
        let base = OutcomeScript([.status(status), .status(200)])
        let response = try await retrying(base).send(get)
        #expect(response.status == status)
        #expect(base.sendCount == 1)
    }

    @Test func givesUpAfterFiveAttemptsWithTheLastResponse() async throws {
        let base = OutcomeScript([.status(500), .status(502), .status(503), .status(500), .status(504), .status(200)])
        let response = try await retrying(base).send(HTTPRequest(method: .put, url: "https://api.github.com/x", body: []))
        #expect(response.status == 504)
        #expect(response.attempts == 5)
        #expect(base.sendCount == 5)
        #expect(recorder.sleeps == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
    }

    @Test func givesUpAfterFiveConnectionErrorsWithTheLastError() async throws {
        let base = OutcomeScript([.failure(.connect), .failure(.connect), .failure(.timeout), .failure(.connect), .failure(.connectionLost)])
        var last = TransportError(kind: .connectionLost, detail: "scripted", method: "GET", url: get.url)
        last.attempts = 5
        await #expect(throws: last) {
            try await retrying(base).send(get)
        }
        #expect(base.sendCount == 5)
    }

    @Test func aConnectionErrorOnGETIsRetried() async throws {
        let base = OutcomeScript([.failure(.connect), .status(200)])
        let response = try await retrying(base).send(get)
        #expect(response.status == 200)
        #expect(response.attempts == 2)
    }

    @Test(arguments: [TransportError.Kind.tooLarge, .cancelled, .tls, .invalidRequest])
    func permanentFailuresAreNotRetried(kind: TransportError.Kind) async throws {
        let base = OutcomeScript([.failure(kind), .status(200)])
        await #expect(throws: TransportError.self) { try await retrying(base).send(get) }
        #expect(base.sendCount == 1)
    }
}
