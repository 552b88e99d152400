import FoundationEssentials
import PatrolCore
import PatrolGitHub
import PatrolSupport

/// `patrol app rollout`: runs ``AppRollout`` with the App itself as the caller, the ledger locked and journaled (read
/// only for `--dry-run`), and prints one line per target as it finishes.
package enum AppRolloutCommand {
    static func run(_ invocation: AppArguments, context: Context) async throws -> ExitCode {
        guard invocation.action == "rollout" else {
            throw UsageError.missingRequirement(option: "app", needs: "an action: patrol app rollout", command: .app)
        }
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.app.repositories)
        let kinds = try config.selectingKinds(invocation.app.targets)
        guard let credentials = try context.appCredentials(invocation, config: config) else {
            throw AppCallerError.incomplete(missing: "App id or private key")
        }
        let settings = Settings(resume: invocation.app.resume, concurrency: invocation.app.concurrency, json: invocation.global.json,
                                dryRun: invocation.app.dryRun, kinds: kinds)
        let outcomes = try await deliver(credentials, to: repositories, config: config, base: base, settings: settings, context: context)
        let failed = outcomes.filter { !$0.succeeded }.count
        let console = context.console
        if settings.json {
            console.result(document(outcomes, credentials: credentials, names: config.appNames, failed: failed, dryRun: settings.dryRun).text)
        } else {
            console.result(summary(outcomes, credentials: credentials, names: config.appNames, dryRun: settings.dryRun))
        }
        if let stopped = interrupted(outcomes, command: "app rollout", context: context) { return stopped }
        if settings.dryRun {
            if failed == 0 && !settings.json { console.note("a dry run: nothing was written; run patrol app rollout without --dry-run to do it") }
        } else if failed > 0 {
            console.error("fix what the failed lines say, then run `patrol app rollout --resume`: it sets only the targets "
                          + "that do not hold this key yet")
        } else if !settings.json {
            // GitHub has no API for an App's keys: after a new key is out, the old one is deleted by hand (spec §10).
            console.note("if this key replaces another, run `patrol rotate --app-key-file` with it instead: it names the key to delete")
        }
        return failed == 0 ? .success : .failure
    }

    /// What the command line chose for one run.
    struct Settings {
        var resume: Bool
        var concurrency: Int
        var json: Bool
        /// `--dry-run`: read and seal, write nothing.
        var dryRun = false
        /// `--targets`: the kinds of target (nil: every kind the config has).
        var kinds: Set<SecretTargetKind>? = nil
    }

    /// Opens the ledger for writing (read only for a dry run) and runs ``AppRollout`` as the App (its installation token
    /// narrowed to the fleet and to write on the secrets and variables of the targets' kinds) over the config's targets
    /// of `repositories`, printing each target's line as it finishes (unless `--json`); stops starting targets on a signal
    /// once the App's first token was minted. Shared by `app rollout` and `rotate --app-key-file`.
    static func deliver(_ credentials: AppCredentials, to repositories: [RepositoryName], config: FleetConfig, base: APIBase,
                        settings: Settings, command: String = "app rollout", context: Context,
                        afterFirstToken: @escaping @Sendable (AppSession) async throws -> Void = { _ in }) async throws -> [AppRollout.Outcome] {
        let targets = config.secretTargets(of: repositories, kinds: settings.kinds)
        let scope = AppScope.appCredentialsWrite(repositories, kinds: Set(targets.map(\.kind)))
        let session = AppSession(credentials: credentials, owner: config.owner, scope: scope, console: context.console)
        let console = context.console
        let ids = RolloutReport.showsTargetIDs(targets)
        let width = targets.map { RolloutReport.label($0, ids: ids).count }.max() ?? 0
        let names = config.appNames
        return try await LedgerStore.withStore({
            // A dry run writes nothing, so it takes no lock and creates no file (spec §6).
            try await settings.dryRun
                ? LedgerStore(readingOnly: config.ledgerPath, secret: config.secret, reason: "a dry run writes nothing")
                : LedgerStore.open(config.ledgerPath, secret: config.secret, command: "patrol \(command)", console: console,
                                   environment: context.environment, clock: context.clock)
        }) { ledger in
            try await context.withConnection(base, as: session.standIn, app: session) { client in
                try await afterFirstToken(session)
                try await RolloutOperation.checkOrganization(of: targets, client: client, configPath: config.path)
                // The App's key and id are accepted: from here a signal stops new work and what finished is recorded.
                context.interrupt.stopsGracefully()
                var rollout = AppRollout(client: client, credentials: credentials, targets: targets, ledger: ledger)
                rollout.fleet = config.secretTargets()
                rollout.organization = OrganizationSelection(fleet: config.repositories,
                                                             visibility: config.targets.organization?.visibility ?? .selected)
                rollout.names = names
                rollout.resume = settings.resume
                rollout.dryRun = settings.dryRun
                rollout.concurrency = settings.concurrency
                rollout.command = command
                rollout.shouldStop = { [context] in context.shouldStop }
                let total = targets.count
                rollout.progress = { done in console.progress("\(command) \(done)/\(total) …") }
                if !settings.json {
                    rollout.finished = { outcome in console.result(line(outcome, width: width, names: names, ids: ids)) }
                }
                console.progress("\(command) 0/\(total) …")
                let outcomes = try await rollout.run()
                console.clearProgress()
                return outcomes
            }
        }
    }

    /// One target's line: named by its id when the targets are not all repositories' (`ids`), else by `owner/name`.
    package static func line(_ outcome: AppRollout.Outcome, width: Int, names: AppCredentialNames, ids: Bool = false) -> String {
        let name = RolloutReport.label(outcome.target, ids: ids).padded(toWidth: width)
        switch outcome {
        case .verified(_, let variable, let updatedAt):
            return "✓ \(name)  " + (variable.map { "\(names.variable) \($0), " } ?? "")
                + "\(names.secret) set, verified: updated_at \(ISO8601.format(updatedAt))"
        case .planned(_, let variable, let plan):
            return "✓ \(name)  would " + (variable.map { "\(names.variable): \($0); " } ?? "") + "\(names.secret): \(plan.summary)"
        case .alreadyHeld:
            return "· \(name)  skipped: holds this key already (per the ledger)"
        case .failed(_, _, let error):
            return "✗ \(name)  failed: \(error)"
        case .notStarted(_, let reason):
            return "· \(name)  \(reason)"
        }
    }

    /// The summary line: how many targets hold the App's id and key (or, for a dry run, are ready).
    static func summary(_ outcomes: [AppRollout.Outcome], credentials: AppCredentials, names: AppCredentialNames,
                        dryRun: Bool = false) -> String {
        let held = outcomes.filter(\.succeeded).count
        let noun = outcomes.allSatisfy { $0.target.kind == .repository } ? "repositories" : "targets"
        if dryRun {
            return "app rollout (dry run): \(held)/\(outcomes.count) \(noun) ready for \(names.variable)=\(credentials.appID) "
                + "and the key \(credentials.key.fingerprint) as \(names.secret); nothing written"
        }
        return "app rollout: \(held)/\(outcomes.count) \(noun) hold \(names.variable)=\(credentials.appID) "
            + "and the key \(credentials.key.fingerprint) as \(names.secret)"
    }

    /// After a run a signal cut short: says what finished and what to run, and gives 130 or 143. Nil when no signal came.
    static func interrupted(_ outcomes: [AppRollout.Outcome], command: String, context: Context) -> ExitCode? {
        guard let signal = context.interrupt.signal else { return nil }
        context.console.clearProgress()
        let held = outcomes.filter(\.succeeded).count
        context.console.error("interrupted: \(held)/\(outcomes.count) targets verified; "
                              + (held == outcomes.count ? "nothing is left to do" : "run patrol \(command) --resume"))
        return .stopped(by: signal)
    }

    /// The `--json` document: the App, its key's fingerprint, one row per target (its id and kind, the repository or
    /// null for an organization's; a dry run's plan), the summary.
    static func document(_ outcomes: [AppRollout.Outcome], credentials: AppCredentials, names: AppCredentialNames, failed: Int,
                         command: String = "app rollout", dryRun: Bool = false, extra: [(String, JSONValue)] = []) -> JSONValue {
        let rows: [JSONValue] = outcomes.map { outcome in
            let updated: String? = outcome.secretUpdatedAt.map(ISO8601.format)
            var fields: [(String, JSONValue)] = [
                ("target", JSONValue.string(outcome.target.id)),
                ("kind", JSONValue.string(outcome.target.kind.rawValue)),
                ("repository", JSONValue.optional(outcome.repository?.fullName)),
                ("status", JSONValue.string(outcome.status)),
                ("variable", JSONValue.optional(outcome.variable)),
                ("secretUpdatedAt", JSONValue.optional(updated)),
                ("error", JSONValue.optional(outcome.error)),
            ]
            if dryRun { fields.append(("plan", JSONValue.optional(outcome.plan?.summary))) }
            return JSONValue.object(fields)
        }
        let summary: [(String, JSONValue)] = [("total", .number(Double(outcomes.count))),
                                              ("succeeded", .number(Double(outcomes.count - failed))), ("failed", .number(Double(failed)))]
        return JSONValue.object([
            ("command", JSONValue.string(command)),
            ("appId", JSONValue.number(Double(credentials.appID))),
            ("variable", JSONValue.string(names.variable)),
            ("secret", JSONValue.string(names.secret)),
            ("keyFingerprint", JSONValue.string(credentials.key.fingerprint.value)),
            ("dryRun", JSONValue.bool(dryRun)),
        ] + extra + [
            ("repositories", JSONValue.array(rows)),
            ("summary", JSONValue.object(summary)),
        ])
    }
}
