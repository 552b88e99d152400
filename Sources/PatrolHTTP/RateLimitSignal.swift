import FoundationEssentials
import PatrolSupport

/// What a response says about GitHub's rate limits (spec §4): whether it is a limit answer that must be
/// retried after a pause, and how long GitHub asked patrol to wait.
public struct RateLimitSignal: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A 403/429 for a secondary limit (too fast, too many at once): the write rate is halved.
        case secondary
        /// The hourly quota is spent (`x-ratelimit-remaining: 0`).
        case primary
    }

    public let kind: Kind
    /// True when the request was refused and should be sent again after the pause; false for an answer that
    /// succeeded but spent the last of the quota.
    public let refused: Bool
    /// How long GitHub asked to wait: `retry-after`, else until `x-ratelimit-reset`, else nil (patrol picks).
    public let wait: TimeInterval?

    /// The signal in `response`, or nil when it says nothing about rate limits.
    /// `now` is used only when the response has no `Date` header to measure `x-ratelimit-reset` against.
    public init?(_ response: HTTPResponse, now: TimeInterval) {
        let headers = response.headers
        let retryAfter = headers["retry-after"].flatMap { TimeInterval($0.trimmingSpaces()) }.map { max(0, $0) }
        let exhausted = headers["x-ratelimit-remaining"].flatMap { Int($0.trimmingSpaces()) } == 0
        var untilReset: TimeInterval? {
            guard let reset = headers["x-ratelimit-reset"].flatMap({ TimeInterval($0.trimmingSpaces()) }) else { return nil }
            // Measured against GitHub's own clock when it sent one, so a skewed local clock does not matter.
            let serverNow = headers["date"].flatMap(HTTPDate.parse)?.timeIntervalSince1970 ?? now
            return max(0, reset - serverNow)
        }
        let limitStatus = response.status == 403 || response.status == 429
        let text = String(decoding: response.body.prefix(4096), as: UTF8.self).lowercased()
        if limitStatus && (text.contains("secondary rate limit") || (retryAfter != nil && !exhausted)) {
            kind = .secondary
            refused = true
            wait = retryAfter ?? (exhausted ? untilReset : nil)
        } else if exhausted {
            kind = .primary
            refused = limitStatus
            wait = retryAfter ?? untilReset
        } else {
            // A 403 that only *says* "rate limit" (an organization policy, an abuse message on its own) is not one:
            // classified by status and headers, never by the message alone (spec §4).
            return nil
        }
    }
}
