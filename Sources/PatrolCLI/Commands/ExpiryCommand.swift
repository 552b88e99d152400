import FoundationEssentials
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore

/// `patrol expiry`: how long the token has left, from the ledger or (`--live`) from GitHub, with its
/// alert channels: the exit code, workflow annotations, one issue in the platform repository, a webhook.
package enum ExpiryCommand {
    package static func run(_ invocation: ExpiryArguments, context: Context) async throws -> ExitCode {
        let options = invocation.expiry
        let format = try format(of: invocation)
        let config = try context.fleetConfig(invocation)
        let thresholds = ExpiryThresholds(policy: config.policy, warnDays: options.warnDays, criticalDays: options.criticalDays)
        if thresholds.criticalDays > thresholds.warnDays {
            let option = options.criticalDays != nil ? "--critical-days" : "--warn-days"
            let value = options.criticalDays != nil ? thresholds.criticalDays : thresholds.warnDays
            throw UsageError.invalidValue(option: option, value: String(value),
                                          expected: "critical days (\(thresholds.criticalDays)) at most warning days (\(thresholds.warnDays))",
                                          command: .expiry)
        }
        // Everything the user may have got wrong is checked before the first request.
        let webhook = try options.webhookEnvironmentVariable.map { name throws(WebhookError) in
            try WebhookURL(variable: name, environment: context.environment)
        }
        // A GitHub App, when named, writes the issue (its installation token narrowed to the platform's Issues: write).
        let app = options.openIssue ? try context.appSession(invocation, config: config, scope: .issues(config.platform.repository)) : nil
        let auth = try app?.standIn ?? TokenSource.resolveAuth(envName: invocation.token.authEnvironmentVariable, inputs: context.tokenInputs)?.token
        let needsToken = options.live || (options.openIssue && auth == nil)
        let token = needsToken ? try TokenSource.resolve(invocation.token.sourceOptions, inputs: context.tokenInputs).token : nil
        context.console.redact([token, auth].compactMap { $0 })
        if let token { _ = try TokenFormat.check(token) }
        let needsAPI = options.live || options.openIssue
        let base = needsAPI ? try context.apiBase(invocation, config: config) : nil
        // The same pacing as every other command: PATROL_LIMIT_WINDOW included, checked here, before any request.
        let governor = try context.governorSettings()
        // Never waits for the lock (spec §6): the daily check must answer while a rotation runs. Ledger only,
        // it reads; --live records what GitHub said only when the lock is free (and says so when not).
        return try await LedgerStore.withStore({
            try options.live
                ? LedgerStore.openIfFree(config.ledgerPath, secret: config.secret, command: "patrol expiry --live", console: context.console)
                : LedgerStore(readingOnly: config.ledgerPath, secret: config.secret, reason: "expiry without --live only reads")
        }) { ledger in

            // No transport at all for a plain ledger check: it sends nothing.
            return try await withTransport(if: needsAPI || webhook != nil, {
                context.makeTransport { line in context.console.trace(webhook?.masked(line) ?? line) }
            }) { transport in
                let retrying = transport.map { context.governed($0, settings: governor) }
                // With the App, its transport puts the installation token on requests made with its stand-in.
                let calling: (any HTTPTransport)? = retrying.map { retrying in
                    guard let app, let base else { return retrying }
                    app.attach(retrying, base: base)
                    return AppAuthTransport(inner: retrying, session: app)
                }
                let client = calling.flatMap { calling in
                    base.flatMap { base in (auth ?? token).map { GitHubClient(transport: calling, base: base, credential: $0, clock: context.clock) } }
                }
                let live = options.live ? client.flatMap { client in token.map { ExpiryLookup.Live(token: $0, client: client) } } : nil

                let report = try await ExpiryLookup.report(config: config, ledger: ledger, live: live, thresholds: thresholds, now: context.clock.now())
                // The fleet's App key, when it has one: its age against rotationDays (App/AppKeyAge.swift).
                let appKey = AppKeyAge(ledger: await ledger.snapshot.app, targets: config.secretTargets(), rotationDays: thresholds.rotationDays,
                                       now: context.clock.now())
                print(report, appKey: appKey, format: format, console: context.console)

                var channelFailed = false
                if options.openIssue, let client {
                    do {
                        let actions = try await ExpiryIssue(client: client, config: config).sync(report)
                        for action in actions { context.console.note("\(config.platform.repository.fullName): \(action)") }
                    } catch {
                        channelFailed = true
                        context.console.error("error: could not keep the expiry issue in \(config.platform.repository.fullName): \(error)")
                        if (error as? GitHubError)?.isBadCredentials == true, auth == nil {
                            context.console.error("hint: a rejected token cannot write issues; give another credential with --auth-env NAME (in a workflow, the job's GITHUB_TOKEN)")
                        }
                    }
                }
                if let webhook, let retrying {
                    do {
                        let sent = try await ExpiryWebhook.send(report, to: webhook, transport: retrying)
                        context.console.note(sent ? "webhook \(webhook.variable): alert sent"
                                                  : "webhook \(webhook.variable): nothing sent, the status is \(report.status.rawValue)")
                    } catch {
                        channelFailed = true
                        let detail = error is WebhookError ? "\(error)" : "webhook \(webhook.variable): " + webhook.masked("\(error)")
                        context.console.error("error: \(detail)")
                    }
                }
                // A failed channel must not hide itself behind an ok status; a warning or worse already fails the run.
                let exitCode = appKey?.exitCode(with: report) ?? report.exitCode
                return channelFailed && exitCode == .success ? .failure : exitCode
            }
        }
    }

    /// `--format`, with `--json` meaning `--format json`.
    package static func format(of invocation: ExpiryArguments) throws(UsageError) -> ExpiryFormat {
        guard invocation.global.json else { return invocation.expiry.format }
        guard invocation.expiry.format != .github else {
            throw .conflictingOptions("--json", "--format github", command: .expiry)
        }
        return .json
    }

    package static func print(_ report: ExpiryReport, appKey: AppKeyAge? = nil, format: ExpiryFormat, console: Console) {
        switch format {
        case .json: console.result((appKey?.json(with: report) ?? report.json).text)
        case .github: console.result((appKey?.annotation(with: report) ?? report.annotation).line)
        case .text: for line in appKey?.lines(with: report, console: console) ?? report.lines(console: console) { console.result(line) }
        }
    }
}
