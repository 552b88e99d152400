import FoundationEssentials
import PatrolSupport

/// Sends through another transport and retries what ``RetryPolicy`` allows: network failures, 5xx and
/// rate-limit answers on idempotent methods, with backoff. Every attempt passes the ``RequestGate`` first,
/// so with a ``RateLimitGate`` a rate-limited request is sent again only once the pause it announced is over.
public struct RetryingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let policy: RetryPolicy
    private let gate: any RequestGate
    private let clock: TimeSource
    private let random: @Sendable (ClosedRange<Double>) -> Double
    private let onRetry: (@Sendable (UnreachableNotice) -> Void)?

    /// - Parameters:
    ///   - clock: reads the time an answer came and waits between attempts; tests pass a virtual one.
    ///   - random: draws the jitter; tests pass a fixed one.
    ///   - onRetry: told before each wait that follows a host that could not be reached or did not answer in time.
    public init(
        _ base: any HTTPTransport,
        policy: RetryPolicy = RetryPolicy(),
        gate: any RequestGate = OpenGate(),
        clock: TimeSource,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) },
        onRetry: (@Sendable (UnreachableNotice) -> Void)? = nil
    ) {
        self.onRetry = onRetry
        self.base = base
        self.policy = policy
        self.gate = gate
        self.clock = clock
        self.random = random
    }

    /// Sends `request` up to `policy.maxAttempts` times; returns the last response with ``HTTPResponse/attempts`` set,
    /// or rethrows the last ``TransportError`` with its ``TransportError/attempts`` set.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var attempt = 1
        var unreachable: TransportError?
        while true {
            await gate.admit(request)
            do {
                var response = try await base.send(request)
                await gate.observe(response, for: request)
                guard policy.shouldRetry(request, response: response, attempt: attempt, now: clock.secondsSince1970) else {
                    response.attempts = attempt
                    return response
                }
            } catch {
                await gate.abandoned(request)
                guard var failure = error as? TransportError else { throw error }
                guard policy.shouldRetry(request, error: failure, attempt: attempt) else {
                    failure.attempts = attempt
                    throw failure
                }
                unreachable = failure.kind == .connect || failure.kind == .timeout ? failure : nil
            }
            attempt += 1
            let delay = policy.delay(beforeAttempt: attempt, random: random)
            if let failure = unreachable {
                onRetry?(UnreachableNotice(error: failure, delay: delay, attempt: attempt, maxAttempts: policy.maxAttempts))
                unreachable = nil
            }
            try await clock.sleep(delay)
        }
    }
}
