import Foundation

/// `patrol doctor`: the troubleshooting guide's checks, run for real with the token under test.
enum DoctorCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let config = try FleetConfig.load(path: FleetConfig.locate(flag: invocation.global.configPath, environment: context.environment))
        let base = try APIBase.resolve(flag: invocation.global.apiURL, environment: context.environment, config: config.apiURL)
        let repositories = try config.selecting(invocation.doctor.repositories)
        let token = try TokenSource.resolve(invocation.token.sourceOptions, inputs: context.tokenInputs).token
        context.console.redact([token])
        if invocation.token.authEnvironmentVariable != nil {
            context.console.note("note: doctor checks what the token itself may do, so it makes every request with it; --auth-env is not used")
        }
        // Doctor only reads the ledger: no lock, no write.
        let ledger = try LedgerStore.load(path: config.ledgerPath, secret: config.secret)

        let transport = context.makeTransport { line in context.console.trace(line) }
        defer { transport.shutdown() }
        // Every check is about what the token under test may do, so it makes every request itself.
        let client = GitHubClient(transport: RetryingTransport.governed(transport, options: RolloutOptions(), console: context.console), base: base, credential: token)
        let report = await perform(config: config, repositories: repositories, token: token, client: client,
                                   ledger: ledger, options: invocation.doctor, console: context.console)
        print(report, json: invocation.global.json, console: context.console)
        return report.exitCode
    }

    /// Runs the checks in-process and returns the report (its `exitCode` is the command's); for `patrol demo`,
    /// which holds a token and a client already. Prints nothing but a progress line.
    static func perform(config: FleetConfig, repositories: [RepositoryName], token: Token, client: GitHubClient,
                        ledger: Ledger, options: DoctorOptions, console: Console,
                        timing: Doctor.Timing = .live) async -> DoctorReport {
        console.progress("doctor: checking \(repositories.count) repositories and \(config.platform.repository.fullName) …")
        var doctor = Doctor(config: config, repositories: repositories, token: token, client: client, ledger: ledger, options: options)
        doctor.timing = timing
        return await doctor.run()
    }

    static func print(_ report: DoctorReport, json: Bool, console: Console) {
        if json {
            console.result(report.json.text)
        } else {
            for line in report.lines(console: console) { console.result(line) }
        }
    }
}
