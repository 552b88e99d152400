import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("RateGovernor")
struct RateGovernorTests {
    static let start: TimeInterval = 1_800_000_000

    /// A governor driven by a fake clock, with the sending loop a gate would run.
    struct Driver {
        var governor: RateGovernor
        var now: TimeInterval = RateGovernorTests.start

        init(rate: Double = 2, burst: Int = 3, maxInFlight: Int = 100) {
            governor = RateGovernor(.init(writeRate: rate, writeBurst: burst, maxInFlight: maxInFlight), now: RateGovernorTests.start)
        }

        /// Sends `count` writes one after another as soon as allowed (each finishing at once); returns their send times
        /// relative to the start.
        mutating func sendWrites(_ count: Int) -> [TimeInterval] {
            (0..<count).map { _ in sendOne(write: true) - RateGovernorTests.start }
        }

        /// Waits as told and returns the time the request went out.
        mutating func sendOne(write: Bool) -> TimeInterval {
            var ticket: RateGovernor.Ticket?
            while true {
                switch governor.admit(write: write, ticket: &ticket, at: now) {
                case .send:
                    governor.finished()
                    return now
                case .wait(let until):
                    #expect(until > now)
                    now = until
                case .full:
                    Issue.record("unexpected full")
                    return now
                }
            }
        }

        mutating func observe(_ status: Int, _ headers: [(String, String)] = [], body: String = "") -> RateGovernor.Pause? {
            governor.observe(HTTPResponse(status: status, headers: HTTPHeaders(headers), body: Array(body.utf8)), at: now)
        }
    }

    static let secondary = #"{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#

    @Test func theBurstGoesAtOnceThenOneWriteEachInterval() {
        var driver = Driver(rate: 2, burst: 3)
        #expect(driver.sendWrites(6) == [0, 0, 0, 0.5, 1.0, 1.5])
    }

    @Test func readsNeverWaitForTheBucket() {
        var driver = Driver(rate: 1, burst: 1)
        _ = driver.sendWrites(3)
        let before = driver.now
        #expect(driver.sendOne(write: false) == before)
    }

    @Test func anIdleBucketRefillsUpToTheBurstOnly() {
        var driver = Driver(rate: 2, burst: 3)
        _ = driver.sendWrites(3)
        driver.now += 100
        let base = driver.now - Self.start
        #expect(driver.sendWrites(5).map { $0 - base } == [0, 0, 0, 0.5, 1.0])
    }

    @Test func waitingWritersHoldTheirTurnsInOrder() {
        var governor = RateGovernor(.init(writeRate: 1, writeBurst: 1), now: Self.start)
        var first: RateGovernor.Ticket?, second: RateGovernor.Ticket?, third: RateGovernor.Ticket?
        #expect(governor.admit(write: true, ticket: &first, at: Self.start) == .send)
        #expect(governor.admit(write: true, ticket: &second, at: Self.start) == .wait(until: Self.start + 1))
        #expect(governor.admit(write: true, ticket: &third, at: Self.start) == .wait(until: Self.start + 2))
        // The third writer wakes early: it keeps its turn rather than taking the second's.
        #expect(governor.admit(write: true, ticket: &third, at: Self.start + 1) == .wait(until: Self.start + 2))
        #expect(governor.admit(write: true, ticket: &second, at: Self.start + 1) == .send)
        #expect(governor.admit(write: true, ticket: &third, at: Self.start + 2) == .send)
    }

    @Test func aSecondaryLimitPausesEveryRequestForRetryAfterAndHalvesTheRate() throws {
        var driver = Driver(rate: 2, burst: 3)
        _ = driver.sendWrites(3)
        let pauseAnswer = driver.observe(403, [("retry-after", "30")], body: Self.secondary)
        let pause = try #require(pauseAnswer)
        #expect(pause == RateGovernor.Pause(kind: .secondary, seconds: 30, until: driver.now + 30, isNew: true, writeRate: 1))
        let announced = driver.now
        #expect(driver.sendOne(write: false) == announced + 30)
        // After the pause: no burst, writes at the halved rate (one a second).
        driver.now = announced + 30
        let base = driver.now - Self.start
        #expect(driver.sendWrites(3).map { ($0 - base).rounded() } == [0, 1, 2])
    }

    @Test func aLimitAnswerWithoutRetryAfterPausesSixtySecondsThenDoubles() throws {
        var driver = Driver()
        #expect(driver.observe(429, body: Self.secondary)?.seconds == 60)
        driver.now += 60
        #expect(driver.observe(403, body: Self.secondary)?.seconds == 120)
        driver.now += 120
        _ = driver.observe(201)
        #expect(driver.observe(403, body: Self.secondary)?.seconds == 60)
    }

    @Test func answersDuringAPauseExtendItWithoutHalvingAgain() throws {
        var driver = Driver(rate: 8, burst: 1)
        let firstAnswer = driver.observe(403, [("retry-after", "10")], body: Self.secondary)
        let first = try #require(firstAnswer)
        #expect(first.isNew && first.writeRate == 4)
        driver.now += 1
        let secondAnswer = driver.observe(403, [("retry-after", "10")], body: Self.secondary)
        let second = try #require(secondAnswer)
        #expect(!second.isNew && second.writeRate == 4)
        #expect(second.until == first.until + 1)
        // One already covered by the running pause changes nothing.
        #expect(driver.observe(403, [("retry-after", "2")], body: Self.secondary) == nil)
    }

    @Test func aTooManyRequestsAnswerWithRetryAfterCountsEvenWithoutTheWords() {
        var driver = Driver()
        #expect(driver.observe(429, [("retry-after", "5")])?.seconds == 5)
    }

    @Test func aPermissionErrorIsNotALimitAnswer() {
        var driver = Driver()
        #expect(driver.observe(403, [("x-ratelimit-remaining", "4999")], body: #"{"message": "Resource not accessible by integration"}"#) == nil)
        #expect(driver.governor.pausedUntil == 0)
    }

    @Test func theRateClimbsBackByATenthAMinuteAfterTheHalving() throws {
        var driver = Driver(rate: 10, burst: 1)
        let started = driver.observe(403, [("retry-after", "60")], body: Self.secondary)
        #expect(started != nil)
        let end = driver.now + 60
        #expect(driver.governor.writeRate(at: end) == 5)
        #expect(abs(driver.governor.writeRate(at: end + 60) - 6) < 1e-9)
        #expect(abs(driver.governor.writeRate(at: end + 150) - 7.5) < 1e-9)
        #expect(driver.governor.writeRate(at: end + 10_000) == 10)
    }

    @Test func repeatedEpisodesHalveAgainButNotBelowASixtyFourth() throws {
        var driver = Driver(rate: 64, burst: 1)
        for _ in 0..<10 {
            _ = driver.observe(403, [("retry-after", "1")], body: Self.secondary)
            driver.now += 1
        }
        #expect(driver.governor.writeRate(at: driver.now) >= 1)
        #expect(driver.governor.writeRate(at: driver.now) < 1.1)
    }

    @Test func anExhaustedQuotaWaitsForTheResetMeasuredOnGitHubsClock() throws {
        var driver = Driver(rate: 4, burst: 2)
        // GitHub's clock is 500 s ahead of ours: the wait is reset − GitHub's Date, not reset − our clock.
        let serverNow = driver.now + 500
        let headers = [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", String(Int(serverNow) + 42)),
                       ("date", HTTPDateFormat.format(serverNow))]
        let pauseAnswer = driver.observe(200, headers)
        let pause = try #require(pauseAnswer)
        #expect(pause.kind == .primary && pause.seconds == 42)
        #expect(pause.writeRate == 4)
        let announced = driver.now
        #expect(driver.sendOne(write: false) == announced + 42)
    }

    @Test func aPrimaryLimitRefusalIsRetriedAfterTheReset() throws {
        let response = HTTPResponse(status: 403, headers: HTTPHeaders([("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1800000100")]),
                                    body: Array(#"{"message": "API rate limit exceeded for user ID 1."}"#.utf8))
        let signal = try #require(RateLimitSignal(response, now: Self.start))
        #expect(signal.kind == .primary && signal.refused && signal.wait == 100)
        #expect(RetryPolicy().shouldRetry(HTTPRequest(method: .put, url: "https://api.github.com/x"), response: response, attempt: 1, now: Self.start))
        #expect(!RetryPolicy().shouldRetry(HTTPRequest(method: .post, url: "https://api.github.com/x"), response: response, attempt: 1, now: Self.start))
        #expect(!RetryPolicy().shouldRetry(HTTPRequest(method: .get, url: "https://api.github.com/x"), response: response, attempt: 5, now: Self.start))
    }

    @Test func neverMoreThanTheInFlightCeiling() {
        var governor = RateGovernor(.init(maxInFlight: 2), now: Self.start)
        var ticket: RateGovernor.Ticket?
        #expect(governor.admit(write: false, ticket: &ticket, at: Self.start) == .send)
        #expect(governor.admit(write: false, ticket: &ticket, at: Self.start) == .send)
        #expect(governor.admit(write: false, ticket: &ticket, at: Self.start) == .full)
        governor.finished()
        #expect(governor.admit(write: false, ticket: &ticket, at: Self.start) == .send)
    }

    @Test func theCeilingIsAHundredWhateverIsAsked() {
        #expect(RateGovernor.Settings(maxInFlight: 500).maxInFlight == 100)
    }
}

/// `Date` header text for a Unix time, for the tests.
enum HTTPDateFormat {
    static func format(_ time: TimeInterval) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: time))
    }
}

@Suite("RateLimitGate with RetryingTransport")
struct RateLimitGateTests {
    @Test func aRateLimitedPUTIsSentAgainAndThePauseIsAnnounced() async throws {
        let limited = HTTPResponse.json(429, RateGovernorTests.secondary, [("retry-after", "0")])
        let base = CannedTransport([limited, HTTPResponse(status: 201)])
        let pauses = SleepRecorder()
        let gate = RateLimitGate(.init(writeRate: 1, writeBurst: 5), clock: .immediate, onPause: { pauses.sleep(.seconds($0.seconds)) })
        let transport = RetryingTransport(base, gate: gate, clock: .immediate, random: { $0.lowerBound })
        let response = try await transport.send(HTTPRequest(method: .put, url: "https://api.github.com/x", body: []))
        #expect(response.status == 201)
        #expect(response.attempts == 2)
        #expect(base.sent.count == 2)
        #expect(pauses.sleeps == [.zero])
        #expect(gate.writeRate < 0.51)
    }

    @Test("a pause is waited out on the clock the gate is given: nothing passes until that clock reaches its end")
    func aPauseIsWaitedOutOnTheGivenClock() async throws {
        let clock = VirtualClock()
        let gate = RateLimitGate(.init(writeRate: 1, writeBurst: 5), clock: clock.source)
        let put = HTTPRequest(method: .put, url: "https://api.github.com/x", body: [])
        await gate.admit(put)
        await gate.observe(HTTPResponse.json(429, RateGovernorTests.secondary, [("retry-after", "30")]), for: put)
        let admitted = Locked(false)
        let waiter = Task {
            await gate.admit(put)
            admitted.withLock { $0 = true }
        }
        for _ in 0..<10_000 where clock.sleeping == 0 { await Task.yield() }
        try #require(clock.sleeping == 1, "the gate did not wait on the clock it was given")
        clock.advance(by: 29.9)
        for _ in 0..<100 { await Task.yield() }
        #expect(!admitted.withLock { $0 }, "let out 0.1 s before the pause ended")
        #expect(clock.sleeping == 1)
        clock.advance(by: 0.2)
        await waiter.value
        #expect(admitted.withLock { $0 })
    }
}
