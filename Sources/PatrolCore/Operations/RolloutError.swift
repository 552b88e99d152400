import FoundationEssentials
import PatrolSecrets

/// Why `patrol rollout` refused to start. Found from the ledger before any request (exit 2).
public enum RolloutError: Error, Equatable, CustomStringConvertible {
    /// The token is not the ledger's current one: replacing it is a rotation (spec §3.3).
    case notCurrentToken(given: Fingerprint, current: Fingerprint, currentLogin: String)

    public var description: String {
        switch self {
        case .notCurrentToken(let given, let current, let login):
            return "the token \(given.short) is not the fleet's current token \(current.short) (\(login)) per the ledger; "
                + "nothing was uploaded. To replace the current token, run `patrol rotate` with the new one: it checks the "
                + "account, retires the old token and says what is left to do. To roll the current token out again, give that one"
        }
    }
}

extension RolloutError {
    /// Refuses a rollout that would silently replace the ledger's current token. A first rollout (no current
    /// token) and a `resume` pass; a `dryRun` passes with a note on `console` that the token would replace the current one.
    package static func check(_ token: Token, ledger: Ledger, resume: Bool, dryRun: Bool, console: Console) throws(RolloutError) {
        guard !resume, let current = ledger.currentToken, current.fingerprint != token.fingerprint else { return }
        guard !dryRun else {
            console.error("note: this token \(token.fingerprint.short) would replace the current token \(current.fingerprint.short) "
                          + "(\(current.login)); a rollout refuses that: use `patrol rotate` to replace it")
            return
        }
        throw .notCurrentToken(given: token.fingerprint, current: current.fingerprint, currentLogin: current.login)
    }
}
