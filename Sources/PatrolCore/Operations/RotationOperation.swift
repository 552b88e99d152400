import FoundationEssentials
import PatrolSecrets
import PatrolGitHub

/// One rotation from start to end (spec §3.4): the checks, the rollout of the new token (its preflight, a
/// warning when the account changes, the ledger's bookkeeping), what is left, and the revocation of the old
/// token when asked for and due. `rotate` and the demo run it.
package struct RotationOperation: Sendable {
    /// The rollout of the new token (`rollout.token`).
    package let rollout: RolloutOperation
    package let base: APIBase
    /// `--force`: roll out even the token already current.
    package var force = false
    /// The token to revoke after a complete rotation (`--revoke-old`); nil to leave it.
    package var oldToken: Token? = nil

    package init(rollout: RolloutOperation, base: APIBase, force: Bool = false, oldToken: Token? = nil) {
        self.rollout = rollout
        self.base = base
        self.force = force
        self.oldToken = oldToken
    }

    /// Checks, preflight, rollout, ledger bookkeeping, then the revocation when asked for and due.
    /// Throws ``RotateError`` before anything is sent, and what the preflight throws; never after an upload.
    package func run() async throws -> RotateReport {
        let token = rollout.token, console = rollout.console, ledger = rollout.ledger
        let before = await ledger.snapshot
        try RotateError.check(new: token, old: oldToken, ledger: before, base: base, force: force)
        // With --force the new token may be the current one: then nothing is replaced and nothing retires.
        let sameToken = before.currentToken?.fingerprint == token.fingerprint
        let previous = sameToken ? nil : before.currentToken
        if before.currentToken == nil { console.note("the ledger records no current token: this rotation is a first rollout") }
        if sameToken { console.note("--force: rolling out the current token \(token.fingerprint.short) again; it stays current and nothing is retired") }

        let report = try await rollout.run(checked: { facts in
            if let previous, previous.login.lowercased() != facts.user.login.lowercased() {
                console.error("warning: the new token belongs to \(facts.user.login), the current one (\(previous.fingerprint.short)) to "
                              + "\(previous.login); the fleet's workflows will act as \(facts.user.login) from now on")
            }
        })
        let after = await ledger.snapshot
        let dryRun = rollout.settings.dryRun
        // Complete only when every target of the whole fleet holds the new token (all targets or none marked current).
        let remaining = rollout.config.secretTargets()
            .filter { !after.holds($0, token.fingerprint) }
            .map { (target: $0, holds: after.record($0)?.fingerprint) }
        let completed = !dryRun && after.currentToken?.fingerprint == token.fingerprint && remaining.isEmpty

        let revocation: RotateReport.Revocation
        if let old = oldToken {
            if dryRun {
                revocation = .withheld("dry run: nothing uploaded, so nothing revoked")
            } else if !completed {
                revocation = .withheld("the rotation is not complete; the old token stays valid until every repository holds the new one")
            } else {
                do {
                    try await rollout.client.revokeCredentials([old])
                    revocation = .revoked(old.fingerprint)
                } catch {
                    revocation = .failed(error)
                }
            }
        } else {
            revocation = .notRequested
        }
        return RotateReport(rollout: report, previous: previous, completed: completed, dryRun: dryRun,
                            remaining: remaining, revocation: revocation, reRolled: sameToken)
    }
}
