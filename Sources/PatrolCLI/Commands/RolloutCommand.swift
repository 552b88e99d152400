import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore

/// `patrol rollout`: preflight, then seal, upload and verify for every repository of the fleet.
package enum RolloutCommand {
    package static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.rollout.repositories)
        let (token, auth) = try context.tokens(invocation)
        // A dry run writes nothing, so it takes no lock and creates no file (spec §6).
        return try await LedgerStore.withStore({
            try invocation.rollout.dryRun
                ? LedgerStore(readingOnly: config.ledgerPath, secret: config.secret, reason: "a dry run writes nothing")
                : LedgerStore.open(config.ledgerPath, secret: config.secret, command: "patrol rollout", console: context.console, environment: context.environment)
        }) { ledger in
            try RolloutError.check(token, ledger: await ledger.snapshot, resume: invocation.rollout.resume, dryRun: invocation.rollout.dryRun, console: context.console)

            return try await context.withConnection(base, as: auth ?? token, options: invocation.rollout) { client in
                var plan = RolloutPlan(command: "rollout", config: config, repositories: repositories, token: token, client: client,
                                       ledger: ledger, options: invocation.rollout)
                // Until the preflight passed, a signal ends patrol at once (nothing was uploaded, and a retried request to
                // an unreachable host must not hold it). From then on it stops new requests; what finished is reported.
                plan.afterPreflight = { [context] _ in context.interrupt.stopsGracefully() }
                plan.streams = !invocation.global.json
                plan.shouldStop = { [context] in context.shouldStop }
                let report = try await perform(plan, console: context.console)
                print(report, config: config, json: invocation.global.json, console: context.console)
                return interrupted(report, context: context) ?? report.exitCode
            }
        }
    }

    /// After a run a signal cut short: clears the progress line, says what finished and what to run, and gives
    /// 130 or 143. Nil when no signal came.
    package static func interrupted(_ report: RolloutReport, context: Context, advice: String? = nil) -> ExitCode? {
        guard let signal = context.interrupt.signal else { return nil }
        context.console.clearProgress()
        let verified = "\(report.succeeded)/\(report.outcomes.count) repositories \(report.dryRun ? "ready" : "verified")"
        let next = advice ?? (report.dryRun ? "run patrol \(report.command) --dry-run again" : "run patrol \(report.command) --resume")
        context.console.error("interrupted: \(verified); " + (report.failed == 0 ? "nothing is left to do" : next))
        return .stopped(by: signal)
    }

    /// What one rollout needs; shared by `rollout`, `rotate` and `demo`.
    package struct RolloutPlan {
        package let command: String
        package let config: FleetConfig
        package let repositories: [RepositoryName]
        package let token: Token
        package let client: GitHubClient
        package let ledger: LedgerStore
        package let options: RolloutOptions
        /// Runs after a passed preflight, before anything is uploaded (`rotate` warns of an account change here).
        package var afterPreflight: (@Sendable (Preflight.Facts) async throws -> Void)? = nil
        /// Print each repository's line on stdout the moment it finishes (the commands in text mode; not the demo).
        package var streams: Bool = false
        /// True once nothing new may start (a signal, a closed stdout).
        package var shouldStop: @Sendable () -> Bool = { false }

        package init(command: String, config: FleetConfig, repositories: [RepositoryName], token: Token, client: GitHubClient, ledger: LedgerStore, options: RolloutOptions, afterPreflight: (@Sendable (Preflight.Facts) async throws -> Void)? = nil, streams: Bool = false, shouldStop: @escaping @Sendable () -> Bool = { false }) {
            self.command = command
            self.config = config
            self.repositories = repositories
            self.token = token
            self.client = client
            self.ledger = ledger
            self.options = options
            self.afterPreflight = afterPreflight
            self.streams = streams
            self.shouldStop = shouldStop
        }
    }

    /// Preflight, rollout, ledger bookkeeping. Throws only when the preflight fails (nothing uploaded).
    package static func perform(_ plan: RolloutPlan, console: Console) async throws -> RolloutReport {
        let startedAt = plan.client.clock.now()
        let facts = try await Preflight(policy: plan.config.policy, allowExpiring: plan.options.allowExpiring)
            .check(plan.token, client: plan.client, now: startedAt)
        for warning in facts.warnings { console.error("warning: \(warning)") }
        console.note("token \(plan.token.fingerprint.short) belongs to \(facts.user.login) (\(facts.kind.displayName))"
                     + (facts.expiresAt.map { ", expires \(ISO8601.format($0))" } ?? ""))
        try await plan.afterPreflight?(facts)
        let options = plan.options
        if !options.dryRun {
            try await plan.ledger.update { ledger in
                ledger.noteToken(plan.token.fingerprint, login: facts.user.login, kind: facts.kind,
                                 scopes: facts.user.scopes, expiresAt: facts.expiresAt, at: startedAt)
            }
        }
        var rollout = Rollout(client: plan.client, token: plan.token, secret: plan.config.secret,
                              repositories: plan.repositories, ledger: plan.ledger)
        rollout.dryRun = options.dryRun
        rollout.resume = options.resume
        rollout.concurrency = options.concurrency
        rollout.configPath = plan.config.path
        let total = plan.repositories.count
        rollout.shouldStop = plan.shouldStop
        if plan.streams {
            let width = plan.repositories.map(\.fullName.count).max() ?? 0
            rollout.finished = { outcome in console.result(RolloutReport.line(for: outcome, width: width, console: console)) }
        }
        rollout.progress = { done in console.progress("\(plan.command) \(done)/\(total) …") }
        console.progress("\(plan.command) 0/\(total) …")
        let outcomes = await rollout.run()
        for warning in outcomes.flatMap(\.warnings) { console.error("warning: \(warning)") }
        var report = RolloutReport(command: plan.command, secret: plan.config.secret, fingerprint: plan.token.fingerprint,
                                   login: facts.user.login, expiresAt: facts.expiresAt, outcomes: outcomes, plannedDryRun: options.dryRun)
        report.warnings = facts.warnings
        if !options.dryRun {
            try await plan.ledger.update { ledger in
                ledger.history.append(RunRecord(command: plan.command, startedAt: startedAt, finishedAt: plan.client.clock.now(),
                                                fingerprint: plan.token.fingerprint, succeeded: report.succeeded, failed: report.failed))
                // The token becomes current once the whole fleet holds it (a first rollout, or a finished one).
                if plan.config.repositories.allSatisfy({ ledger.holds($0, plan.token.fingerprint) }) {
                    ledger.makeCurrent(plan.token.fingerprint)
                }
            }
        }
        return report
    }

    /// The end of the report: the JSON document, or (the repository lines already streamed) the summary line and
    /// on stderr what to do next.
    package static func print(_ report: RolloutReport, config: FleetConfig, json: Bool, console: Console) {
        if json {
            console.result(report.json.text)
        } else {
            console.result(report.summary(console: console))
        }
        for line in report.advice(config: config) { console.error(line) }
    }
}
