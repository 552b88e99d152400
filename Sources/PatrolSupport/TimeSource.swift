import FoundationEssentials

/// Where patrol reads the time and how it waits. The command line's top level makes the ``system`` one and
/// hands it down to everything that decides by the time (retries, the rate-limit gate, read-back waits), so a
/// test can run the same code on a virtual clock that moves only when it says so.
public struct TimeSource: Sendable {
    /// The current time. A wall-clock time, because GitHub's reset times and `Date` headers are.
    public let now: @Sendable () -> Date
    /// Waits `duration` (returns at once for zero or less); throws `CancellationError` when the task is cancelled first.
    public let sleep: @Sendable (Duration) async throws -> Void

    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The machine's clock: `Date()` and `Task.sleep`.
    public static let system = TimeSource(now: Date.init, sleep: { try await Task.sleep(for: $0) })

    /// Seconds since 1970 now (the unit of GitHub's `x-ratelimit-reset`).
    public var secondsSince1970: TimeInterval { now().timeIntervalSince1970 }
}
