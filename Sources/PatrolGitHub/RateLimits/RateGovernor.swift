import FoundationEssentials
import PatrolHTTP

/// Decides when each request may be sent so that a fleet of any size stays inside GitHub's limits
/// (spec §4). A pure value: the caller passes the time, so tests drive it with a fake clock;
/// ``RateLimitGate`` runs it on the clock it is given.
///
/// The rules:
/// - **Writes** (PUT, POST, PATCH, DELETE) pass a token bucket: `writeBurst` at once, then `writeRate`
///   per second. It is kept as the time the next write is due (GCRA), and a write that must wait reserves
///   its turn with a ``Ticket``, so waiting writers leave in order, one interval apart.
/// - **Limit answers**: a 403/429 for a secondary limit (or with `retry-after`) pauses *every* request
///   for the `retry-after` seconds, else until `x-ratelimit-reset` when the quota is spent, else 60 s,
///   doubling for each further pause in a row (at most 15 minutes). Answers arriving during a pause extend
///   it but count as the same episode. A new episode halves the write rate (never below 1/64 of
///   `writeRate`); after the pause the bucket starts empty (no burst) and the rate climbs back
///   linearly, by 10 % of `writeRate` per minute, to `writeRate`.
/// - **Primary limit**: `x-ratelimit-remaining: 0` on any answer pauses every request until
///   `x-ratelimit-reset`; the write rate is left alone.
/// - **Points**: GitHub allows 900 points a minute, a read costing 1 and a write 5. The governor counts the points
///   of every request it lets out over the last `pointsWindow` and holds a request (read or write) that would take
///   that count above `pointsShare` of `pointsPerWindow`, until enough of the window has passed: a fleet's reads go
///   at once up to the budget, then as the window frees it, and never draw a limit answer. The share left over is a
///   margin for requests that reach GitHub later than they left.
/// - **In flight**: never more than `maxInFlight` (100) requests at once.
public struct RateGovernor: Sendable {
    /// The governor's knobs; `writeRate` and `writeBurst` come from `--write-rate` and `--write-burst`.
    public struct Settings: Sendable, Equatable {
        /// `--write-burst`'s default, the writes sent at once before `writeRate` applies; `--concurrency`'s default follows it.
        public static let defaultWriteBurst = 10

        /// Writes per second once the burst is spent.
        public var writeRate: Double
        /// Writes that may go at once.
        public var writeBurst: Int
        public var maxInFlight: Int
        /// The pause after a limit answer that names none.
        public var defaultPause: TimeInterval
        /// No pause patrol picks itself is longer than this (GitHub's own `retry-after`/reset are obeyed as sent).
        public var maxDefaultPause: TimeInterval
        /// The fraction of `writeRate` regained per minute after a halving.
        public var recoveryPerMinute: Double
        /// GitHub's secondary limit on points: this many per `pointsWindow` (900 a minute).
        public var pointsPerWindow: Int
        /// The window the points are counted over (60 s); zero counts no points (a server without that limit).
        public var pointsWindow: TimeInterval
        /// The part of `pointsPerWindow` patrol spends.
        public var pointsShare: Double

        /// What a read costs against the points limit.
        public static let readPoints = 1
        /// What a write (PUT, POST, PATCH, DELETE) costs against the points limit.
        public static let writePoints = 5

        public init(writeRate: Double = 1, writeBurst: Int = Settings.defaultWriteBurst, maxInFlight: Int = TransportConfiguration.inFlightCeiling,
                    defaultPause: TimeInterval = 60, maxDefaultPause: TimeInterval = 900, recoveryPerMinute: Double = 0.1,
                    pointsPerWindow: Int = 900, pointsWindow: TimeInterval = 60, pointsShare: Double = 0.9) {
            self.writeRate = max(writeRate, 0.001)
            self.writeBurst = max(writeBurst, 1)
            self.maxInFlight = min(max(maxInFlight, 1), TransportConfiguration.inFlightCeiling)
            self.defaultPause = defaultPause
            self.maxDefaultPause = maxDefaultPause
            self.recoveryPerMinute = recoveryPerMinute
            self.pointsPerWindow = max(pointsPerWindow, Settings.writePoints)
            self.pointsWindow = max(pointsWindow, 0)
            self.pointsShare = min(max(pointsShare, 0.1), 1)
        }

        /// The points patrol spends per window at most.
        public var pointsBudget: Int { max(Settings.writePoints, Int(Double(pointsPerWindow) * pointsShare)) }
    }

    /// What a request should do now.
    public enum Decision: Sendable, Equatable {
        case send
        /// Ask again at this time.
        case wait(until: TimeInterval)
        /// `maxInFlight` requests are out: ask again when one finishes.
        case full
    }

    /// A write's reserved turn in the bucket; a pause voids it.
    public struct Ticket: Sendable, Equatable {
        package let due: TimeInterval
        package let epoch: Int

        package init(due: TimeInterval, epoch: Int) {
            self.due = due
            self.epoch = epoch
        }
    }

    /// A pause that started (or was extended) because of an answer.
    public struct Pause: Sendable, Equatable {
        public let kind: RateLimitSignal.Kind
        public let seconds: TimeInterval
        public let until: TimeInterval
        /// False when the answer only extended a pause already running (nothing new to tell the user).
        public let isNew: Bool
        /// The write rate after the pause begins (halved for a new secondary episode).
        public let writeRate: Double

        package init(kind: RateLimitSignal.Kind, seconds: TimeInterval, until: TimeInterval, isNew: Bool, writeRate: Double) {
            self.kind = kind
            self.seconds = seconds
            self.until = until
            self.isNew = isNew
            self.writeRate = writeRate
        }
    }

    public let settings: Settings
    /// When the next write is due (GCRA's theoretical arrival time).
    private var nextWrite: TimeInterval
    public private(set) var pausedUntil: TimeInterval = 0
    public private(set) var inFlight = 0
    /// Bumped by every pause, voiding the tickets reserved before it.
    private var epoch = 0
    /// The rate right after the last halving and when it began to climb back; nil at the configured rate.
    private var reduced: (rate: Double, since: TimeInterval)?
    /// Secondary-limit episodes in a row, for the doubling of the default pause.
    private var episodes = 0
    /// The points window: what each request let out cost and when, oldest first from `spentHead`.
    private var spent: [(time: TimeInterval, points: Int)] = []
    private var spentHead = 0
    /// The points of `spent` still inside the window.
    public private(set) var pointsInWindow = 0

    public init(_ settings: Settings, now: TimeInterval) {
        self.settings = settings
        nextWrite = now
    }

    /// The write rate at `now`: the configured one, or a halved one climbing back.
    public func writeRate(at now: TimeInterval) -> Double {
        guard let reduced else { return settings.writeRate }
        let climbed = settings.writeRate * settings.recoveryPerMinute * max(0, now - reduced.since) / 60
        return min(settings.writeRate, reduced.rate + climbed)
    }

    /// Asks to send one request. A write keeps `ticket` across `.wait` and `.full` answers and passes it back.
    public mutating func admit(write: Bool, ticket: inout Ticket?, at now: TimeInterval) -> Decision {
        if now < pausedUntil {
            ticket = nil
            return .wait(until: pausedUntil)
        }
        if write {
            if let held = ticket, held.epoch == epoch {
                if now < held.due { return .wait(until: held.due) }
            } else {
                let interval = 1 / writeRate(at: now)
                let tolerance = Double(settings.writeBurst - 1) * interval
                let arrival = max(nextWrite, now)
                nextWrite = arrival + interval
                let due = arrival - tolerance
                ticket = Ticket(due: due, epoch: epoch)
                if now < due { return .wait(until: due) }
            }
        }
        let cost = write ? Settings.writePoints : Settings.readPoints
        if let until = pointsFree(for: cost, at: now) { return .wait(until: until) }
        guard inFlight < settings.maxInFlight else { return .full }
        inFlight += 1
        ticket = nil
        spend(cost, at: now)
        return .send
    }

    /// Nil when a request costing `cost` fits the points budget at `now`, else the time enough of the window has passed.
    private mutating func pointsFree(for cost: Int, at now: TimeInterval) -> TimeInterval? {
        guard settings.pointsWindow > 0 else { return nil }
        // Forget what left the window.
        while spentHead < spent.count, spent[spentHead].time + settings.pointsWindow <= now {
            pointsInWindow -= spent[spentHead].points
            spentHead += 1
        }
        if spentHead > 1_024, spentHead * 2 > spent.count {
            spent.removeFirst(spentHead)
            spentHead = 0
        }
        guard pointsInWindow + cost > settings.pointsBudget else { return nil }
        var left = pointsInWindow
        for entry in spent[spentHead...] {
            left -= entry.points
            if left + cost <= settings.pointsBudget { return entry.time + settings.pointsWindow }
        }
        return nil
    }

    private mutating func spend(_ points: Int, at now: TimeInterval) {
        guard settings.pointsWindow > 0 else { return }
        spent.append((now, points))
        pointsInWindow += points
    }

    /// Lets a request out without asking (a cancelled task's request), so ``finished()`` stays balanced.
    public mutating func forceAdmit() { inFlight += 1 }

    /// A request admitted earlier got its answer or failed: its in-flight slot is free.
    public mutating func finished() { inFlight = max(0, inFlight - 1) }

    /// Reads an answer for rate-limit signals; returns the pause it started or extended, if any.
    public mutating func observe(_ response: HTTPResponse, at now: TimeInterval) -> Pause? {
        guard let signal = RateLimitSignal(response, now: now) else {
            if now >= pausedUntil && (200..<400).contains(response.status) { episodes = 0 }
            return nil
        }
        let ongoing = now < pausedUntil
        let seconds: TimeInterval
        switch signal.kind {
        case .primary:
            guard let wait = signal.wait, wait > 0 else { return nil }
            seconds = wait
        case .secondary:
            if !ongoing { episodes += 1 }
            seconds = signal.wait ?? min(settings.maxDefaultPause, settings.defaultPause * Double(sign: .plus, exponent: max(0, episodes - 1), significand: 1))
        }
        let until = now + seconds
        guard until > pausedUntil else {
            return nil
        }
        pausedUntil = until
        epoch += 1
        if signal.kind == .secondary && !ongoing {
            let halved = max(writeRate(at: now) / 2, settings.writeRate / 64)
            reduced = (halved, until)
        } else if let current = reduced {
            reduced = (current.rate, max(current.since, until))
        }
        // The first write after the pause goes at its end; the bucket starts empty, so no burst follows.
        let interval = 1 / writeRate(at: until)
        nextWrite = until + Double(settings.writeBurst - 1) * interval
        return Pause(kind: signal.kind, seconds: seconds, until: until, isNew: !ongoing, writeRate: writeRate(at: until))
    }
}
