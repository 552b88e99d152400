import FoundationEssentials
import PatrolSecrets
import PatrolGitHub

/// Gathers what `patrol expiry` judges: the current token's record from the ledger (no request at all),
/// or, live, GitHub's expiry header for a token (`GET /user`), which the ledger then records.
public enum ExpiryLookup {
    /// A token to ask GitHub about, and the client to ask with.
    public struct Live: Sendable {
        public let token: Token
        public let client: GitHubClient

        public init(token: Token, client: GitHubClient) {
            self.token = token
            self.client = client
        }
    }

    /// The report for an open ledger; the entry point for `patrol expiry`, `patrol demo` and other in-process callers.
    /// Throws only what stops the check: a token in a wrong format (before
    /// any request), an answer from GitHub other than 200 or 401, a transport failure, a ledger write failure.
    public static func report(config: FleetConfig, ledger: LedgerStore, live: Live?, thresholds: ExpiryThresholds,
                              now: Date) async throws -> ExpiryReport {
        if let live {
            return try await liveReport(config: config, ledger: ledger, live: live, thresholds: thresholds, now: now)
        }
        let snapshot = await ledger.snapshot
        guard let record = snapshot.currentToken else {
            let exists = FileManager.default.fileExists(atPath: ledger.path)
            let reason = exists ? "the ledger \(ledger.path) has no current token" : "there is no ledger at \(ledger.path)"
            let verdict = ExpiryCheck.evaluate(.noToken(reason: reason + "; nothing to judge"), firstSeen: nil,
                                               thresholds: thresholds, now: now)
            return ExpiryReport(secret: config.secret, fingerprint: nil, login: nil, expiresAt: nil, source: .ledger,
                                verdict: verdict, thresholds: thresholds, holders: [], repositories: [])
        }
        let evidence: ExpiryEvidence = record.expiresAt.map { .expires($0) } ?? .never
        var notes: [String] = []
        if record.expiresAt == nil {
            notes.append("the ledger records no expiry date for this token; `patrol expiry --live` asks GitHub")
        }
        let verdict = ExpiryCheck.evaluate(evidence, firstSeen: record.firstSeen, thresholds: thresholds, now: now)
        let holders = TokenHolder.all(holding: record.fingerprint, in: snapshot, config: config)
        return ExpiryReport(secret: config.secret, fingerprint: record.fingerprint, login: record.login,
                            expiresAt: record.expiresAt, source: .ledger, verdict: verdict, thresholds: thresholds,
                            holders: holders, repositories: TokenHolder.repositories(of: holders, fleet: config.repositories), notes: notes)
    }

    private static func liveReport(config: FleetConfig, ledger: LedgerStore, live: Live, thresholds: ExpiryThresholds,
                                   now: Date) async throws -> ExpiryReport {
        let fingerprint = live.token.fingerprint
        let kind = try TokenFormat.check(live.token)
        let before = await ledger.snapshot
        let known = before.tokens.first { $0.fingerprint == fingerprint }
        var notes: [String] = []

        let user: AuthenticatedUser
        do {
            user = try await live.client.authenticated(with: live.token).authenticatedUser()
        } catch let error as GitHubError where error.isBadCredentials {
            let verdict = ExpiryCheck.evaluate(.rejected(lastKnownExpiry: known?.expiresAt), firstSeen: known?.firstSeen,
                                               thresholds: thresholds, now: now)
            if known == nil { notes.append("the ledger does not know this token") }
            let holders = TokenHolder.all(holding: fingerprint, in: before, config: config)
            return ExpiryReport(secret: config.secret, fingerprint: fingerprint, login: known?.login,
                                expiresAt: known?.expiresAt, source: .live, verdict: verdict, thresholds: thresholds,
                                holders: holders, repositories: TokenHolder.repositories(of: holders, fleet: config.repositories), notes: notes)
        }

        let evidence: ExpiryEvidence
        let recorded: Date?
        switch user.expiry {
        case .at(let date):
            evidence = .expires(date)
            recorded = date
        case .none:
            evidence = .never
            recorded = nil
        case .suspect, .unreadable:
            // Judge by the date the ledger recorded earlier, if any, and say why.
            evidence = known?.expiresAt.map { .expires($0) } ?? .untrusted(reason: user.expiry.description)
            recorded = known?.expiresAt
            if recorded != nil { notes.append(user.expiry.description + "; the ledger's earlier date is used") }
        }
        let note = { (ledger: inout Ledger) in
            ledger.noteToken(fingerprint, login: user.login, kind: kind, scopes: user.scopes, expiresAt: recorded, at: now)
        }
        var after = before
        if let reason = ledger.readOnlyReason {
            // Judged as if recorded, so the report is the same; the file is left as it is.
            note(&after)
            notes.append("what GitHub said was not recorded in the ledger: \(reason); run `patrol expiry --live` again later to record it")
        } else {
            try await ledger.update(note)
            after = await ledger.snapshot
        }
        let record = after.tokens.first { $0.fingerprint == fingerprint }
        if known == nil {
            notes.append(ledger.readOnlyReason == nil ? "the ledger did not know this token; it is now recorded as seen"
                                                      : "the ledger does not know this token")
        } else if let current = after.currentToken, current.fingerprint != fingerprint {
            notes.append("this is not the ledger's current token (\(current.fingerprint.short))")
        }
        let verdict = ExpiryCheck.evaluate(evidence, firstSeen: record?.firstSeen ?? now, thresholds: thresholds, now: now)
        var holders: [TokenHolder] = []
        for holder in TokenHolder.all(holding: fingerprint, in: after, config: config) {
            holders.append(await liveReach(of: holder, secret: config.secret, ledger: after, fleet: config.repositories,
                                           client: live.client.authenticated(with: live.token), notes: &notes))
        }
        return ExpiryReport(secret: config.secret, fingerprint: fingerprint, login: user.login,
                            expiresAt: recorded, source: .live,
                            verdict: verdict, thresholds: thresholds,
                            holders: holders, repositories: TokenHolder.repositories(of: holders, fleet: config.repositories), notes: notes)
    }

    /// An organization secret's reach as GitHub has it now (its visibility, and when `selected` its selection, which
    /// may have changed since patrol wrote it), asked with the token under check; any other holder as it is. When
    /// GitHub does not answer that, the ledger's reach stays and a note says why.
    private static func liveReach(of holder: TokenHolder, secret: String, ledger: Ledger, fleet: [RepositoryName],
                                  client: GitHubClient, notes: inout [String]) async -> TokenHolder {
        guard holder.target.kind == .organization, let organization = holder.target.organization else { return holder }
        do {
            guard let found = try await client.secret(secret, in: holder.target) else {
                notes.append("\(holder.target.id): GitHub has no secret \(secret) there now; the ledger's record is shown")
                return holder
            }
            let visibility = found.visibility ?? holder.reach?.visibility ?? .private
            let selected = visibility == .selected ? try await client.selectedRepositories(of: secret, in: organization) : []
            return TokenHolder(target: holder.target,
                               reach: OrganizationReach.of(visibility: visibility, selected: selected, ids: ledger.repositoryIDs, fleet: fleet))
        } catch {
            notes.append("\(holder.target.id): could not read which repositories it reaches (\(error)); the ledger's record is shown")
            return holder
        }
    }
}
