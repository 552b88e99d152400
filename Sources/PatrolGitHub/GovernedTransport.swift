import FoundationEssentials
import PatrolSupport
import PatrolHTTP

extension RetryingTransport {
    /// The transport every command sends through: retries, and a ``RateLimitGate`` with `settings` (the
    /// command line's `--write-rate`/`--write-burst`) that tells `tell` whenever GitHub makes it pause or a
    /// request is retried; both wait and read the time on `clock`.
    package static func governed(_ base: any HTTPTransport, settings: RateGovernor.Settings, clock: TimeSource,
                                 tell: @escaping @Sendable (String) -> Void, policy: RetryPolicy = RetryPolicy(),
                                 watchGate: (@Sendable (RateLimitGate) -> Void)? = nil) -> RetryingTransport {
        let gate = RateLimitGate(settings, clock: clock, onPause: { pause in
            guard pause.isNew else { return }
            tell(pause.notice)
        })
        watchGate?(gate)
        return RetryingTransport(base, policy: policy, gate: gate, clock: clock, onRetry: { notice in tell(notice.description) })
    }
}

extension RateGovernor.Pause {
    /// What patrol tells the user when it starts: `GitHub asked patrol to slow down; pausing 60 s`.
    package var notice: String {
        let seconds = Int(self.seconds.rounded(.up))
        switch kind {
        case .secondary:
            return "GitHub asked patrol to slow down; pausing \(seconds) s, then uploading at \(Self.rate(writeRate)) a second"
        case .primary:
            return "GitHub's hourly request quota is used up; pausing \(seconds) s until it resets"
        }
    }

    private static func rate(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? String(Int(value.rounded())) : CFormat.string("%.2g", value)
    }
}
