/// Faults drawn per request from the simulator's seed, beside `faultRate`'s error answers: dropped
/// connections (half before the request is handled, half after it took effect, the answer lost on the way),
/// and answers held back longer than a client waits (also after the request took effect).
struct RandomFaults: Sendable {
    var dropRate = 0.0
    var slowRate = 0.0
    var slowDelay: Duration = .zero
    /// The request being answered drew a drop after its effect.
    var dropAfterAnswer = false
    /// Queued by `loseNextAnswer`: requests whose answer is dropped after they took effect.
    var queuedLosses: [Fault] = []
    /// What was injected, for the tests' figures.
    var injected = InjectedFaults()
    /// Indexes into the request log of the answers dropped after the effect or held back.
    var unseen: Set<Int> = []
    /// The subset of `unseen` that was dropped.
    var droppedAfterEffect: Set<Int> = []
}

/// How many faults of each kind the simulator injected at random since it started.
public struct InjectedFaults: Sendable, Equatable {
    /// Answers replaced by `faultRate`'s error status.
    public var errors = 0
    /// Connections closed without an answer, before the request was handled.
    public var drops = 0
    /// Connections closed without an answer after the request took effect.
    public var lostAnswers = 0
    /// Answers held back by `slowDelay`.
    public var slow = 0
}

extension SimulatorState {
    /// The random fault this request meets, if any: an error answer at `faultRate`, else a drop at the drop rate.
    /// A queued lost answer for `path` comes first.
    mutating func drawRandomFault(for path: String) -> Fault.Kind? {
        if let index = randomFaults.queuedLosses.firstIndex(where: { $0.matches(path) }) {
            randomFaults.queuedLosses[index].remaining -= 1
            if randomFaults.queuedLosses[index].remaining == 0 { randomFaults.queuedLosses.remove(at: index) }
            randomFaults.dropAfterAnswer = true
            return nil
        }
        if faultRate > 0, drawUnit() < faultRate {
            randomFaults.injected.errors += 1
            return .fail(status: faultRateStatus)
        }
        if randomFaults.dropRate > 0, drawUnit() < randomFaults.dropRate {
            if random.next() & 1 == 0 {
                randomFaults.injected.drops += 1
                return .drop
            }
            randomFaults.dropAfterAnswer = true
        }
        return nil
    }

    /// What happens to the answer just logged after the request took effect: dropped when the request drew a
    /// late drop, else held back by `slowDelay` at the slow rate (the returned extra delay).
    mutating func holdBack(_ reply: inout ServerReply) -> Duration {
        if randomFaults.dropAfterAnswer {
            randomFaults.dropAfterAnswer = false
            randomFaults.injected.lostAnswers += 1
            randomFaults.unseen.insert(log.count - 1)
            randomFaults.droppedAfterEffect.insert(log.count - 1)
            reply = .drop
            return .zero
        }
        guard randomFaults.slowRate > 0, drawUnit() < randomFaults.slowRate else { return .zero }
        randomFaults.injected.slow += 1
        randomFaults.unseen.insert(log.count - 1)
        return randomFaults.slowDelay
    }

    private mutating func drawUnit() -> Double {
        Double(random.next() >> 11) / Double(1 << 53)
    }
}
