import FoundationEssentials

/// GitHub's secondary rate limits as the simulator applies them (off unless set): points spent in a sliding
/// window (a read costs 1, a write 5; GitHub allows 900 a minute), content-creating writes in the same window
/// (GitHub: 80 a minute), and requests at once (GitHub: 100). Going over answers
/// "You have exceeded a secondary rate limit" with `retry-after`, and every request until then gets the same.
public struct SecondaryLimits: Sendable, Equatable {
    /// Points allowed per window; nil for no points limit.
    public var pointsPerWindow: Int?
    /// Writes (PUT, POST, PATCH, DELETE) allowed per window; nil for no such limit.
    public var writesPerWindow: Int?
    public var window: TimeInterval
    /// Requests handled at once, latency included; nil for no limit.
    public var maxConcurrent: Int?
    /// Sent as `retry-after` and kept as the penalty; nil sends no `retry-after` and keeps a 60 s penalty.
    public var retryAfter: Int?
    /// 403 or 429: GitHub sends either.
    public var status: Int
    public var readPoints: Int
    public var writePoints: Int

    public init(pointsPerWindow: Int? = 900, writesPerWindow: Int? = 80, window: TimeInterval = 60, maxConcurrent: Int? = 100,
                retryAfter: Int? = 60, status: Int = 403, readPoints: Int = 1, writePoints: Int = 5) {
        self.pointsPerWindow = pointsPerWindow
        self.writesPerWindow = writesPerWindow
        self.window = window
        self.maxConcurrent = maxConcurrent
        self.retryAfter = retryAfter
        self.status = status
        self.readPoints = readPoints
        self.writePoints = writePoints
    }

    /// GitHub's published limits.
    public static let github = SecondaryLimits()
}

/// One secondary-limit answer the simulator gave, and the pause it announced.
public struct LimitAnswer: Sendable, Equatable {
    public let method: String
    public let path: String
    /// When the request that got it arrived.
    public let time: Date
    /// When the announced pause ends: `time` + `retry-after` (or the 60 s penalty when none was sent).
    public let pauseEnds: Date
}

/// What the simulator has counted toward the secondary limits: the requests of the sliding window.
struct SecondaryUsage: Sendable {
    private var spent: [(time: Date, points: Int, write: Bool)] = []
    private var head = 0
    private(set) var points = 0
    private(set) var writes = 0
    /// Until then, every request gets a limit answer.
    var blockedUntil = Date.distantPast

    /// Forgets what left the window.
    mutating func slide(to now: Date, window: TimeInterval) {
        while head < spent.count, spent[head].time <= now.addingTimeInterval(-window) {
            points -= spent[head].points
            if spent[head].write { writes -= 1 }
            head += 1
        }
        if head > 1024, head * 2 > spent.count {
            spent.removeFirst(head)
            head = 0
        }
    }

    mutating func spend(_ points: Int, write: Bool, at now: Date) {
        spent.append((now, points, write))
        self.points += points
        if write { writes += 1 }
    }
}

extension SimulatorState {
    /// The limit answer for this request when it goes over a secondary limit (or arrives during the penalty
    /// that followed), after counting it; nil when it may proceed.
    mutating func secondaryLimitAnswer(method: String, path: String, now: Date) -> GitHubResponse? {
        guard let limits = secondaryLimits else { return nil }
        let write = method != "GET" && method != "HEAD"
        let cost = write ? limits.writePoints : limits.readPoints
        secondaryUsage.slide(to: now, window: limits.window)
        let over = now < secondaryUsage.blockedUntil
            || limits.maxConcurrent.map { inFlight > $0 } == true
            || limits.pointsPerWindow.map { secondaryUsage.points + cost > $0 } == true
            || (write && limits.writesPerWindow.map { secondaryUsage.writes + 1 > $0 } == true)
        guard over else {
            secondaryUsage.spend(cost, write: write, at: now)
            return nil
        }
        let penalty = TimeInterval(limits.retryAfter ?? 60)
        let ends = max(secondaryUsage.blockedUntil, now.addingTimeInterval(penalty))
        secondaryUsage.blockedUntil = ends
        counters.secondaryLimitAnswers += 1
        limitAnswers.append(LimitAnswer(method: method, path: path, time: now, pauseEnds: now.addingTimeInterval(penalty)))
        var response = GitHubResponse.error(
            limits.status,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to "
                + "GitHub Support for help, please include the request ID \(makeRequestID()).",
            documentation: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
        if let retryAfter = limits.retryAfter { response = response.adding("retry-after", String(retryAfter)) }
        return response
    }
}
