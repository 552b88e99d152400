import Foundation

extension GitHubSimulator {
    /// Closes a random fraction `rate` (0...1) of later connections without answering, before the request is
    /// handled; drawn from the simulator's seed. 0 turns it off.
    public func setDropRate(_ rate: Double) {
        state.withLock { $0.randomFaults.dropRate = min(1, max(0, rate)) }
    }

    /// Holds back a random fraction `rate` (0...1) of later answers by `delay`, after the request took effect
    /// (a client with a shorter timeout sees a write it cannot confirm); drawn from the seed. 0 turns it off.
    public func setSlowRate(_ rate: Double, delay: Duration) {
        state.withLock { state in
            state.randomFaults.slowRate = min(1, max(0, rate))
            state.randomFaults.slowDelay = delay
        }
    }

    /// The random faults injected since start, by kind.
    public var injectedFaults: InjectedFaults {
        state.withLock { $0.randomFaults.injected }
    }

    /// Whether the answer to `requests[index]` was held back by `setSlowRate` (the client may never have seen it).
    public func wasSlowed(_ index: Int) -> Bool {
        state.withLock { $0.randomFaults.slowed.contains(index) }
    }
}
