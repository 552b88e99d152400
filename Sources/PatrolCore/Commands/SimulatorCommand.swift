import Foundation
import GitHubSimulator

/// `patrol simulator`: serves the GitHub simulator on loopback, with the config's fleet, until interrupted.
enum SimulatorCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let options = invocation.simulator
        let config = try context.fleetConfig(invocation)
        let simulator = GitHubSimulator(latency: .milliseconds(options.latencyMilliseconds), seed: options.seed ?? UInt64.random(in: 0...UInt64.max))
        // Tests set this so that the tokens they receive carry a marker their leak scan finds.
        if let marker = context.environment["PATROL_SIMULATOR_TOKEN_MARKER"] { simulator.setTokenMarker(marker) }
        if options.faultRate > 0 { simulator.setFaultRate(options.faultRate) }
        // Stops by itself from here on, before the lines that tell a caller the server is up: a caller that reads
        // them and signals at once must stop the server cleanly (exit 0), not end it abruptly.
        context.interrupt.stopsGracefully()
        let apiURL = try simulator.start(port: UInt16(options.port))
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
        _ = await context.interrupt.wait()
        context.console.note("stopped")
        return .success
    }
}
