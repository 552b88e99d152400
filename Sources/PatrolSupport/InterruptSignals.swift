import FoundationEssentials
import Glibc

/// SIGINT and SIGTERM for one run of patrol (spec §3, "Behaving like a Unix tool"). The signal handler only
/// writes the signal's number to a pipe; a thread of its own reads it and sets ``signal``. A command that stops
/// by itself (rollout, rotate, the simulator) says so with ``stopsGracefully()`` and watches ``signal`` or
/// ``wait()``; for any other command the first signal runs `onAbrupt`, which clears the terminal, says so and
/// ends the process. A second signal always runs `onAbrupt`: a user pressing Ctrl-C twice means it.
///
/// The handler is in place when ``catching(_:onAbrupt:)`` returns, and the pipe keeps the byte until the thread
/// reads it, so a signal that arrives early is not lost. (A dispatch signal source is armed asynchronously; a
/// signal sent in between was ignored, and the simulator then served forever.)
public final class InterruptSignals: Sendable {
    private struct State {
        package var signal: Int32?
        package var graceful = false
        package var waiters: [CheckedContinuation<Int32, Never>] = []
        package var cleanups: [Int: @Sendable () -> Void] = [:]
        package var nextCleanup = 0
    }

    private let state = Locked(State())
    private let onAbrupt: @Sendable (Int32) -> Void

    /// Signals that only ``deliver(_:)`` raises: for commands run in-process by tests, where nothing is caught.
    public init(onAbrupt: @escaping @Sendable (Int32) -> Void = { _ in }) {
        self.onAbrupt = onAbrupt
    }

    /// Catches `numbers` for the whole process from now on; throws when the pipe cannot be made.
    public static func catching(_ numbers: [Int32], onAbrupt: @escaping @Sendable (Int32) -> Void) throws(InterruptSignalsError) -> InterruptSignals {
        var ends: [Int32] = [-1, -1]
        // why: pipe writes exactly two descriptors into the two-element array.
        guard pipe(&ends) == 0 else { throw InterruptSignalsError(code: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // Non-blocking, so that a burst of signals filling the pipe can never block the handler.
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        interruptWriteEnd = ends[1]
        let signals = InterruptSignals(onAbrupt: onAbrupt)
        // A thread of its own: the read blocks, and the cooperative pool must not be held by it.
        let started = DetachedThread.start { [readEnd = ends[0]] in
            while true {
                var byte: UInt8 = 0
                // why: read writes at most one byte into `byte`.
                let count = read(readEnd, &byte, 1)
                if count < 0, errno == EINTR { continue }
                guard count == 1 else { return }
                signals.deliver(Int32(byte))
            }
        }
        guard started == 0 else { throw InterruptSignalsError(code: started) }
        for number in numbers { Glibc.signal(number, writeInterruptByte) }
        return signals
    }

    /// The first signal received, if any.
    public var signal: Int32? { state.withLock { $0.signal } }

    /// From now on the command stops by itself when signalled: the first signal only sets ``signal``.
    public func stopsGracefully() {
        state.withLock { $0.graceful = true }
    }

    /// Runs `body`, then `cleanup`; a signal that ends the process while `body` runs (see `onAbrupt`) runs `cleanup`
    /// first. For what a command must not leave behind even when interrupted, such as the demo's temporary folder.
    public func withCleanup<Result>(_ cleanup: @escaping @Sendable () -> Void, _ body: () async throws -> Result) async rethrows -> Result {
        let key = state.withLock { state -> Int in
            defer { state.nextCleanup += 1 }
            state.cleanups[state.nextCleanup] = cleanup
            return state.nextCleanup
        }
        defer {
            state.withLock { _ = $0.cleanups.removeValue(forKey: key) }
            cleanup()
        }
        return try await body()
    }

    /// Suspends until a signal has arrived (at once if one already has) and returns its number.
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let received = state.withLock { state -> Int32? in
                if let signal = state.signal { return signal }
                state.waiters.append(continuation)
                return nil
            }
            if let received { continuation.resume(returning: received) }
        }
    }

    /// Records `number` as received, as the handler's thread does.
    public func deliver(_ number: Int32) {
        let (waiters, abrupt) = state.withLock { state -> ([CheckedContinuation<Int32, Never>], Bool) in
            let first = state.signal == nil
            if first { state.signal = number }
            guard first, state.graceful else { return ([], true) }
            defer { state.waiters = [] }
            return (state.waiters, false)
        }
        if abrupt {
            for cleanup in state.withLock({ $0.cleanups.values }) { cleanup() }
            onAbrupt(number)
        }
        for waiter in waiters { waiter.resume(returning: number) }
    }
}

/// Why patrol could not set up its SIGINT/SIGTERM handling.
public struct InterruptSignalsError: Error, CustomStringConvertible {
    package let code: Int32

    public var description: String {
        "patrol cannot set up Ctrl-C handling (pipe: \(String(cString: strerror(code)))); free some file descriptors and try again"
    }

    package init(code: Int32) {
        self.code = code
    }
}

// Why nonisolated(unsafe): a signal handler can capture nothing, so it finds the pipe here.
// Written once by `InterruptSignals.catching` before the handler is installed, only read afterwards.
nonisolated(unsafe) private var interruptWriteEnd: Int32 = -1

/// The signal handler: the signal's number, one byte, into the pipe (write is async-signal-safe; errors, such as
/// a full pipe, are moot).
private func writeInterruptByte(_ number: Int32) {
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(interruptWriteEnd, &byte, 1)
}
