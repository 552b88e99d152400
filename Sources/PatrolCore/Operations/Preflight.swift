import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// The checks a token passes before anything is uploaded (spec §3.3 step 1). A failure here uploads nothing.
public struct Preflight: Sendable {
    /// What the preflight learnt about the token.
    public struct Facts: Sendable {
        public let kind: TokenKind
        public let user: AuthenticatedUser
        /// The expiry patrol trusts; nil when the token never expires or the header was suspect.
        public let expiresAt: Date?
        /// Things worth saying that do not stop the run.
        public let warnings: [String]

        package init(kind: TokenKind, user: AuthenticatedUser, expiresAt: Date?, warnings: [String]) {
            self.kind = kind
            self.user = user
            self.expiresAt = expiresAt
            self.warnings = warnings
        }
    }

    package let policy: TokenPolicy
    /// `--allow-expiring`: roll out a token inside `criticalDays` (or expired), with a warning instead of a refusal.
    package let allowExpiring: Bool

    public init(policy: TokenPolicy, allowExpiring: Bool = false) {
        self.policy = policy
        self.allowExpiring = allowExpiring
    }

    /// Checks the format offline, then asks GitHub who the token is (`GET /user`, the one request a rejected token costs),
    /// and judges its expiry at `now` against the policy's `warnDays` and `criticalDays`, as `patrol expiry` does.
    public func check(_ token: Token, client: GitHubClient, now: Date) async throws -> Facts {
        let kind = try TokenFormat.check(token)
        let user: AuthenticatedUser
        do {
            user = try await client.authenticated(with: token).authenticatedUser()
        } catch let error as GitHubError where error.isBadCredentials {
            throw PreflightError.rejected(error)
        }
        var warnings: [String] = []
        if let scopes = user.scopes, kind == .classic || !scopes.isEmpty {
            let missing = Scopes.missing(policy.requiredScopes, granted: scopes)
            guard missing.isEmpty else { throw PreflightError.missingScopes(missing, granted: scopes) }
        } else {
            warnings.append("this \(kind.rawValue) token reports no scopes; its permissions are checked by each repository's upload (Secrets: read and write)")
        }
        let expiresAt: Date?
        switch user.expiry {
        case .at(let date):
            expiresAt = date
            if let warning = try judge(date, now: now) { warnings.append(warning) }
        case .none:
            guard policy.allowNoExpiration else { throw PreflightError.noExpiration(rotationDays: policy.rotationDays) }
            expiresAt = nil
            warnings.append("the token never expires; the policy allows it, but a \(policy.rotationDays)-day expiry is safer")
        case .suspect(let date, let reason):
            expiresAt = nil
            warnings.append("GitHub reported an expiry of \(ISO8601.format(date)), which is not credible (\(reason)); it was not recorded")
        case .unreadable(let raw):
            expiresAt = nil
            warnings.append("GitHub's expiry header could not be read (\(raw)); it was not recorded")
        }
        return Facts(kind: kind, user: user, expiresAt: expiresAt, warnings: warnings)
    }

    /// The warning for a token that expires at `date`, or nil when it has long enough; throws
    /// ``PreflightError/expiring(status:reason:)`` inside `criticalDays` or after the date, unless `allowExpiring`.
    package func judge(_ date: Date, now: Date) throws(PreflightError) -> String? {
        // The same judgement as `patrol expiry`, so the two never disagree about one token.
        let verdict = ExpiryCheck.evaluate(.expires(date), firstSeen: nil, thresholds: ExpiryThresholds(policy: policy), now: now)
        let reason = verdict.reasons.joined(separator: "; ")
        switch verdict.status {
        case .critical, .expired:
            guard allowExpiring else { throw .expiring(status: verdict.status, reason: reason) }
            return "the token is \(verdict.status.rawValue) (\(reason)); rolled out anyway because of --allow-expiring. "
                + "Make a new token and run `patrol rotate` soon"
        case .warning:
            return "the token expires soon (\(reason)); make a new token and run `patrol rotate` before it expires"
        case .ok, .noExpiration, .unknown:
            return nil
        }
    }
}

/// Why a token did not pass the preflight.
public enum PreflightError: Error, Equatable, CustomStringConvertible {
    /// GitHub answered 401 to `GET /user`.
    case rejected(GitHubError)
    /// A classic token lacks scopes the policy requires.
    case missingScopes([String], granted: [String])
    /// The token never expires and `policy.allowNoExpiration` is false.
    case noExpiration(rotationDays: Int)
    /// The token is inside `criticalDays` or past its date, and `--allow-expiring` was not given.
    case expiring(status: ExpiryStatus, reason: String)

    /// True when the token itself is the problem in a way that exits 4 (spec §3.2).
    /// Every preflight failure is: rejected (401), a scope missing, no expiry against the policy, or expiring.
    public var isCredentialProblem: Bool {
        switch self {
        case .rejected, .missingScopes, .noExpiration, .expiring: true
        }
    }

    public var description: String {
        switch self {
        case .rejected(let error):
            return "GitHub rejected the token (401 \"\(error.message)\"\(error.requestID.map { ", request id \($0)" } ?? "")): "
                + "it is expired, revoked or mistyped. Nothing was uploaded. Make a new token or copy it again; "
                + "patrol stops at the first rejection because GitHub locks an account out after repeated bad credentials"
        case .missingScopes(let missing, let granted):
            let has = granted.isEmpty ? "no scopes" : "only " + granted.joined(separator: ", ")
            return "the token lacks the scope\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) "
                + "(it has \(has)). Nothing was uploaded. Make a token with the policy's scopes "
                + "(policy.requiredScopes in the config); the repositories' workflows need them to dispatch"
        case .noExpiration(let days):
            return "the token never expires, and the policy does not allow that (policy.allowNoExpiration). "
                + "Nothing was uploaded. Make a token that expires in \(days) days, or set allowNoExpiration to true"
        case .expiring(let status, let reason):
            return "the token is \(status == .expired ? "expired" : "about to expire") (\(reason)); nothing was uploaded: "
                + "every repository would break with it soon. Make a new token and run `patrol rotate` with it, "
                + "or pass --allow-expiring to roll this one out anyway"
        }
    }
}
