import FoundationEssentials
import PatrolSupport

/// A retry after the host could not be reached: `patrol: cannot reach HOST (reason); retrying in 1.2 s (attempt 2/5)`,
/// said on stderr as it happens so a slow failure is never silent.
public struct UnreachableNotice: Sendable, CustomStringConvertible {
    public let error: TransportError
    public let delay: Duration
    /// The attempt about to be made, and the most there will be.
    public let attempt: Int
    public let maxAttempts: Int

    public var description: String {
        let what = error.kind == .timeout ? "no answer in time from \(error.host)" : "cannot reach \(error.host)"
        let seconds = CFormat.string("%.1f", delay.seconds)
        return "patrol: \(what) (\(error.detail)); retrying in \(seconds) s (attempt \(attempt)/\(maxAttempts))"
    }

    package init(error: TransportError, delay: Duration, attempt: Int, maxAttempts: Int) {
        self.error = error
        self.delay = delay
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }
}
