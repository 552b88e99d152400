import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore

/// `patrol rotate` (spec §3.4): roll a new token out to the fleet; once every repository holds it, mark
/// it current and the old one retired, and (with `--revoke-old`) revoke the old one.
package enum RotateCommand {
    package static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let console = context.console
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.rollout.repositories)
        let options = invocation.rotate
        if options.revokeOld, !(base.isGitHubDotCom || base.isLoopback) { throw RotateError.revokeNotAvailable(apiURL: base.url) }

        let page = tokenPage(base: base, config: config)
        let sources = invocation.token.sourceOptions
        let noSourceNamed = !sources.stdin && sources.env == nil && sources.file == nil
            && !TokenSource.isSet(TokenSource.patTokenVariable, inputs: context.tokenInputs)
        if noSourceNamed, context.tokenInputs.isTerminal {
            console.note("make the new token on this page (scopes and description filled in):")
            console.note("  \(page)")
            console.note("choose an expiration of \(config.policy.rotationDays) days, generate it, copy it, and paste it below")
        }
        let resolved = Result { () throws(TokenSourceError) in try TokenSource.resolve(sources, inputs: context.tokenInputs) }
        if case .failure(.noSource) = resolved {
            console.error("make the new token at \(page) (expiration: \(config.policy.rotationDays) days)")
        }
        let token = try resolved.get().token
        let auth = try TokenSource.resolveAuth(envName: invocation.token.authEnvironmentVariable, inputs: context.tokenInputs)?.token
        let old = options.revokeOld
            ? try TokenSource.resolve(TokenSourceOptions(env: options.oldTokenEnvironmentVariable, file: options.oldTokenFilePath),
                                      inputs: context.tokenInputs).token
            : nil
        console.redact([token] + [auth, old].compactMap { $0 })
        _ = try TokenFormat.check(token)
        return try await LedgerStore.withStore({
            try invocation.rollout.dryRun
                ? LedgerStore(readingOnly: config.ledgerPath, secret: config.secret, reason: "a dry run writes nothing")
                : LedgerStore.open(config.ledgerPath, secret: config.secret, command: "patrol rotate", console: console, environment: context.environment)
        }) { ledger in
            return try await context.withConnection(base, as: auth ?? token, options: invocation.rollout) { client in
                var rollout = RolloutCommand.RolloutPlan(command: "rotate", config: config, repositories: repositories, token: token,
                                                         client: client, ledger: ledger, options: invocation.rollout)
                rollout.streams = !invocation.global.json
                // As in rollout: a signal ends patrol at once until the preflight passed, then stops new requests.
                rollout.afterPreflight = { [context] _ in context.interrupt.stopsGracefully() }
                rollout.shouldStop = { [context] in context.shouldStop }
                let report = try await perform(RotatePlan(rollout: rollout, base: base, force: options.force, oldToken: old), console: console)
                print(report, config: config, base: base, json: invocation.global.json, console: console)
                return RolloutCommand.interrupted(report.rollout, context: context,
                                                  advice: "run patrol rotate --resume with the same new token; the old one stays valid meanwhile")
                    ?? report.exitCode
            }
        }
    }

    /// What one rotation needs; `rollout.token` is the new token. Shared with `demo`.
    package struct RotatePlan {
        package let rollout: RolloutCommand.RolloutPlan
        package let base: APIBase
        /// `--force`: roll out even the token already current.
        package var force: Bool = false
        /// The token to revoke after a complete rotation (`--revoke-old`); nil to leave it.
        package var oldToken: Token? = nil

        package init(rollout: RolloutCommand.RolloutPlan, base: APIBase, force: Bool = false, oldToken: Token? = nil) {
            self.rollout = rollout
            self.base = base
            self.force = force
            self.oldToken = oldToken
        }
    }

    /// Checks, preflight, rollout, ledger bookkeeping, then the revocation when asked for and due.
    /// Throws ``RotateError`` before anything is sent, and what the preflight throws; never after an upload.
    package static func perform(_ plan: RotatePlan, console: Console) async throws -> RotateReport {
        let token = plan.rollout.token
        let before = await plan.rollout.ledger.snapshot
        try RotateError.check(new: token, old: plan.oldToken, ledger: before, base: plan.base, force: plan.force)
        // With --force the new token may be the current one: then nothing is replaced and nothing retires.
        let sameToken = before.currentToken?.fingerprint == token.fingerprint
        let previous = sameToken ? nil : before.currentToken
        if before.currentToken == nil { console.note("the ledger records no current token: this rotation is a first rollout") }
        if sameToken { console.note("--force: rolling out the current token \(token.fingerprint.short) again; it stays current and nothing is retired") }

        var rolloutPlan = plan.rollout
        let earlier = plan.rollout.afterPreflight
        rolloutPlan.afterPreflight = { facts in
            try await earlier?(facts)
            if let previous, previous.login.lowercased() != facts.user.login.lowercased() {
                console.error("warning: the new token belongs to \(facts.user.login), the current one (\(previous.fingerprint.short)) to "
                              + "\(previous.login); the fleet's workflows will act as \(facts.user.login) from now on")
            }
        }
        let rollout = try await RolloutCommand.perform(rolloutPlan, console: console)
        let after = await plan.rollout.ledger.snapshot
        let dryRun = plan.rollout.options.dryRun
        let remaining = plan.rollout.config.repositories
            .filter { !after.holds($0, token.fingerprint) }
            .map { (repository: $0, holds: after.repositories[$0.fullName]?.fingerprint) }
        let completed = !dryRun && after.currentToken?.fingerprint == token.fingerprint && remaining.isEmpty

        let revocation: RotateReport.Revocation
        if let old = plan.oldToken {
            if dryRun {
                revocation = .withheld("dry run: nothing uploaded, so nothing revoked")
            } else if !completed {
                revocation = .withheld("the rotation is not complete; the old token stays valid until every repository holds the new one")
            } else {
                do {
                    try await plan.rollout.client.revokeCredentials([old])
                    revocation = .revoked(old.fingerprint)
                } catch {
                    revocation = .failed(error)
                }
            }
        } else {
            revocation = .notRequested
        }
        return RotateReport(rollout: rollout, previous: previous, completed: completed, dryRun: dryRun,
                            remaining: remaining, revocation: revocation, reRolled: sameToken)
    }

    /// The pre-filled page where the user makes the new token: host from the API, scopes and description from the config.
    package static func tokenPage(base: APIBase, config: FleetConfig) -> String {
        TokenPages.newToken(webRoot: base.webRoot, scopes: config.policy.requiredScopes, description: config.tokenDescription)
    }

    /// The settings page where tokens are deleted.
    package static func tokensPage(base: APIBase) -> String {
        TokenPages.list(webRoot: base.webRoot)
    }

    package static func print(_ report: RotateReport, config: FleetConfig, base: APIBase, json: Bool, console: Console) {
        if json {
            console.result(self.json(report).text)
        } else {
            // The repository lines were streamed as each finished.
            console.result(report.rollout.summary(console: console))
            for line in summary(report, config: config, base: base) { console.result(line) }
        }
        if let owner = report.rollout.ownerMismatch(config: config) { console.error(owner) }
        if case .failed(let error) = report.revocation {
            console.error("error: the old token was not revoked: \(error). Delete it at \(tokensPage(base: base))")
        }
    }

    /// What the rotation left behind and what is left to do.
    package static func summary(_ report: RotateReport, config: FleetConfig, base: APIBase) -> [String] {
        let new = report.rollout.fingerprint.short
        let old = report.previous.map { "\($0.fingerprint.short) (\($0.login))" }
        if report.dryRun { return ["dry run: nothing uploaded; the ledger is unchanged"] }
        guard report.completed else {
            if report.reRolled {
                var lines = ["rolled out again, incomplete: \(report.remaining.count) of \(config.repositories.count) repositories "
                             + "do not hold the current token \(new) (per the ledger); it stays current:"]
                for (repository, holds) in report.remaining {
                    lines.append("  \(repository.fullName) holds \(holds?.short ?? "nothing patrol wrote")")
                }
                lines.append("fix what the failed lines say, then run `patrol rotate --force --resume` with the same token")
                return lines
            }
            var lines = ["rotation incomplete: the new token \(new) stays pending; \(report.remaining.count) of "
                         + "\(config.repositories.count) repositories do not hold it yet (per the ledger):"]
            for (repository, holds) in report.remaining {
                lines.append("  \(repository.fullName) holds \(holds?.short ?? "nothing patrol wrote")")
            }
            lines.append("fix what the failed lines say, then run `patrol rotate --resume` with the same new token; "
                         + "the old token keeps working meanwhile — do not revoke it yet")
            if case .withheld = report.revocation { lines.append("the old token was not revoked: the rotation is not complete") }
            return lines
        }
        if report.reRolled {
            return ["rolled out again: every repository holds \(new), which stays current; no token was retired and there is nothing to delete"]
        }
        var lines = ["rotated: every repository holds \(new); it is current" + (old.map { ", and \($0) is retired" } ?? "")]
        switch report.revocation {
        case .revoked(let fingerprint):
            lines.append("revoked the old token \(fingerprint.short) (POST /credentials/revoke → 202); nothing is left to do")
        case .failed:
            break
        case .notRequested, .withheld:
            if let old {
                lines.append("left to do: delete the old token \(old) at \(tokensPage(base: base)) — "
                             + "or next time pass --revoke-old --old-token-env NAME")
            }
        }
        return lines
    }

    /// The rollout's JSON document (spec §3.3, `"command": "rotate"`) with the rotation's own keys after it.
    package static func json(_ report: RotateReport) -> JSONValue {
        guard case .object(var pairs) = report.rollout.json else { return report.rollout.json }
        let revocation: JSONValue = switch report.revocation {
        case .notRequested: .object([("status", "not-requested")])
        case .withheld(let reason): .object([("status", "withheld"), ("reason", .string(reason))])
        case .revoked(let fingerprint): .object([("status", "revoked"), ("fingerprint", .string(fingerprint.value))])
        case .failed(let error): .object([("status", "failed"), ("error", .string("\(error)"))])
        }
        pairs.append(("previous", report.previous.map { .object([("fingerprint", .string($0.fingerprint.value)), ("login", .string($0.login))]) } ?? .null))
        pairs.append(("reRolled", .bool(report.reRolled)))
        pairs.append(("completed", .bool(report.completed)))
        pairs.append(("pending", .array(report.remaining.map { entry in
            .object([("repository", .string(entry.repository.fullName)), ("holds", .optional(entry.holds?.value))])
        })))
        pairs.append(("revocation", revocation))
        return .object(pairs)
    }
}
