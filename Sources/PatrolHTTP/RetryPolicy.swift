import FoundationEssentials
import PatrolSupport

/// When to send a request again and how long to wait first: exponential backoff with full jitter.
public struct RetryPolicy: Sendable, Equatable {
    /// Sends per request, the first included.
    public var maxAttempts: Int
    /// The ceiling of the wait before the second attempt is twice this; each later ceiling doubles.
    public var baseDelay: Duration
    /// No wait is longer than this.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `n` (1-based): none before the first, then a uniform draw from
    /// `0…min(maxDelay, baseDelay·2^(n-1))` ("full jitter", so clients that failed together do not retry together).
    public func delay(beforeAttempt n: Int, random: (ClosedRange<Double>) -> Double) -> Duration {
        guard n > 1 else { return .zero }
        let base = baseDelay.seconds
        let ceiling = min(maxDelay.seconds, base * Double(sign: .plus, exponent: min(n - 1, 62), significand: 1))
        guard ceiling > 0 else { return .zero }
        let drawn = min(max(random(0...ceiling), 0), ceiling)
        return .nanoseconds(Int64((drawn * 1e9).rounded()))
    }

    /// True when a request whose attempt `attempt` ended with `status` should be sent again:
    /// a 5xx on an idempotent method (GET, PUT, DELETE), with attempts left. 4xx never is (401, 404, 422 …).
    public func shouldRetry(_ request: HTTPRequest, status: Int, attempt: Int) -> Bool {
        attempt < maxAttempts && request.method.isIdempotent && (500...599).contains(status)
    }

    /// True when a request whose attempt `attempt` got `response` at `now` (seconds since 1970) should be sent
    /// again: a 5xx as above, or a rate-limit answer (403/429, see ``RateLimitSignal``) on an idempotent method,
    /// with attempts left. The backoff below still applies; the pause GitHub asked for is the gate's to keep
    /// (``RateLimitGate``).
    public func shouldRetry(_ request: HTTPRequest, response: HTTPResponse, attempt: Int, now: TimeInterval) -> Bool {
        if shouldRetry(request, status: response.status, attempt: attempt) { return true }
        return attempt < maxAttempts && request.method.isIdempotent
            && RateLimitSignal(response, now: now)?.refused == true
    }

    /// True when a request whose attempt `attempt` failed with `error` should be sent again: a transient
    /// network failure on an idempotent method, or on any method when the request provably never left this machine.
    public func shouldRetry(_ request: HTTPRequest, error: TransportError, attempt: Int) -> Bool {
        attempt < maxAttempts && error.isTransient && (request.method.isIdempotent || error.neverReachedServer)
    }
}
