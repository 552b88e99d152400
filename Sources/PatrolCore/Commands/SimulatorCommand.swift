import Dispatch
import Foundation
import GitHubSimulator

/// `patrol simulator`: serves the GitHub simulator on loopback, with the config's fleet, until interrupted.
enum SimulatorCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let options = invocation.simulator
        let config = try FleetConfig.load(path: FleetConfig.locate(flag: invocation.global.config, environment: context.environment))
        let simulator = GitHubSimulator(latency: .milliseconds(options.latencyMs), seed: options.seed ?? UInt64.random(in: 0...UInt64.max))
        if options.faultRate > 0 { simulator.setFaultRate(options.faultRate) }
        let apiURL = try simulator.start(port: options.port)
        defer { simulator.stop() }
        for repository in config.repositories + [config.platform.repository] {
            simulator.addRepository(repository.fullName)
        }
        let minted = simulator.mintToken(login: config.owner, scopes: config.policy.requiredScopes,
                                         expiresAt: Date().addingTimeInterval(Double(config.policy.rotationDays) * 86_400))
        // The one place patrol prints a token: a throw-away one that only this simulator accepts.
        // It bypasses the console's redactor on purpose, so that scripts can use it.
        context.console.result("GITHUB_API_URL=\(apiURL)")
        context.console.unredactedResult("PAT_TOKEN=\(minted)")
        context.console.note("serving \(config.repositories.count + 1) repositories of \(config.owner); Ctrl-C stops")
        await waitForInterrupt()
        context.console.note("stopped")
        return .success
    }

    /// Suspends until SIGINT or SIGTERM arrives.
    static func waitForInterrupt() async {
        let signals = AsyncStream<Void> { continuation in
            let sources = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number)
                source.setEventHandler { continuation.yield() }
                source.resume()
                return source
            }
            continuation.onTermination = { _ in sources.forEach { $0.cancel() } }
        }
        for await _ in signals { break }
    }
}
