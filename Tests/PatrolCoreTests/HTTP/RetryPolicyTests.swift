import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("RetryPolicy")
struct RetryPolicyTests {
    let policy = RetryPolicy()

    @Test func noWaitBeforeTheFirstAttempt() {
        #expect(policy.delay(beforeAttempt: 1) { $0.upperBound } == .zero)
    }

    @Test(arguments: [(2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (40, 8.0)])
    func ceilingDoublesUpToTheCap(attempt: Int, ceiling: Double) {
        var asked: ClosedRange<Double>?
        let delay = policy.delay(beforeAttempt: attempt) { range in
            asked = range
            return range.upperBound
        }
        #expect(asked == 0...ceiling)
        #expect(delay == .nanoseconds(Int64(ceiling * 1e9)))
    }

    @Test func fullJitterUsesTheDrawnValue() {
        #expect(policy.delay(beforeAttempt: 4) { _ in 1.25 } == .milliseconds(1250))
        #expect(policy.delay(beforeAttempt: 4) { $0.lowerBound } == .zero)
    }

    @Test func aRandomSourceOutOfRangeIsClamped() {
        #expect(policy.delay(beforeAttempt: 2) { _ in 99 } == .seconds(1))
        #expect(policy.delay(beforeAttempt: 2) { _ in -3 } == .zero)
    }

    @Test func decisions() {
        let get = HTTPRequest(method: .get, url: "https://api.github.com/user")
        let post = HTTPRequest(method: .post, url: "https://api.github.com/x")
        #expect(policy.shouldRetry(get, status: 502, attempt: 1))
        #expect(!policy.shouldRetry(get, status: 502, attempt: 5))
        #expect(!policy.shouldRetry(post, status: 502, attempt: 1))
        for status in [401, 403, 404, 422, 429] { #expect(!policy.shouldRetry(get, status: status, attempt: 1)) }
        let refused = TransportError(kind: .connect, detail: "refused", method: "POST", url: post.url)
        let timedOut = TransportError(kind: .timeout, detail: "slow", method: "POST", url: post.url)
        #expect(policy.shouldRetry(post, error: refused, attempt: 1), "a POST that never left may be sent again")
        #expect(!policy.shouldRetry(post, error: timedOut, attempt: 1), "a POST that may have arrived is not sent again")
        #expect(policy.shouldRetry(get, error: timedOut, attempt: 1))
        let tooLarge = TransportError(kind: .tooLarge, detail: "big", method: "GET", url: get.url)
        #expect(!policy.shouldRetry(get, error: tooLarge, attempt: 1))
    }
}
