import FoundationEssentials
import PatrolSecrets
import PatrolCore

/// `patrol doctor`: the troubleshooting guide's checks, run for real with the token under test.
package enum DoctorCommand {
    package static func run(_ invocation: DoctorArguments, context: Context) async throws -> ExitCode {
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.doctor.repositories)
        // With a GitHub App named, its checks come first; without a token as well, they are the whole report.
        let app = await AppDoctor.run(invocation, context: context, config: config, base: base, repositories: repositories)
        let resolved = Result { () throws(TokenSourceError) in try TokenSource.resolve(invocation.token.sourceOptions, inputs: context.tokenInputs) }
        if case .failure(.noSource) = resolved, let app {
            let report = DoctorReport(checks: app.checks)
            print(report, json: invocation.global.json, console: context.console)
            return app.credentialRefused ? .critical : report.exitCode
        }
        let token = try resolved.get().token
        context.console.redact([token])
        if invocation.token.authEnvironmentVariable != nil {
            context.console.note("note: doctor checks what the token itself may do, so it makes every request with it; --auth-env is not used")
        }
        // Doctor only reads the ledger: no lock, no write.
        let ledger = try LedgerStore.load(path: config.ledgerPath, secret: config.secret)

        // Every check is about what the token under test may do, so it makes every request itself.
        return try await context.withConnection(base, as: token) { client in
            let console = context.console
            var doctor = Doctor(config: config, repositories: repositories, token: token, client: client,
                                ledger: ledger, settings: invocation.doctor.settings)
            doctor.shouldStop = { context.shouldStop }
            // The text streams (spec §3): the App's checks, the token's once done, each repository's as it completes,
            // the rest and the summary at the end. --json stays one document at the end.
            let appChecks = app?.checks ?? []
            let layout = invocation.global.json ? nil
                : DoctorLines(console: console, ids: appChecks.map(\.id) + doctor.plan.map(\.id),
                              repositories: repositories + appChecks.compactMap(\.repository))
            if let layout {
                doctor.finished = { checks in for line in layout.lines(checks) { console.result(line) } }
                for line in layout.lines(appChecks) { console.result(line) }
            }
            console.progress(Doctor.progressLine(repositories: repositories, config: config))
            let tokenReport = await doctor.run()
            let report = DoctorReport(checks: appChecks + tokenReport.checks, streamed: tokenReport.streamed)
            if let layout {
                for line in layout.lines(report.checks) + [report.summary(console: console)] { console.result(line) }
            } else {
                print(report, json: true, console: console)
            }
            if let owner = await OwnerMismatch.line(statuses: report.repositoryAccessStatuses, client: client, config: config) {
                context.console.error(owner)
            }
            return app?.credentialRefused == true ? .critical : report.exitCode
        }
    }

    package static func print(_ report: DoctorReport, json: Bool, console: Console) {
        if json {
            console.result(report.jsonDocument)
        } else {
            for line in report.lines(console: console) { console.result(line) }
        }
    }
}
