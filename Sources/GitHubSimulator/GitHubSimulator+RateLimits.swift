import FoundationEssentials

extension GitHubSimulator {
    /// Turns GitHub's secondary rate limits on with `limits` (``SecondaryLimits/github`` for GitHub's own), or off with nil.
    public func setSecondaryLimits(_ limits: SecondaryLimits?) {
        state.withLock { state in
            state.secondaryLimits = limits
            state.secondaryUsage = SecondaryUsage()
        }
    }

    /// Delays every later response by `latency` plus a uniform draw from `0…jitter` (from the simulator's seed).
    public func setLatency(_ latency: Duration, jitter: Duration) {
        state.withLock { state in
            state.latency = latency
            state.latencyJitter = jitter
        }
    }

    /// Every secondary-limit answer since start or the last `resetLog()`, oldest first, with the pause it announced.
    public var limitAnswers: [LimitAnswer] {
        state.withLock { $0.limitAnswers }
    }
}

extension SimulatorState {
    /// This response's share of the jitter.
    mutating func drawJitter() -> Duration {
        guard latencyJitter > .zero else { return .zero }
        let fraction = Double(random.next() >> 11) / Double(1 << 53)
        let parts = latencyJitter.components
        let seconds = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        return .nanoseconds(Int64(seconds * fraction * 1e9))
    }
}
