import FoundationEssentials
import PatrolSecrets
import PatrolGitHub
import PatrolCore

/// `patrol status`: per repository, whether the secret is there, since when, which token it holds, and
/// whether the ledger can still vouch for it. Reads the ledger without locking it and changes nothing.
/// Exit 0 when every repository is `current`, 1 otherwise.
package enum StatusCommand {
    package static func run(_ invocation: StatusArguments, context: Context) async throws -> ExitCode {
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.status.repositories)
        let targets = config.secretTargets(of: repositories, kinds: try config.selectingKinds(invocation.status.targets))
        // status needs no token of its own (spec §3.7): the credential only calls the API (it needs `repo`), so
        // with --auth-env that is all it reads; otherwise the token (PAT_TOKEN by default), which need not be current.
        let caller: Token
        let app = try context.appSession(invocation, config: config, scope: .secretsRead(repositories, targets: targets))
        if let app {
            caller = app.standIn
        } else if let auth = try TokenSource.resolveAuth(envName: invocation.token.authEnvironmentVariable, inputs: context.tokenInputs)?.token {
            context.console.redact([auth])
            caller = auth
        } else {
            caller = try context.tokens(invocation).token
        }
        let ledger = try LedgerStore.load(path: config.ledgerPath, secret: config.secret)
        // A rollout holding the lock now: what it wrote but has not journalled yet is `writing`, not `drifted`.
        let running = LedgerLock.currentHolder(ledgerPath: config.ledgerPath)
            .map { FleetStatus.RunningWrite(since: $0.since, command: $0.command) }

        return try await context.withConnection(base, as: caller, app: app) { client in
            // Each row is printed as its answer arrives (to a pipe too); the summary follows the last.
            let console = context.console
            let rows = StatusReport(secret: config.secret, expected: FleetStatus.expectedToken(in: ledger), ledgerTokens: ledger.tokens, lines: [])
            let ids = RolloutReport.showsTargetIDs(targets)
            let width = targets.map { RolloutReport.label($0, ids: ids).count }.max() ?? 0
            let json = invocation.global.json
            let finished: @Sendable (StatusReport.Line) -> Void = { line in
                guard !json, let row = rows.row(line, width: width, ids: ids, console: console) else { return }
                console.result(row)
            }
            let report = try await FleetStatus.survey(client: client, secret: config.secret, targets: targets, fleet: config.repositories,
                                                      ledger: ledger, running: running, finished: finished)
            // The fleet's App key per target, from the ledger, when the fleet uses an App (App/AppKeyHolders.swift).
            let appKeys = AppKeyHolders(ledger: ledger.app, targets: targets)
            if invocation.global.json {
                var document = report.jsonDocument
                if let appKeys { document.append("appKey", appKeys.json) }
                console.result(document)
            } else {
                console.result(report.summary(console: console))
                for line in appKeys?.lines(console: console) ?? [] { console.result(line) }
            }
            let statuses = report.lines.map { $0.state == .noAccess ? ($0.problem as? GitHubError)?.status : nil }
            if let owner = await OwnerMismatch.line(statuses: statuses, client: client, config: config) {
                context.console.error(owner)
            }
            return report.exitCode
        }
    }
}
