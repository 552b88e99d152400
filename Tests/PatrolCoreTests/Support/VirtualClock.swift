import Foundation
@testable import PatrolSupport

/// A clock for tests whose time stands still until the test moves it: ``advance(by:)`` by hand, or
/// ``running(advancingWhen:_:)``, which jumps to the earliest wake-up whenever someone sleeps and the test's
/// condition says nothing else is under way (for patrol: no request in flight). Waits cost no wall time, and
/// no virtual time passes while a request travels, so what a test checks against it does not depend on
/// how fast the machine is (or how much a sanitizer slows it down).
final class VirtualClock: Sendable {
    private struct Sleeper {
        let id: UInt64
        let deadline: Int64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        /// Nanoseconds since 1970, kept whole so that every wait moves the clock by exactly what it asked.
        var now: Int64
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        /// Sleepers cancelled before they registered.
        var cancelled: Set<UInt64> = []
        /// Jumps made by ``running(advancingWhen:_:)``.
        var jumps = 0
    }

    /// `Locked`, not `Mutex`: ThreadSanitizer sees through a pthread mutex (see `Locked`), and this runs under it.
    private let state: Locked<State>

    /// A clock that starts at `start` (the wall clock's time by default, so tokens minted for "90 days from now" still are).
    init(start: Date = Date()) {
        state = Locked(State(now: Int64((start.timeIntervalSince1970 * 1e9).rounded())))
    }

    var now: Date { Date(timeIntervalSince1970: Double(state.withLock { $0.now }) / 1e9) }

    /// How many times the clock jumped to a wake-up by itself.
    var jumps: Int { state.withLock { $0.jumps } }

    /// Tasks waiting on this clock now.
    var sleeping: Int { state.withLock { $0.sleepers.count } }

    /// This clock as patrol takes it.
    var source: TimeSource {
        TimeSource(now: { [self] in now }, sleep: { [self] duration in try await sleep(for: duration) })
    }

    /// Returns once the clock has reached now + `duration`; throws `CancellationError` if the task is cancelled first.
    func sleep(for duration: Duration) async throws {
        guard duration > .zero else {
            try Task.checkCancellation()
            return
        }
        let parts = duration.components
        // Whole nanoseconds, a fraction rounded up: a wait never ends before the time it asked for.
        let nanoseconds = parts.seconds * 1_000_000_000 + (parts.attoseconds + 999_999_999) / 1_000_000_000
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelledAlready = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: state.now + nanoseconds, continuation: continuation))
                    return false
                }
                if cancelledAlready { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `seconds` and wakes every sleeper now due, earliest first.
    func advance(by seconds: TimeInterval) {
        let due = state.withLock { state in
            state.now += Int64((seconds * 1e9).rounded())
            return Self.takeDue(&state)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Runs `body` while the clock jumps to the earliest wake-up each time someone sleeps and `isIdle` holds.
    /// `isIdle` is asked with the clock's lock free; it is checked again, a millisecond of wall time later, each round.
    func running<Result>(advancingWhen isIdle: @escaping @Sendable () -> Bool,
                         _ body: () async throws -> Result) async rethrows -> Result {
        let driver = Task { [self] in
            while !Task.isCancelled {
                // Wall time here only paces this loop; the clock never reads it.
                try? await Task.sleep(for: .milliseconds(1))
                guard state.withLock({ !$0.sleepers.isEmpty }), isIdle() else { continue }
                let due = state.withLock { state -> [Sleeper] in
                    guard let earliest = state.sleepers.map(\.deadline).min() else { return [] }
                    state.now = max(state.now, earliest)
                    state.jumps += 1
                    return Self.takeDue(&state)
                }
                for sleeper in due { sleeper.continuation.resume() }
            }
        }
        defer { driver.cancel() }
        return try await body()
    }

    private static func takeDue(_ state: inout State) -> [Sleeper] {
        let now = state.now
        let due = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
        state.sleepers.removeAll { $0.deadline <= now }
        return due
    }
}

extension TimeSource {
    /// The wall clock's time and no waiting at all: for tests of what is retried, not of when.
    static let immediate = TimeSource(now: Date.init, sleep: { _ in try Task.checkCancellation() })
}
