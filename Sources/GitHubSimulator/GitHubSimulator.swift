// # GitHubSimulator
//
// A stand-in for GitHub's REST API on a loopback port, for patrol's tests, `patrol demo`,
// `patrol simulator` and the benchmark. It shares no code with PatrolCore, so that it checks patrol's
// behaviour instead of agreeing with it.
//
// What it models:
// - repositories, each with its own Curve25519 key pair and string `key_id`; rotating a key makes the old
//   `key_id` stale;
// - tokens (classic `ghp_` with a valid CRC-32 checksum and scopes, fine-grained `github_pat_` with
//   per-repository permissions), expiry, revocation, and the headers GitHub sends for them
//   (`x-oauth-scopes`, `github-authentication-token-expiration` in both of its formats);
// - Actions secrets: every uploaded sealed box is opened with the place's own secret key and the plaintext
//   kept, so tests assert the real value arrived; 201 on create, 204 on update, `created_at`/`updated_at`;
// - GitHub's error bodies and status codes (401 bad credentials, 404 for hidden repositories, 403 for missing
//   rights, 422 for bad names, stale keys and undecryptable values), `x-github-request-id`, the primary rate
//   limit (`x-ratelimit-*`, 5,000 an hour per login; a 304 costs none), and on request the secondary limits
//   (points and writes per sliding window, requests at once; `SecondaryLimits`);
// - `ETag` on public keys and 304 for a matching `If-None-Match`;
// - `POST /credentials/revoke`, which refuses an authenticated call (403) as GitHub does;
// - repositories as `GET /repos/{o}/{r}` shows them (default branch, the caller's permissions), files per
//   branch (contents as base64 with line breaks), workflows with a state, runs filtered by event, and
//   dispatches that start a run only when an active workflow on the default branch lists the type (read
//   with its own line-based reading, `HandlerTriggers`) and that refuse payloads over GitHub's limits;
//   GitHub's access rules: a classic token's account needs write (push) access to manage secrets (read-only
//   gets 403, no access 404); fine-grained permissions per area (metadata, secrets, actions, contents, issues),
//   checked before the body, with `x-accepted-github-permissions`;
//   SAML SSO (403 with `x-github-sso`); `GET /rate_limit`; the guide's workflow files (`GuideWorkflows`);
// - faults on request: latency (with seeded jitter) on every response, the next N responses failing with a status, the next N
//   connections dropped without an answer — or, drawn from the seed, a fraction of requests failing, dropped before or after
//   they take effect, or answered later than a client waits, read-after-write lag, a key that rotates after
//   each of several fetches, and Enterprise Server's shapes (integer `key_id`, `x-github-enterprise-version`)
//   (`GitHubSimulator+Faults.swift`);
// - a request log and counters (by route, connections, peak concurrency, uploads);
// - issues and their comments (list by state and labels, create, update, close, comment), and a sink for
//   outgoing webhooks (`POST /hooks/…`, no authentication) — see `GitHubSimulator+Issues.swift`.
//
// - GitHub Apps (`Apps/`): Apps with RSA public keys whose JWTs it verifies with its own code (libcrypto),
//   refusing expired, future or over-long ones with GitHub's messages; installations; installation tokens
//   (`ghs_`, a configurable lifetime, narrowed repositories and permissions, enforced like fine-grained ones);
//   Actions variables;
// - every place a secret lives (`GitHubSimulator+Targets.swift`): repository Actions, environment, Dependabot and
//   Codespaces secrets and organization Actions secrets, each with its own key pair; environments that exist or
//   not; organizations with members, owners, secret visibility and selection; accounts (`/orgs`, `/users`); and
//   the rule that decides which copy a workflow run reads (`secretSeenByWorkflow`).
// What it does not model (yet): organization Dependabot and Codespaces secrets, GitHub Enterprise's `/api/v3`
// prefix, HTTP/2, TLS, chunked request bodies. Unknown paths answer 404.

import FoundationEssentials
import Glibc
import PatrolSupport

/// A GitHub REST API simulator serving on 127.0.0.1.
public final class GitHubSimulator: Sendable {
    /// Internal, not private, so the façades in `GitHubSimulator+<Topic>.swift` files reach it.
    let state: Locked<SimulatorState>
    private let server = Locked<HTTPServer?>(nil)

    /// A simulator that delays every response by `latency` and draws its random values from `seed`; its clock
    /// reads `now` (a test passes the virtual clock patrol runs on, so both agree on when a request came).
    public init(latency: Duration = .zero, seed: UInt64 = .random(in: .min ... .max),
                now: @escaping @Sendable () -> Date = Date.init) {
        state = Locked(SimulatorState(seed: seed, latency: latency, clock: now))
    }

    deinit {
        // The last reference may be dropped on one of the server's own threads, which cannot join itself.
        server.withLock { $0 }?.stop(wait: false)
    }

    // MARK: Server

    /// Starts serving on `host`:`port` (an IPv4 loopback address; port 0 picks a free one) and returns the API base URL.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 0) throws(SimulatorError) -> String {
        let server = HTTPServer(
            handler: { [weak self] request in self?.handle(request) ?? .drop },
            onAccept: { [weak self] in self?.state.withLock { $0.counters.connectionsAccepted += 1 } }
        )
        try self.server.withLock { current throws(SimulatorError) in
            guard current == nil else { throw .alreadyStarted }
            current = server
        }
        do {
            let bound = try server.start(host: host, port: port)
            let url = "http://\(host):\(bound)"
            state.withLock { $0.apiURL = url }
            return url
        } catch {
            self.server.withLock { $0 = nil }
            throw error
        }
    }

    /// Connections the simulator has accepted and is still serving (reading requests from, or answering).
    public var openConnections: Int {
        server.withLock { $0 }?.openConnections ?? 0
    }

    /// The API base URL, `http://127.0.0.1:PORT`; empty before `start`.
    public var apiURL: String {
        state.withLock { $0.apiURL }
    }

    /// Closes the listener and every connection and waits for the server's threads (answers ``holdAnswers()`` held
    /// are let go first). Safe to call twice.
    public func stop() {
        releaseAnswers()
        let running = server.withLock { current in
            defer { current = nil }
            return current
        }
        running?.stop()
    }

    /// Blocks this server thread for `duration` (a connection's own thread: the answer waits, nothing else does).
    private static func sleep(_ duration: Duration) {
        let parts = duration.components
        var wait = timespec(tv_sec: Int(parts.seconds), tv_nsec: Int(parts.attoseconds / 1_000_000_000))
        var left = timespec()
        // why: nanosleep reads `wait`, and writes the time left into `left` when a signal interrupts it; sleep on for that.
        while nanosleep(&wait, &left) != 0, errno == EINTR { wait = left }
    }

    private func handle(_ request: ServerRequest) -> ServerReply {
        let (reply, latency) = state.withLock { state in
            state.inFlight += 1
            state.counters.peakConcurrency = max(state.counters.peakConcurrency, state.inFlight)
            var reply = state.answer(request)
            let delay = state.latency + state.drawJitter() + state.holdBack(&reply)
            return (reply, delay)
        }
        if latency > .zero {
            Self.sleep(latency)
        }
        // Held by holdAnswers(matching:) until the test releases them; the millisecond only paces this thread's look.
        while state.withLock({ state in state.heldPathPrefixes.contains { request.path.hasPrefix($0) } }) {
            Self.sleep(.milliseconds(1))
        }
        state.withLock { $0.inFlight -= 1 }
        return reply
    }

    // MARK: Repositories

    /// Adds `owner/name` with a fresh key pair; `permission` is what every token has there unless overridden.
    @discardableResult
    public func addRepository(_ fullName: String, permission: Permission = .admin) -> SimulatedRepository {
        state.withLock { state in
            let record = RepositoryRecord(
                fullName: fullName, id: state.makeRepositoryID(), actionsSecrets: state.makeStore(),
                dependabotSecrets: state.makeStore(), codespacesSecrets: state.makeStore(), permission: permission
            )
            state.repositories[fullName.lowercased()] = record
            return SimulatedRepository(record)
        }
    }

    /// Removes a repository and its secrets; later requests for it answer 404.
    public func removeRepository(_ fullName: String) {
        _ = state.withLock { $0.repositories.removeValue(forKey: fullName.lowercased()) }
    }

    /// Gives the repository's Actions secrets a new key pair and `key_id`; uploads sealed for the old key are
    /// refused (422). Other kinds: `rotatePublicKey(of: SimulatedTarget)`.
    @discardableResult
    public func rotatePublicKey(of fullName: String) -> SimulatedRepository? {
        guard rotatePublicKey(of: .repository(fullName)) != nil else { return nil }
        return repository(fullName)
    }

    /// Answers the repository's next public-key fetch, then rotates the key: the upload that follows is
    /// sealed for a key that is already stale.
    public func rotatePublicKeyAfterNextFetch(of fullName: String) {
        rotatePublicKeyAfterNextFetch(of: .repository(fullName))
    }

    /// Answers each of the repository's next `count` public-key fetches, then rotates the key: every upload
    /// sealed for a fetched key is refused (422) until the fetches run out — a key rotated again and again.
    public func rotatePublicKeyAfterFetches(of fullName: String, count: Int) {
        rotatePublicKeyAfterFetches(of: .repository(fullName), count: count)
    }

    /// Answers the repository's next secret upload with 201/204 but keeps nothing: a lost write, which
    /// only reading the secret back can reveal.
    public func loseNextWrite(to fullName: String) {
        loseNextWrite(to: .repository(fullName))
    }

    /// Sets the default permission tokens have on a repository.
    public func setPermission(_ permission: Permission, on fullName: String) {
        state.withLock { $0.repositories[fullName.lowercased()]?.permission = permission }
    }

    /// Sets one token's permission on a repository, overriding the repository's default.
    public func setPermission(_ permission: Permission, on fullName: String, for token: String) {
        state.withLock { $0.tokens[token]?.permissions[fullName.lowercased()] = permission }
    }

    /// A repository as it stands now, or `nil` when there is none by that name.
    public func repository(_ fullName: String) -> SimulatedRepository? {
        state.withLock { $0.repositories[fullName.lowercased()].map(SimulatedRepository.init) }
    }

    /// Every repository's full name, sorted.
    public var repositoryNames: [String] {
        state.withLock { $0.repositories.values.map(\.fullName).sorted() }
    }

    // MARK: Tokens

    /// Mints a fresh token of `kind` for `login`; pass `expiresAt: nil` for a token that never expires.
    public func mintToken(
        login: String = "garrick0",
        kind: TokenKind = .classic,
        scopes: [String] = ["repo", "workflow"],
        expiresAt: Date? = Date().addingTimeInterval(90 * 86_400),
        accountType: String = "User",
        expirationFormat: ExpirationFormat = .utc
    ) -> String {
        state.withLock { state in
            var token: String
            repeat {
                token = kind == .classic
                    ? TokenMinter.classic(using: &state.random, marker: state.tokenMarker)
                    : TokenMinter.fineGrained(using: &state.random, marker: state.tokenMarker)
            } while state.tokens[token] != nil
            state.tokens[token] = TokenRecord(
                token: token, login: login, userID: state.userID(for: login), kind: kind,
                scopes: kind == .classic ? scopes : [], expiresAt: expiresAt, accountType: accountType,
                expirationFormat: expirationFormat
            )
            return token
        }
    }

    /// Revokes a token: from now on it gets 401 "Bad credentials".
    public func revokeToken(_ token: String) {
        state.withLock { $0.tokens[token]?.revoked = true }
    }

    /// Changes a token's expiry (`nil`: never expires).
    public func setExpiry(_ expiresAt: Date?, for token: String) {
        state.withLock { $0.tokens[token]?.expiresAt = expiresAt }
    }

    /// Changes how the expiry header is written for a token.
    public func setExpirationFormat(_ format: ExpirationFormat, for token: String) {
        state.withLock { $0.tokens[token]?.expirationFormat = format }
    }

    // MARK: Secrets

    /// The repository Actions secret as stored (value decrypted), or `nil`. Names are case-insensitive, as on
    /// GitHub. Other kinds: `secret(_:in: SimulatedTarget)`.
    public func secret(_ name: String, in repository: String) -> StoredSecret? {
        secret(name, in: .repository(repository))
    }

    /// Every Actions secret of a repository, sorted by name.
    public func secrets(in repository: String) -> [StoredSecret] {
        secrets(in: .repository(repository))
    }

    // MARK: Time, latency and faults

    /// The simulator's clock: the wall clock plus whatever `advanceClock` added.
    public var now: Date {
        state.withLock { $0.now }
    }

    /// Moves the simulator's clock forward (token expiry, rate-limit windows, timestamps).
    public func advanceClock(by seconds: TimeInterval) {
        state.withLock { $0.clockOffset += seconds }
    }

    /// Delays every later response by `latency`.
    public func setLatency(_ latency: Duration) {
        state.withLock { $0.latency = latency }
    }

    /// Sets the primary rate limit per login per hour (GitHub's is 5,000).
    public func setRateLimit(_ limit: Int) {
        state.withLock { $0.rateLimit = limit }
    }

    /// The next `count` requests (whose path starts with `pathPrefix`, if given) answer `status` with a
    /// GitHub-like JSON body.
    public func failNext(_ count: Int, status: Int = 502, matching pathPrefix: String? = nil) {
        guard count > 0 else { return }
        state.withLock { $0.faults.append(Fault(kind: .fail(status: status), remaining: count, pathPrefix: pathPrefix)) }
    }

    /// Makes a random fraction `rate` (0...1) of later requests answer `status`, drawn from the simulator's seed;
    /// 0 turns it off.
    public func setFaultRate(_ rate: Double, status: Int = 502) {
        state.withLock { state in
            state.faultRate = min(1, max(0, rate))
            state.faultRateStatus = status
        }
    }

    /// The next `count` requests (whose path starts with `pathPrefix`, if given) get their connection closed
    /// without an answer.
    public func dropNext(_ count: Int, matching pathPrefix: String? = nil) {
        guard count > 0 else { return }
        state.withLock { $0.faults.append(Fault(kind: .drop, remaining: count, pathPrefix: pathPrefix)) }
    }

    // MARK: Log and counters

    /// Every request since start or the last `resetLog()`, oldest first.
    public var requests: [LoggedRequest] {
        state.withLock { $0.log }
    }

    /// Totals since start or the last `resetLog()`.
    public var counters: Counters {
        state.withLock { $0.counters }
    }

    /// Clears the request log and the counters.
    public func resetLog() {
        state.withLock { state in
            state.log = []
            state.counters = Counters()
            state.limitAnswers = []
            state.counters.peakConcurrency = state.inFlight
        }
    }
}

/// A repository as the simulator holds it, for tests and the demo.
public struct SimulatedRepository: Sendable, Equatable {
    public let fullName: String
    /// The integer id `GET /repos/{owner}/{repo}` answers, which organization secrets select repositories by.
    public let id: Int
    /// The current `key_id` of its Actions secrets.
    public let keyID: String
    /// The current public key of its Actions secrets, standard base64.
    public let publicKey: String
    public let permission: Permission

    init(_ record: RepositoryRecord) {
        fullName = record.fullName
        id = record.id
        keyID = record.actionsSecrets.keyID
        publicKey = SimulatorCrypto.encodeBase64(record.actionsSecrets.keyPair.publicKey)
        permission = record.permission
    }
}
