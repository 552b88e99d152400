import FoundationEssentials
import PatrolSecrets
import PatrolGitHub

/// What `patrol rotate` did: the rollout of the new token, and what became of the old one.
public struct RotateReport: Sendable {
    /// The rollout of the new token.
    public let rollout: RolloutReport
    /// The token the rotation replaced: the one current before it, per the ledger; nil when there was
    /// none, or when `--force` rolled the current token out again.
    public let previous: TokenRecord?
    /// True when every repository of the fleet now holds the new token: it is current, the old one retired.
    public let completed: Bool
    public let dryRun: Bool
    /// Repositories of the fleet that, per the ledger, do not hold the new token yet, with the token they hold.
    public let remaining: [(target: SecretTarget, holds: Fingerprint?)]
    public let revocation: Revocation
    /// True when `--force` rolled out the token already current: nothing was replaced or retired.
    public var reRolled: Bool = false

    /// What happened to the old token.
    public enum Revocation: Sendable {
        /// `--revoke-old` was not given.
        case notRequested
        /// Not sent, for this reason (the rotation is not complete, or it was a dry run).
        case withheld(String)
        /// `POST /credentials/revoke` answered 202.
        case revoked(Fingerprint)
        /// The call failed; the old token still works.
        case failed(any Error)
    }

    /// Exit 0 when the selected repositories succeeded and a requested revocation (if due) went through.
    public var exitCode: ExitCode {
        if case .failed = revocation { return .failure }
        return rollout.exitCode
    }

    package init(rollout: RolloutReport, previous: TokenRecord?, completed: Bool, dryRun: Bool, remaining: [(target: SecretTarget, holds: Fingerprint?)], revocation: Revocation, reRolled: Bool = false) {
        self.rollout = rollout
        self.previous = previous
        self.completed = completed
        self.dryRun = dryRun
        self.remaining = remaining
        self.revocation = revocation
        self.reRolled = reRolled
    }
}

/// Why `patrol rotate` refused to start. Each is found before anything is uploaded or revoked (exit 2).
public enum RotateError: Error, Equatable, CustomStringConvertible {
    /// The new token is the one the ledger already marks current.
    case alreadyCurrent(Fingerprint)
    /// `--revoke-old` against an API that is not github.com's (GitHub Enterprise Server has no such endpoint).
    case revokeNotAvailable(apiURL: String)
    /// `--revoke-old` but the ledger records no current token to compare the old token with.
    case noCurrentToken
    /// The old token given is not the one the ledger marks current.
    case oldTokenNotCurrent(given: Fingerprint, current: Fingerprint)
    /// The old token given is the new token itself.
    case oldTokenIsNew

    public var description: String {
        switch self {
        case .alreadyCurrent(let fingerprint):
            return "the token \(fingerprint.short) is already current in the ledger: a rotation needs a new token. "
                + "Make one (see `patrol help rotate`), or pass --force to roll this one out again"
        case .revokeNotAvailable(let apiURL):
            return "--revoke-old works on github.com only, and the API here is \(apiURL) (GitHub Enterprise Server has no "
                + "credential revocation endpoint); nothing was uploaded. Drop --revoke-old and delete the old token in its settings page"
        case .noCurrentToken:
            return "--revoke-old: the ledger records no current token, so patrol cannot check that the old token is the fleet's; "
                + "nothing was uploaded. Drop --revoke-old, and delete the old token by hand after the rotation"
        case .oldTokenNotCurrent(let given, let current):
            return "--revoke-old: the old token given is \(given.short), but the ledger's current token is \(current.short); "
                + "nothing was uploaded or revoked. Pass the token the fleet holds now"
        case .oldTokenIsNew:
            return "--revoke-old: the old token given is the new token itself; nothing was uploaded or revoked"
        }
    }
}

extension RotateError {
    /// The checks `rotate` makes before anything is sent: the new token is not the current one (unless
    /// `force`), and a token to revoke is the ledger's current one, on an API that can revoke it.
    package static func check(new token: Token, old: Token?, ledger: Ledger, base: APIBase, force: Bool) throws(RotateError) {
        if let old {
            guard base.isGitHubDotCom || base.isLoopback else { throw .revokeNotAvailable(apiURL: base.url) }
            guard let current = ledger.currentToken else { throw .noCurrentToken }
            guard old.fingerprint == current.fingerprint else { throw .oldTokenNotCurrent(given: old.fingerprint, current: current.fingerprint) }
            guard !old.isSame(as: token) else { throw .oldTokenIsNew }
        }
        if !force, let current = ledger.currentToken, current.fingerprint == token.fingerprint {
            throw .alreadyCurrent(token.fingerprint)
        }
    }
}
