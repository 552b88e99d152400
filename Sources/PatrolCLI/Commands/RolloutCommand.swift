import FoundationEssentials
import PatrolCore

/// `patrol rollout`: preflight, then seal, upload and verify for every repository of the fleet.
package enum RolloutCommand {
    package static func run(_ invocation: RolloutArguments, context: Context) async throws -> ExitCode {
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.rollout.repositories)
        _ = try config.selectingKinds(invocation.rollout.targets)
        let (token, auth) = try context.tokens(invocation)
        let app = try context.appSession(invocation, config: config, scope: .secretsWrite(repositories, targets: config.secretTargets(of: repositories, kinds: invocation.rollout.targets)))
        // A dry run writes nothing, so it takes no lock and creates no file (spec §6).
        return try await LedgerStore.withStore({
            try await invocation.rollout.dryRun
                ? LedgerStore(readingOnly: config.ledgerPath, secret: config.secret, reason: "a dry run writes nothing")
                : LedgerStore.open(config.ledgerPath, secret: config.secret, command: "patrol rollout", console: context.console, environment: context.environment,
                                  clock: context.clock)
        }) { ledger in
            try RolloutError.check(token, ledger: await ledger.snapshot, resume: invocation.rollout.resume, dryRun: invocation.rollout.dryRun, console: context.console)

            return try await context.withConnection(base, as: auth ?? token, options: invocation.rollout, app: app) { client in
                let operation = RolloutOperation(command: "rollout", config: config, repositories: repositories, token: token, client: client,
                                                 ledger: ledger, settings: invocation.rollout.settings, console: context.console)
                    .wired(to: context, streams: !invocation.global.json)
                let report = try await operation.run()
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

    /// The end of the report: the JSON document, or (the repository lines already streamed) the summary line and
    /// on stderr what to do next.
    package static func print(_ report: RolloutReport, config: FleetConfig, json: Bool, console: Console) {
        if json {
            console.result(report.jsonDocument)
        } else {
            console.result(report.summary(console: console))
        }
        for line in report.advice(config: config) { console.error(line) }
    }
}

extension RolloutOptions {
    /// What the rollout operation takes of these options.
    package var settings: RolloutOperation.Settings {
        RolloutOperation.Settings(dryRun: dryRun, resume: resume, concurrency: concurrency, allowExpiring: allowExpiring,
                                  kinds: targets, createEnvironments: createEnvironments, pruneSelection: pruneSelection)
    }
}

extension RolloutOperation {
    /// This operation as `rollout` and `rotate` run it: each repository's line printed as it finishes (`streams`),
    /// nothing new started once `context` says stop, and a signal that, until the preflight passed, ends patrol at
    /// once (nothing was uploaded, and a retried request to an unreachable host must not hold it); from then on
    /// it stops new requests and what finished is reported.
    package func wired(to context: Context, streams: Bool) -> RolloutOperation {
        var wired = self
        wired.streams = streams
        wired.preflightPassed = { [context] in context.interrupt.stopsGracefully() }
        wired.shouldStop = { [context] in context.shouldStop }
        return wired
    }
}
