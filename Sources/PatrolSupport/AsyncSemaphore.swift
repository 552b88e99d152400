
/// Lets at most `limit` tasks hold a slot at once; the others wait in order without blocking a thread.
package final class AsyncSemaphore: Sendable {
    private struct State {
        package var free: Int
        package var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Locked<State>

    package init(_ limit: Int) { state = Locked(State(free: max(1, limit))) }

    /// Runs `body` holding a slot.
    package func withSlot<T>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        // A waiter inherits the slot directly, so `free` never rises while someone waits.
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
