import FoundationEssentials
import PatrolSupport
import PatrolHTTP

/// The ``RequestGate`` that runs a ``RateGovernor`` on the clock it is given: writes wait for their turn in the
/// bucket, every request waits out a pause, and at most `maxInFlight` are out at once. Because
/// ``RetryingTransport`` passes every attempt through here, its retries share the same clock.
public final class RateLimitGate: RequestGate {
    private struct Shared {
        package var governor: RateGovernor
        /// Requests waiting for an in-flight slot, oldest first.
        package var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let shared: Locked<Shared>
    private let clock: TimeSource
    private let onPause: @Sendable (RateGovernor.Pause) -> Void

    /// - Parameters:
    ///   - clock: the time the governor decides by (GitHub's reset times are Unix times) and how a request waits
    ///     its turn; tests pass a virtual one.
    ///   - onPause: told of every pause that starts or grows, to tell the user.
    public init(_ settings: RateGovernor.Settings, clock: TimeSource,
                onPause: @escaping @Sendable (RateGovernor.Pause) -> Void = { _ in }) {
        self.clock = clock
        self.onPause = onPause
        shared = Locked(Shared(governor: RateGovernor(settings, now: clock.secondsSince1970)))
    }

    /// Requests let out and not yet answered (a test's virtual clock moves only while this is zero, so that no
    /// time passes while a request travels).
    public var inFlight: Int { shared.withLock { $0.governor.inFlight } }

    /// The governor's current write rate (lower than configured after a limit answer).
    public var writeRate: Double { shared.withLock { $0.governor.writeRate(at: clock.secondsSince1970) } }

    public func admit(_ request: HTTPRequest) async {
        let write = request.method != .get
        var ticket: RateGovernor.Ticket?
        while true {
            if Task.isCancelled {
                shared.withLock { $0.governor.forceAdmit() }
                return
            }
            let now = clock.secondsSince1970
            switch shared.withLock({ $0.governor.admit(write: write, ticket: &ticket, at: now) }) {
            case .send:
                return
            case .wait(let until):
                // Whole microseconds, rounded up and at least one, so that a wait always moves past a time that
                // seconds in a Double cannot tell apart from `until`. A cancelled wait ends early; the loop's next
                // turn sees the cancellation and lets the request out.
                try? await clock.sleep(.microseconds(max(1, Int64(((until - now) * 1e6).rounded(.up)))))
            case .full:
                await withCheckedContinuation { continuation in
                    let free = shared.withLock { shared in
                        guard shared.governor.inFlight >= shared.governor.settings.maxInFlight else { return true }
                        shared.waiting.append(continuation)
                        return false
                    }
                    if free { continuation.resume() }
                }
            }
        }
    }

    public func observe(_ response: HTTPResponse, for request: HTTPRequest) async {
        let now = clock.secondsSince1970
        let (pause, next) = shared.withLock { shared in
            shared.governor.finished()
            return (shared.governor.observe(response, at: now), shared.waiting.isEmpty ? nil : shared.waiting.removeFirst())
        }
        next?.resume()
        if let pause { onPause(pause) }
    }

    public func abandoned(_ request: HTTPRequest) async {
        let next = shared.withLock { shared in
            shared.governor.finished()
            return shared.waiting.isEmpty ? nil : shared.waiting.removeFirst()
        }
        next?.resume()
    }
}
