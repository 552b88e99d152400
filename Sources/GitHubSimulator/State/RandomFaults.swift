/// Faults drawn per request from the simulator's seed, beside `faultRate`'s error answers: connections
/// dropped before the request is handled, and answers held back longer than a client waits (after the
/// request took effect, as when GitHub's answer is lost on the way).
struct RandomFaults: Sendable {
    var dropRate = 0.0
    var slowRate = 0.0
    var slowDelay: Duration = .zero
    /// What was injected, for the tests' figures.
    var injected = InjectedFaults()
    /// Indexes into the request log of the answers that were held back.
    var slowed: Set<Int> = []
}

/// How many faults of each kind the simulator injected at random since it started.
public struct InjectedFaults: Sendable, Equatable {
    /// Answers replaced by `faultRate`'s error status.
    public var errors = 0
    /// Connections closed without an answer.
    public var drops = 0
    /// Answers held back by `slowDelay`.
    public var slow = 0
}

extension SimulatorState {
    /// The random fault this request meets, if any: an error answer at `faultRate`, else a drop at the drop rate.
    mutating func drawRandomFault() -> Fault.Kind? {
        if faultRate > 0, drawUnit() < faultRate {
            randomFaults.injected.errors += 1
            return .fail(status: faultRateStatus)
        }
        if randomFaults.dropRate > 0, drawUnit() < randomFaults.dropRate {
            randomFaults.injected.drops += 1
            return .drop
        }
        return nil
    }

    /// The extra delay for the answer just logged: `slowDelay` at the slow rate, else none.
    mutating func drawSlowness() -> Duration {
        guard randomFaults.slowRate > 0, drawUnit() < randomFaults.slowRate else { return .zero }
        randomFaults.injected.slow += 1
        randomFaults.slowed.insert(log.count - 1)
        return randomFaults.slowDelay
    }

    private mutating func drawUnit() -> Double {
        Double(random.next() >> 11) / Double(1 << 53)
    }
}
