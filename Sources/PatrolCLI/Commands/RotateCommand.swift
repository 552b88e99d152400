import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub
import PatrolCore

/// `patrol rotate` (spec §3.4): roll a new token out to the fleet; once every repository holds it, mark
/// it current and the old one retired, and (with `--revoke-old`) revoke the old one.
package enum RotateCommand {
    package static func run(_ invocation: RotateArguments, context: Context) async throws -> ExitCode {
        // `rotate --app-key-file NEW.pem` with no token source rotates the App's private key (App/AppKeyRotationCommand).
        if AppKeyRotationCommand.applies(invocation) { return try await AppKeyRotationCommand.run(invocation, context: context) }
        let console = context.console
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.rollout.repositories)
        _ = try config.selectingKinds(invocation.rollout.targets)
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
        let app = try context.appSession(invocation, config: config, scope: .secretsWrite(repositories, targets: config.secretTargets(of: repositories, kinds: invocation.rollout.targets)))
        return try await LedgerStore.withStore({
            try await invocation.rollout.dryRun
                ? LedgerStore(readingOnly: config.ledgerPath, secret: config.secret, reason: "a dry run writes nothing")
                : LedgerStore.open(config.ledgerPath, secret: config.secret, command: "patrol rotate", console: console, environment: context.environment,
                                  clock: context.clock)
        }) { ledger in
            return try await context.withConnection(base, as: auth ?? token, options: invocation.rollout, app: app) { client in
                // As in rollout: a signal ends patrol at once until the preflight passed, then stops new requests.
                let rollout = RolloutOperation(command: "rotate", config: config, repositories: repositories, token: token, client: client,
                                               ledger: ledger, settings: invocation.rollout.settings, console: console)
                    .wired(to: context, streams: !invocation.global.json)
                let report = try await RotationOperation(rollout: rollout, base: base, force: options.force, oldToken: old).run()
                print(report, config: config, base: base, json: invocation.global.json, console: console)
                return RolloutCommand.interrupted(report.rollout, context: context,
                                                  advice: "run patrol rotate --resume with the same new token; the old one stays valid meanwhile")
                    ?? report.exitCode
            }
        }
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
            console.result(document(report))
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
        let targets = config.secretTargets()
        let ids = RolloutReport.showsTargetIDs(targets)
        let places = ids ? "targets" : "repositories"
        guard report.completed else {
            if report.reRolled {
                var lines = ["rolled out again, incomplete: \(report.remaining.count) of \(targets.count) \(places) "
                             + "do not hold the current token \(new) (per the ledger); it stays current:"]
                for (target, holds) in report.remaining {
                    lines.append("  \(RolloutReport.label(target, ids: ids)) holds \(holds?.short ?? "nothing patrol wrote")")
                }
                lines.append("fix what the failed lines say, then run `patrol rotate --force --resume` with the same token")
                return lines
            }
            var lines = ["rotation incomplete: the new token \(new) stays pending; \(report.remaining.count) of "
                         + "\(targets.count) \(places) do not hold it yet (per the ledger):"]
            for (target, holds) in report.remaining {
                lines.append("  \(RolloutReport.label(target, ids: ids)) holds \(holds?.short ?? "nothing patrol wrote")")
            }
            lines.append("fix what the failed lines say, then run `patrol rotate --resume` with the same new token; "
                         + "the old token keeps working meanwhile — do not revoke it yet")
            if case .withheld = report.revocation { lines.append("the old token was not revoked: the rotation is not complete") }
            return lines
        }
        if report.reRolled {
            return ["rolled out again: every \(ids ? "target" : "repository") holds \(new), which stays current; no token was retired and there is nothing to delete"]
        }
        var lines = ["rotated: every \(ids ? "target" : "repository") holds \(new); it is current" + (old.map { ", and \($0) is retired" } ?? "")]
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
    package static func json(_ report: RotateReport) -> JSONValue { document(report).value }

    /// ``json(_:)`` as a document whose rows are made one at a time as it is written.
    package static func document(_ report: RotateReport) -> JSONDocument {
        var document = report.rollout.jsonDocument
        let revocation: JSONValue = switch report.revocation {
        case .notRequested: .object([("status", "not-requested")])
        case .withheld(let reason): .object([("status", "withheld"), ("reason", .string(reason))])
        case .revoked(let fingerprint): .object([("status", "revoked"), ("fingerprint", .string(fingerprint.value))])
        case .failed(let error): .object([("status", "failed"), ("error", .string("\(error)"))])
        }
        document.append("previous", report.previous.map { .object([("fingerprint", .string($0.fingerprint.value)), ("login", .string($0.login))]) } ?? .null)
        document.append("reRolled", .bool(report.reRolled))
        document.append("completed", .bool(report.completed))
        let remaining = report.remaining
        document.members.append(("pending", .rows(count: remaining.count) { index in
            let entry = remaining[index]
            return .object([("repository", .optional(entry.target.repository?.fullName)), ("target", .string(entry.target.id)),
                            ("kind", .string(entry.target.kind.rawValue)), ("holds", .optional(entry.holds?.value))])
        }))
        document.append("revocation", revocation)
        return document
    }
}
