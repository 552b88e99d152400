import FoundationEssentials

/// Everything the simulator remembers, guarded by one `Locked` in `GitHubSimulator`.
struct SimulatorState: Sendable {
    var random: SplitMix64
    /// Repositories keyed by lower-cased `owner/name` (GitHub's names are case-insensitive).
    var repositories: [String: RepositoryRecord] = [:]
    var tokens: [String: TokenRecord] = [:]
    /// Organizations keyed by lower-cased login (`State/OrganizationRecord.swift`); an owner not listed is a user.
    var organizations: [String: OrganizationRecord] = [:]
    var userIDs: [String: Int] = [:]
    var log: [LoggedRequest] = []
    var counters = Counters()
    var inFlight = 0
    var faults: [Fault] = []
    /// Hand-made answers served before anything else (`GitHubSimulator+Hostile.swift`).
    var craftedAnswers: [CraftedAnswer] = []
    /// The fraction of requests that fail at random with `faultRateStatus`.
    var faultRate = 0.0
    var faultRateStatus = 502
    /// Drops and slow answers drawn from the seed (`GitHubSimulator+Faults.swift`).
    var randomFaults = RandomFaults()
    var latency: Duration
    /// Up to this much is added to `latency`, drawn per response from the seed.
    var latencyJitter: Duration = .zero
    var secondaryLimits: SecondaryLimits?
    /// Begins the random part of every minted token (empty: none), so a test can find leaked tokens by it.
    var tokenMarker = ""
    var secondaryUsage = SecondaryUsage()
    var limitAnswers: [LimitAnswer] = []
    /// Added to the wall clock, so tests can move time forward (token expiry, rate-limit windows).
    var clockOffset: TimeInterval = 0
    var rateLimits: [String: RateLimitWindow] = [:]
    /// Primary rate limit per login per hour.
    var rateLimit = 5000
    /// The base URL the server answers on, for `link` headers when a request carries no `Host`.
    var apiURL = ""
    /// Issues keyed by lower-cased repository full name, in number order.
    var issues: [String: [SimulatedIssue]] = [:]
    /// Comment ids are unique across the simulator, as on GitHub.
    var nextCommentID = 1_000_000_001
    /// What the webhook sink (`POST /hooks/…`) received, oldest first.
    var webhookPosts: [WebhookPost] = []
    /// Tokens revoked through `POST /credentials/revoke`.
    var revocations = 0
    /// Files, workflows, runs and dispatches, keyed like `repositories` (see `ActionsRecord`).
    var actions: [String: ActionsRecord] = [:]
    /// Organizations (lower-cased) whose resources need a SAML SSO-authorized token.
    var ssoOrganizations: Set<String> = []
    /// Tokens authorized for SAML SSO in every organization that requires it.
    var ssoAuthorizedTokens: Set<String> = []
    /// Set: answer as GitHub Enterprise Server of this version does (`x-github-enterprise-version` on every
    /// response, an integer `key_id` in public keys).
    var enterpriseVersion: String?
    /// Read-after-write lag: this many reads of a secret after each write still see it as it was before.
    var readLagReads = 0
    /// Set by `holdAnswers(matching:)`: an answer to a request whose path starts with one of these ("" for every
    /// request) waits until `releaseAnswers()` or `stop()`.
    var heldPathPrefixes: [String] = []
    /// GitHub Apps, their installations and Actions variables (`Apps/`).
    var apps = AppsState()
    /// Old names (lower-cased) of renamed repositories → their id (`RepositoryRenames.swift`).
    var renamedRepositories: [String: Int] = [:]
    private var nextRepositoryID = 700_000_001
    private var nextEnvironmentID = 1_200_000_001

    /// The time before `clockOffset`: the wall clock, or the virtual clock of the test that runs the simulator.
    let clock: @Sendable () -> Date

    init(seed: UInt64, latency: Duration, clock: @escaping @Sendable () -> Date) {
        random = SplitMix64(seed: seed)
        self.latency = latency
        self.clock = clock
    }

    /// The simulator's clock.
    var now: Date { clock().addingTimeInterval(clockOffset) }

    /// A `key_id` like GitHub's: a long decimal number, as a string.
    mutating func makeKeyID() -> String {
        let first = String(1 + random.next() % 9)
        let rest = (0..<17).map { _ in String(random.next() % 10) }.joined()
        return first + rest
    }

    /// An `x-github-request-id` like GitHub's: five hex groups.
    mutating func makeRequestID() -> String {
        let widths = [4, 5, 6, 6, 8]
        return widths.map { width in
            let value = random.next() & ((UInt64(1) << (4 * UInt64(width))) - 1)
            let hex = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: width - hex.count) + hex
        }.joined(separator: ":")
    }

    mutating func makeRepositoryID() -> Int {
        defer { nextRepositoryID += 1 }
        return nextRepositoryID
    }

    mutating func makeEnvironmentID() -> Int {
        defer { nextEnvironmentID += 1 }
        return nextEnvironmentID
    }

    /// The numeric id of `login`, assigned on first sight and stable after.
    mutating func userID(for login: String) -> Int {
        if let id = userIDs[login.lowercased()] { return id }
        let id = 1_000_001 + userIDs.count
        userIDs[login.lowercased()] = id
        return id
    }
}

/// One login's primary rate-limit window.
struct RateLimitWindow: Sendable {
    var used: Int
    var resetAt: Date
}
