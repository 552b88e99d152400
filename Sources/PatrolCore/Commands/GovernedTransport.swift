import Foundation

extension RetryingTransport {
    /// The transport every command sends through: retries, and a ``RateLimitGate`` set from
    /// `--write-rate`/`--write-burst` that tells the user on stderr whenever GitHub makes it pause.
    static func governed(_ base: any HTTPTransport, options: RolloutOptions, console: Console,
                         policy: RetryPolicy = RetryPolicy()) -> RetryingTransport {
        let gate = RateLimitGate(.init(writeRate: options.writeRate, writeBurst: options.writeBurst), onPause: { pause in
            guard pause.isNew else { return }
            console.error(pause.notice)
        })
        return RetryingTransport(base, policy: policy, gate: gate, onRetry: { notice in console.error(notice.description) })
    }
}

extension RateGovernor.Pause {
    /// What patrol tells the user when it starts: `GitHub asked patrol to slow down; pausing 60 s`.
    var notice: String {
        let seconds = Int(self.seconds.rounded(.up))
        switch kind {
        case .secondary:
            return "GitHub asked patrol to slow down; pausing \(seconds) s, then uploading at \(Self.rate(writeRate)) a second"
        case .primary:
            return "GitHub's hourly request quota is used up; pausing \(seconds) s until it resets"
        }
    }

    private static func rate(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? String(Int(value.rounded())) : String(format: "%.2g", value)
    }
}
