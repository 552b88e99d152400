/// Running totals over the requests since start or the last `resetLog()`.
public struct Counters: Sendable, Equatable {
    /// Every request received, answered or dropped.
    public internal(set) var total = 0
    /// Requests per route, keyed like `"GET /user"`, `"GET public-key"`, `"PUT secret"`, `"GET secret"`,
    /// `"GET secrets"`; requests that match no route count under `"unknown"`.
    public internal(set) var byRoute: [String: Int] = [:]
    public internal(set) var connectionsAccepted = 0
    /// The most requests ever being handled at once (latency included).
    public internal(set) var peakConcurrency = 0
    /// Secret writes that decrypted and were stored.
    public internal(set) var uploads = 0
    /// Answers "You have exceeded a secondary rate limit" (see ``SecondaryLimits``).
    public internal(set) var secondaryLimitAnswers = 0
    /// Conditional requests answered 304 Not Modified.
    public internal(set) var notModified = 0

    public init() {}
}
