import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
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
                                verdict: verdict, thresholds: thresholds, repositories: [])
        }
        let evidence: ExpiryEvidence = record.expiresAt.map { .expires($0) } ?? .never
        var notes: [String] = []
        if record.expiresAt == nil {
            notes.append("the ledger records no expiry date for this token; `patrol expiry --live` asks GitHub")
        }
        let verdict = ExpiryCheck.evaluate(evidence, firstSeen: record.firstSeen, thresholds: thresholds, now: now)
        return ExpiryReport(secret: config.secret, fingerprint: record.fingerprint, login: record.login,
                            expiresAt: record.expiresAt, source: .ledger, verdict: verdict, thresholds: thresholds,
                            repositories: holders(of: record.fingerprint, in: snapshot, config: config), notes: notes)
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
            return ExpiryReport(secret: config.secret, fingerprint: fingerprint, login: known?.login,
                                expiresAt: known?.expiresAt, source: .live, verdict: verdict, thresholds: thresholds,
                                repositories: holders(of: fingerprint, in: before, config: config), notes: notes)
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
        return ExpiryReport(secret: config.secret, fingerprint: fingerprint, login: user.login,
                            expiresAt: recorded, source: .live,
                            verdict: verdict, thresholds: thresholds,
                            repositories: holders(of: fingerprint, in: after, config: config), notes: notes)
    }

    /// The repositories the ledger says hold `fingerprint`: the fleet's in config order, then any others by name.
    package static func holders(of fingerprint: Fingerprint, in ledger: Ledger, config: FleetConfig) -> [String] {
        let prefix = "\(SecretTargetKind.repository.idPrefix):"
        let holding = Set(ledger.targets.filter { $0.key.hasPrefix(prefix) && $0.value.fingerprint == fingerprint }.keys
            .map { String($0.dropFirst(prefix.count)) })
        let fleet = config.repositories.map(\.fullName).filter(holding.contains)
        return fleet + holding.subtracting(fleet).sorted()
    }
}
