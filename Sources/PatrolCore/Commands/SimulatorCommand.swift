import Foundation
import GitHubSimulator

/// `patrol simulator`: serves the GitHub simulator on loopback, with the config's fleet (or the built-in
/// c3 fleet) wired as the demo's, until interrupted.
enum SimulatorCommand {
    /// The variable name of the second token, printed for trying `patrol rotate`.
    static let nextTokenVariable = "PAT_TOKEN_NEXT"

    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        let options = invocation.simulator
        let (config, builtIn) = try SimulatedFleet.config(invocation, context: context)
        let simulator = GitHubSimulator(latency: .milliseconds(options.latencyMilliseconds), seed: options.seed ?? UInt64.random(in: 0...UInt64.max))
        // Tests set this so that the tokens they receive carry a marker their leak scan finds.
        if let marker = context.environment["PATROL_SIMULATOR_TOKEN_MARKER"] { simulator.setTokenMarker(marker) }
        if options.faultRate > 0 { simulator.setFaultRate(options.faultRate) }
        // Caught from here on, before the lines that tell a caller the server is up: a caller that reads them and
        // signals at once must stop the server, not be lost.
        let interrupt = try InterruptSignals.catch([SIGINT, SIGTERM])
        let apiURL = try simulator.start(port: UInt16(options.port))
        defer { simulator.stop() }
        SimulatedFleet.serve(config, on: simulator)
        let current = SimulatedFleet.mint(config, on: simulator), next = SimulatedFleet.mint(config, on: simulator)
        // The one place patrol prints tokens: throw-away ones that only this simulator accepts.
        // They bypass the console's redactor on purpose, so that scripts can use them.
        context.console.result("GITHUB_API_URL=\(apiURL)")
        context.console.unredactedResult("\(TokenSource.patTokenVariable)=\(current)")
        context.console.unredactedResult("\(nextTokenVariable)=\(next)")
        let fleet = builtIn ? "\(SimulatedFleet.builtInName) (no \(FleetConfig.defaultPath) here; other commands need a config with this fleet, e.g. patrol's own config/fleet.json)"
            : config.path
        context.console.note("serving \(config.repositories.count + 1) repositories of \(config.owner) from \(fleet), "
                             + "wired as the setup guide describes; no secret is set yet")
        context.console.note("export the lines above, then try: patrol doctor; patrol rollout; patrol status; "
                             + "patrol rotate --token-env \(nextTokenVariable). Ctrl-C stops")
        await interrupt.wait()
        context.console.note("stopped")
        return .success
    }
}

/// Signals caught by a handler that writes one byte to a pipe. The handler is in place when `catch` returns,
/// and the pipe keeps the byte until `wait` reads it, so a signal that arrives before anyone waits is not lost.
/// (A dispatch signal source is armed asynchronously; a signal sent in between was ignored, and the simulator
/// then served forever.)
struct InterruptSignals: Sendable {
    private let readEnd: Int32

    /// Installs the handler for `numbers`; throws when the pipe cannot be made.
    static func `catch`(_ numbers: [Int32]) throws(SimulatorCommandError) -> InterruptSignals {
        var ends: [Int32] = [-1, -1]
        // why: pipe writes exactly two descriptors into the two-element array.
        guard pipe(&ends) == 0 else { throw .signalPipe(errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // Non-blocking, so that a burst of signals filling the pipe can never block the handler.
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        interruptWriteEnd = ends[1]
        for number in numbers { signal(number, writeInterruptByte) }
        return InterruptSignals(readEnd: ends[0])
    }

    /// Suspends until one of the signals has arrived (at once if one already has).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // A thread of its own: the read blocks, and the cooperative pool must not be held by it.
            Thread.detachNewThread { [readEnd] in
                var byte: UInt8 = 0
                // why: read writes at most one byte into `byte`.
                while read(readEnd, &byte, 1) < 0, errno == EINTR {}
                continuation.resume()
            }
        }
    }
}

/// Why `patrol simulator` could not start.
enum SimulatorCommandError: Error, CustomStringConvertible {
    case signalPipe(errno: Int32)

    var description: String {
        switch self {
        case .signalPipe(let code):
            "patrol simulator: cannot set up Ctrl-C handling (pipe: \(String(cString: strerror(code)))); free some file descriptors and try again"
        }
    }
}

// Why nonisolated(unsafe): a signal handler can capture nothing, so it finds the pipe here.
// Written once by `InterruptSignals.catch` before the handler is installed, only read afterwards.
nonisolated(unsafe) private var interruptWriteEnd: Int32 = -1

/// The signal handler: one byte into the pipe (write is async-signal-safe; errors, such as a full pipe, are moot).
private func writeInterruptByte(_: Int32) {
    var byte: UInt8 = 1
    _ = write(interruptWriteEnd, &byte, 1)
}
