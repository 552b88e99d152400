import Foundation

/// `patrol status`: per repository, whether the secret is there, since when, which token it holds, and
/// whether the ledger can still vouch for it. Reads the ledger without locking it and changes nothing.
/// Exit 0 when every repository is `current`, 1 otherwise.
enum StatusCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.status.repositories)
        // The token here only calls the API (it needs `repo`); it need not be the fleet's current one.
        let (token, auth) = try context.tokens(invocation)
        let ledger = try LedgerStore.load(path: config.ledgerPath, secret: config.secret)

        let (client, transport) = context.connect(base, as: auth ?? token)
        defer { transport.shutdown() }
        let report = try await perform(config: config, repositories: repositories, client: client, ledger: ledger)
        print(report, json: invocation.global.json, console: context.console)
        let statuses = report.lines.map { $0.state == .noAccess ? $0.problem?.status : nil }
        if let owner = await OwnerMismatch.line(statuses: statuses, client: client, config: config) {
            context.console.error(owner)
        }
        return report.exitCode
    }

    /// The survey itself, for `status` and the demo: `client` calls the API, `ledger` says what patrol wrote.
    static func perform(config: FleetConfig, repositories: [RepositoryName], client: GitHubClient, ledger: Ledger) async throws -> StatusReport {
        try await FleetStatus.survey(client: client, secret: config.secret, repositories: repositories, ledger: ledger)
    }

    static func print(_ report: StatusReport, json: Bool, console: Console) {
        if json {
            console.result(report.json.text)
        } else {
            for line in report.lines(console: console) { console.result(line) }
        }
    }
}
