import Foundation
import GitHubSimulator

/// `patrol demo`: the whole flow against the built-in GitHub simulator, with a throw-away token.
/// Ends by asking the simulator what every repository's secret decrypts to; exits 0 only if each is the token.
enum DemoCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let console = context.console
        let config = try FleetConfig.load(path: FleetConfig.locate(flag: invocation.global.config, environment: context.environment))
        let simulator = GitHubSimulator(latency: .milliseconds(invocation.demo.latencyMs))
        let apiURL = try simulator.start()
        defer { simulator.stop() }
        for repository in config.repositories + [config.platform.repository] {
            simulator.addRepository(repository.fullName)
        }
        let minted = simulator.mintToken(login: config.owner, scopes: config.policy.requiredScopes,
                                         expiresAt: Date().addingTimeInterval(Double(config.policy.rotationDays) * 86_400))
        let token = Token(bytes: Array(minted.utf8))
        console.redact([token])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-demo-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledger = try LedgerStore(path: folder + "/ledger.json", secret: config.secret)

        console.result(console.paint("patrol demo", .bold) + " — the GitHub simulator at \(apiURL), "
                       + "\(config.repositories.count) repositories of \(config.owner), latency \(invocation.demo.latencyMs) ms, "
                       + "a throw-away token \(token.fingerprint.short)")
        console.result("")
        console.result(console.paint("1. rollout", .bold) + ": seal \(config.secret) with each repository's public key, upload, verify")

        let transport = context.makeTransport { line in console.trace(line) }
        defer { transport.shutdown() }
        let client = GitHubClient(transport: RetryingTransport(wrapping: transport), base: try APIBase(apiURL), credential: token)
        let started = ContinuousClock.now
        let report = try await RolloutCommand.perform(.init(
            command: "rollout", config: config, repositories: config.repositories, token: token, client: client,
            ledger: ledger, options: RolloutOptions()), console: console)
        let elapsed = ContinuousClock.now - started
        for line in report.lines(console: console) { console.result("   " + line) }
        console.result("   took \(elapsed.formatted(.units(allowed: [.milliseconds], width: .abbreviated)))")

        console.result("")
        console.result(console.paint("2. proof", .bold) + ": what each repository's \(config.secret) decrypts to, inside the simulator")
        var proven = 0
        for repository in config.repositories {
            let stored = simulator.secret(config.secret, in: repository.fullName)
            let matches = stored.map { Token(bytes: Array($0.plaintext.utf8)).isSame(as: token) } ?? false
            if matches { proven += 1 }
            let detail = matches ? "decrypts to the token \(token.fingerprint.short)"
                : stored == nil ? "holds no \(config.secret)" : "decrypts to something else"
            console.result("   \(console.paint(matches ? "✓" : "✗", matches ? .green : .red)) \(repository.fullName)  \(detail)")
        }
        let allProven = proven == config.repositories.count && report.exitCode == .success
        console.result("")
        let summary = "\(proven)/\(config.repositories.count) repositories verified"
            + (allProven ? ": every secret decrypts to the token" : "; the demo failed")
        console.result(console.paint(summary, allProven ? .green : .red))
        return allProven ? .success : .failure
    }
}
