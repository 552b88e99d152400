import Foundation
import PatrolCore
import PatrolGitHub
import PatrolSupport

/// `patrol app rollout`: runs ``AppRollout`` with the App itself as the caller, the ledger locked and journaled, and
/// prints one line per repository as it finishes.
package enum AppRolloutCommand {
    static func run(_ invocation: AppArguments, context: Context) async throws -> ExitCode {
        guard invocation.action == "rollout" else {
            throw UsageError.missingRequirement(option: "app", needs: "an action: patrol app rollout", command: .app)
        }
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.app.repositories)
        guard let credentials = try context.appCredentials(invocation, config: config) else {
            throw AppCallerError.incomplete(missing: "App id or private key")
        }
        let settings = Settings(resume: invocation.app.resume, concurrency: invocation.app.concurrency, json: invocation.global.json)
        let outcomes = try await deliver(credentials, to: repositories, config: config, base: base, settings: settings, context: context)
        let failed = outcomes.filter { !$0.succeeded }.count
        let console = context.console
        if settings.json {
            console.result(document(outcomes, credentials: credentials, names: config.appNames, failed: failed).text)
        } else {
            console.result(summary(outcomes, credentials: credentials, names: config.appNames))
        }
        if let stopped = interrupted(outcomes, command: "app rollout", context: context) { return stopped }
        if failed > 0 {
            console.error("fix what the failed lines say, then run `patrol app rollout --resume`: it sets only the repositories "
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
    }

    /// Opens the ledger for writing and runs ``AppRollout`` as the App (its installation token narrowed to Secrets and
    /// Variables: write), printing each repository's line as it finishes (unless `--json`); stops starting repositories
    /// on a signal once the App's first token was minted. Shared by `app rollout` and `rotate --app-key-file`.
    static func deliver(_ credentials: AppCredentials, to repositories: [RepositoryName], config: FleetConfig, base: APIBase,
                        settings: Settings, command: String = "app rollout", context: Context,
                        afterFirstToken: @escaping @Sendable (AppSession) async throws -> Void = { _ in }) async throws -> [AppRollout.Outcome] {
        let scope = AppScope(repositories: repositories, permissions: ["secrets": "write", "actions_variables": "write"])
        let session = AppSession(credentials: credentials, owner: config.owner, scope: scope, console: context.console)
        let console = context.console
        let width = repositories.map(\.fullName.count).max() ?? 0
        let names = config.appNames
        return try await LedgerStore.withStore({
            try await LedgerStore.open(config.ledgerPath, secret: config.secret, command: "patrol \(command)", console: console,
                                       environment: context.environment, clock: context.clock)
        }) { ledger in
            try await context.withConnection(base, as: session.standIn, app: session) { client in
                try await afterFirstToken(session)
                // The App's key and id are accepted: from here a signal stops new work and what finished is recorded.
                context.interrupt.stopsGracefully()
                var rollout = AppRollout(client: client, credentials: credentials, repositories: repositories, ledger: ledger)
                rollout.fleet = config.repositories
                rollout.names = names
                rollout.resume = settings.resume
                rollout.concurrency = settings.concurrency
                rollout.command = command
                rollout.shouldStop = { [context] in context.shouldStop }
                let total = repositories.count
                rollout.progress = { done in console.progress("\(command) \(done)/\(total) …") }
                if !settings.json {
                    rollout.finished = { outcome in console.result(line(outcome, width: width, names: names)) }
                }
                console.progress("\(command) 0/\(total) …")
                let outcomes = try await rollout.run()
                console.clearProgress()
                return outcomes
            }
        }
    }

    /// One repository's line.
    package static func line(_ outcome: AppRollout.Outcome, width: Int, names: AppCredentialNames) -> String {
        let name = outcome.repository.fullName.padding(toLength: width, withPad: " ", startingAt: 0)
        switch outcome {
        case .verified(_, let variable, let updatedAt):
            return "✓ \(name)  \(names.variable) \(variable), \(names.secret) set, verified: updated_at \(ISO8601.format(updatedAt))"
        case .alreadyHeld:
            return "· \(name)  skipped: holds this key already (per the ledger)"
        case .failed(_, _, let error):
            return "✗ \(name)  failed: \(error)"
        case .notStarted(_, let reason):
            return "· \(name)  \(reason)"
        }
    }

    /// The summary line: how many repositories hold the App's id and key.
    static func summary(_ outcomes: [AppRollout.Outcome], credentials: AppCredentials, names: AppCredentialNames) -> String {
        let held = outcomes.filter(\.succeeded).count
        return "app rollout: \(held)/\(outcomes.count) repositories hold \(names.variable)=\(credentials.appID) "
            + "and the key \(credentials.key.fingerprint) as \(names.secret)"
    }

    /// After a run a signal cut short: says what finished and what to run, and gives 130 or 143. Nil when no signal came.
    static func interrupted(_ outcomes: [AppRollout.Outcome], command: String, context: Context) -> ExitCode? {
        guard let signal = context.interrupt.signal else { return nil }
        context.console.clearProgress()
        let held = outcomes.filter(\.succeeded).count
        context.console.error("interrupted: \(held)/\(outcomes.count) repositories verified; "
                              + (held == outcomes.count ? "nothing is left to do" : "run patrol \(command) --resume"))
        return .stopped(by: signal)
    }

    /// The `--json` document: the App, its key's fingerprint, one row per repository, the summary.
    static func document(_ outcomes: [AppRollout.Outcome], credentials: AppCredentials, names: AppCredentialNames, failed: Int,
                         command: String = "app rollout", extra: [(String, JSONValue)] = []) -> JSONValue {
        let rows: [JSONValue] = outcomes.map { outcome in
            let updated: String? = outcome.secretUpdatedAt.map(ISO8601.format)
            return JSONValue.object([
                ("repository", JSONValue.string(outcome.repository.fullName)),
                ("status", JSONValue.string(outcome.status)),
                ("variable", JSONValue.optional(outcome.variable)),
                ("secretUpdatedAt", JSONValue.optional(updated)),
                ("error", JSONValue.optional(outcome.error)),
            ])
        }
        let summary: [(String, JSONValue)] = [("total", .number(Double(outcomes.count))),
                                              ("succeeded", .number(Double(outcomes.count - failed))), ("failed", .number(Double(failed)))]
        return JSONValue.object([
            ("command", JSONValue.string(command)),
            ("appId", JSONValue.number(Double(credentials.appID))),
            ("variable", JSONValue.string(names.variable)),
            ("secret", JSONValue.string(names.secret)),
            ("keyFingerprint", JSONValue.string(credentials.key.fingerprint.value)),
        ] + extra + [
            ("repositories", JSONValue.array(rows)),
            ("summary", JSONValue.object(summary)),
        ])
    }
}
