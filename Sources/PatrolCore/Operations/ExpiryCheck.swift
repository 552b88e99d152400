import FoundationEssentials
import PatrolSupport

/// How close the token is to the end of its life (spec §3.5), in rising order of urgency.
public enum ExpiryStatus: String, Sendable, CaseIterable {
    /// More than `warnDays` left, and younger than `rotationDays`.
    case ok
    /// `warnDays` or fewer left, or older than `rotationDays`.
    case warning
    /// `criticalDays` or fewer left.
    case critical
    /// The date is past, or GitHub rejected the token (401).
    case expired
    /// The token never expires: a leaked copy would work forever.
    case noExpiration = "no-expiration"
    /// No data: no ledger, no current token, or a date patrol does not trust.
    case unknown

    /// 0 ok; 3 warning and no-expiration; 4 critical and expired (spec §3.2); 1 unknown, since the check could not be made.
    public var exitCode: ExitCode {
        switch self {
        case .ok: .success
        case .warning, .noExpiration: .warning
        case .critical, .expired: .critical
        case .unknown: .failure
        }
    }

    /// True for the statuses alerts fire on: warning, no-expiration, critical and expired.
    public var needsAttention: Bool {
        switch self {
        case .warning, .noExpiration, .critical, .expired: true
        case .ok, .unknown: false
        }
    }
}

/// The day counts a status is judged by: the policy's, or `--warn-days`/`--critical-days`.
public struct ExpiryThresholds: Sendable, Equatable {
    public var warnDays: Int
    public var criticalDays: Int
    /// A token older than this many days warns even when its expiry is far off.
    public var rotationDays: Int

    public init(warnDays: Int, criticalDays: Int, rotationDays: Int) {
        self.warnDays = warnDays
        self.criticalDays = criticalDays
        self.rotationDays = rotationDays
    }

    /// The policy's thresholds, each replaced by its flag when given.
    public init(policy: TokenPolicy, warnDays: Int? = nil, criticalDays: Int? = nil) {
        self.init(warnDays: warnDays ?? policy.warnDays, criticalDays: criticalDays ?? policy.criticalDays,
                  rotationDays: policy.rotationDays)
    }
}

/// What is known of the token's end, from the ledger or from GitHub.
public enum ExpiryEvidence: Sendable, Equatable {
    /// No token to judge; the reason says what is missing.
    case noToken(reason: String)
    /// GitHub answered 401 to the token; `lastKnownExpiry` is what the ledger had recorded.
    case rejected(lastKnownExpiry: Date?)
    /// The token expires at this moment.
    case expires(Date)
    /// The token never expires.
    case never
    /// GitHub sent an expiry patrol does not trust or cannot read; the reason says which.
    case untrusted(reason: String)
}

/// The outcome of ``ExpiryCheck/evaluate(_:firstSeen:thresholds:now:)``.
public struct ExpiryVerdict: Sendable, Equatable {
    public let status: ExpiryStatus
    /// Whole days until the expiry, rounded down; negative once past; nil without a date.
    public let daysLeft: Int?
    /// Whole days since the token was first seen, when known.
    public let ageDays: Int?
    /// True when the token's age alone raised the status to at least `warning`.
    public let tooOld: Bool
    /// One sentence per finding, for the report.
    public let reasons: [String]

    package init(status: ExpiryStatus, daysLeft: Int?, ageDays: Int?, tooOld: Bool, reasons: [String]) {
        self.status = status
        self.daysLeft = daysLeft
        self.ageDays = ageDays
        self.tooOld = tooOld
        self.reasons = reasons
    }
}

/// Judges a token's expiry: pure, with the time injected.
public enum ExpiryCheck {
    package static let day: TimeInterval = 86_400

    /// The status for `evidence` at `now`. A token first seen more than `rotationDays` ago is at least `warning`.
    public static func evaluate(_ evidence: ExpiryEvidence, firstSeen: Date?, thresholds: ExpiryThresholds, now: Date) -> ExpiryVerdict {
        var status: ExpiryStatus
        var daysLeft: Int?
        var reasons: [String] = []
        switch evidence {
        case .noToken(let reason):
            status = .unknown
            reasons.append(reason)
        case .rejected(let lastKnown):
            status = .expired
            daysLeft = lastKnown.map { wholeDays($0.timeIntervalSince(now)) }
            reasons.append("GitHub rejected the token (401 Bad credentials): it has expired or was revoked")
        case .expires(let date):
            let days = wholeDays(date.timeIntervalSince(now))
            daysLeft = days
            if date <= now {
                status = .expired
                reasons.append("it expired on \(ISO8601.format(date)), \(count(-days, "day")) ago")
            } else if days <= thresholds.criticalDays {
                status = .critical
                reasons.append("\(count(days, "day")) left, within the critical threshold of \(count(thresholds.criticalDays, "day"))")
            } else if days <= thresholds.warnDays {
                status = .warning
                reasons.append("\(count(days, "day")) left, within the warning threshold of \(count(thresholds.warnDays, "day"))")
            } else {
                status = .ok
                reasons.append("\(count(days, "day")) left; warnings start at \(count(thresholds.warnDays, "day"))")
            }
        case .never:
            status = .noExpiration
            reasons.append("the token never expires: a leaked copy would work forever. Replace it with one that expires in \(count(thresholds.rotationDays, "day"))")
        case .untrusted(let reason):
            status = .unknown
            reasons.append(reason)
        }

        let ageDays = firstSeen.map { wholeDays(now.timeIntervalSince($0)) }
        var tooOld = false
        if let firstSeen, now.timeIntervalSince(firstSeen) > TimeInterval(thresholds.rotationDays) * day {
            tooOld = true
            reasons.append("patrol first saw it \(count(ageDays ?? 0, "day")) ago, more than the rotation period of \(count(thresholds.rotationDays, "day")): rotate it")
            if status == .ok || status == .unknown { status = .warning }
        }
        return ExpiryVerdict(status: status, daysLeft: daysLeft, ageDays: ageDays, tooOld: tooOld, reasons: reasons)
    }

    /// Whole days in `interval`, rounded down (−0.5 days is −1).
    package static func wholeDays(_ interval: TimeInterval) -> Int {
        Int((interval / day).rounded(.down))
    }

    /// `1 day`, `5 days`.
    package static func count(_ number: Int, _ noun: String, plural: String? = nil) -> String {
        "\(number) \(number == 1 ? noun : plural ?? noun + "s")"
    }
}
