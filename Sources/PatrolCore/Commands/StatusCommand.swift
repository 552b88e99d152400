import Foundation

/// `patrol status`: per repository, whether the secret is there, since when, which token it holds, and
/// whether the ledger can still vouch for it. Reads the ledger without locking it and changes nothing.
/// Exit 0 when every repository is `current`, 1 otherwise.
enum StatusCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let config = try FleetConfig.load(path: FleetConfig.locate(flag: invocation.global.configPath, environment: context.environment))
        let base = try APIBase.resolve(flag: invocation.global.apiURL, environment: context.environment, config: config.apiURL)
        let repositories = try config.selecting(invocation.status.repositories)
        // The token here only calls the API (it needs `repo`); it need not be the fleet's current one.
        let token = try TokenSource.resolve(invocation.token.sourceOptions, inputs: context.tokenInputs).token
        let auth = try TokenSource.resolveAuth(envName: invocation.token.authEnvironmentVariable, inputs: context.tokenInputs)?.token
        context.console.redact([token] + (auth.map { [$0] } ?? []))
        _ = try TokenFormat.check(token)
        let ledger = try LedgerStore.load(path: config.ledgerPath, secret: config.secret)

        let transport = context.makeTransport { line in context.console.trace(line) }
        defer { transport.shutdown() }
        let client = GitHubClient(transport: RetryingTransport.governed(transport, options: RolloutOptions(), console: context.console), base: base, credential: auth ?? token)
        let report = try await perform(config: config, repositories: repositories, client: client, ledger: ledger)
        print(report, json: invocation.global.json, console: context.console)
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
