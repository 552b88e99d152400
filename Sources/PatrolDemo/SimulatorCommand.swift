import FoundationEssentials
import GitHubSimulator
import PatrolSupport
import PatrolSecrets
import PatrolCore
import PatrolCLI

/// `patrol simulator`: serves the GitHub simulator on loopback, with the config's fleet (or the built-in
/// c3 fleet) wired as the demo's, until interrupted.
package enum SimulatorCommand {
    /// The variable name of the second token, printed for trying `patrol rotate`.
    package static let nextTokenVariable = "PAT_TOKEN_NEXT"

    package static func run(_ invocation: SimulatorArguments, context: Context) async throws -> ExitCode {
        let options = invocation.simulator
        let (config, builtIn) = try SimulatedFleet.config(invocation, context: context)
        let simulator = GitHubSimulator(latency: .milliseconds(options.latencyMilliseconds), seed: options.seed ?? UInt64.random(in: 0...UInt64.max))
        // Tests set this so that the tokens they receive carry a marker their leak scan finds.
        if let marker = context.environment["PATROL_SIMULATOR_TOKEN_MARKER"] { simulator.setTokenMarker(marker) }
        if options.faultRate > 0 { simulator.setFaultRate(options.faultRate) }
        // Stops by itself from here on, before the lines that tell a caller the server is up: a caller that reads
        // them and signals at once must stop the server cleanly (exit 0), not end it abruptly.
        context.interrupt.stopsGracefully()
        let apiURL = try simulator.start(port: UInt16(options.port))
        defer { simulator.stop() }
        SimulatedFleet.serve(config, on: simulator)
        let current = SimulatedFleet.mint(config, on: simulator), next = SimulatedFleet.mint(config, on: simulator)
        // The one place patrol prints tokens: throw-away ones that only this simulator accepts.
        // They bypass the console's redactor on purpose, so that scripts can use them.
        if invocation.global.json {
            context.console.unredactedResult(JSONValue.object([
                ("command", "simulator"), ("apiURL", .string(apiURL)),
                ("tokens", .object([(TokenSource.patTokenVariable, .string(current)), (nextTokenVariable, .string(next))])),
            ]).text)
        } else {
            context.console.result("GITHUB_API_URL=\(apiURL)")
            context.console.unredactedResult("\(TokenSource.patTokenVariable)=\(current)")
            context.console.unredactedResult("\(nextTokenVariable)=\(next)")
        }
        let fleet = builtIn ? "\(SimulatedFleet.builtInName) (no \(FleetConfig.defaultPath) here; other commands need a config with this fleet, e.g. patrol's own config/fleet.json)"
            : config.path
        context.console.note("serving \(config.repositories.count + 1) repositories of \(config.owner) from \(fleet), "
                             + "wired as the setup guide describes; no secret is set yet")
        let export = invocation.global.json ? "export apiURL as GITHUB_API_URL and the tokens under their names" : "export the lines above"
        context.console.note("\(export), then try: patrol doctor; patrol rollout; patrol status; "
                             + "patrol rotate --token-env \(nextTokenVariable). Ctrl-C stops")
        _ = await context.interrupt.wait()
        context.console.note("stopped")
        return .success
    }
}
