import Foundation
import Testing
import GitHubSimulator
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The c3 fleet in a running simulator, a config file pointing at it, and a way to run patrol's
/// commands in-process with captured output. Each test makes its own; nothing is shared.
final class FleetHarness: Sendable {
    static let owner = "garrick0"
    static let libraries = ["c3-shared", "c3-parsing", "c3-compliance", "c3-projection", "c3-discovery", "c3-wiring"]
    static let applications = ["c3-cli", "c3-bff", "c3-web"]
    static var fleet: [String] { (libraries + applications).map { "\(owner)/\($0)" } }

    let simulator: GitHubSimulator
    let apiURL: String
    let folder: String
    var configPath: String { folder + "/fleet.json" }
    var ledgerPath: String { folder + "/ledger.json" }

    /// Starts the simulator with the nine repositories and the platform repository, and writes the config.
    /// With `clock`, the simulator reads its time from that virtual clock (pass the same clock to ``run``).
    init(latency: Duration = .zero, policy: String = "", seed: UInt64 = 42, clock: VirtualClock? = nil) throws {
        let now: @Sendable () -> Date = if let clock { { clock.now } } else { Date.init }
        simulator = GitHubSimulator(latency: latency, seed: seed, now: now)
        simulator.setTokenMarker(TestTokens.marker)
        apiURL = try simulator.start()
        for name in Self.fleet + ["\(Self.owner)/c3-platform"] { simulator.addRepository(name) }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let quoted = { (names: [String]) in names.map { "\"\($0)\"" }.joined(separator: ", ") }
        let config = """
            {
              "owner": "\(Self.owner)",
              "secret": "PAT_TOKEN",
              "repositories": {"libraries": [\(quoted(Self.libraries))], "applications": [\(quoted(Self.applications))]},
              "apiURL": "\(apiURL)"\(policy.isEmpty ? "" : ",\n  \"policy\": \(policy)")
            }
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit {
        simulator.stop()
        if !TestTranscripts.keepsFolders { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Returns once the simulator has handled every request a patrol process that has ended (SIGKILLed, say) had sent
    /// it. Such a request can still sit unread in a socket after the process is gone, and be logged only once the test
    /// has moved on, as if the next run had sent it. A request of the test's own on a new connection is answered only
    /// after every earlier connection was accepted (the listener takes them in order); from then on each connection
    /// still open is one the simulator is reading to its end, and this waits until none is left.
    func drain() throws {
        let port = try #require(URLComponents(string: apiURL)?.port)
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(probe >= 0, "socket: \(String(cString: strerror(errno)))")
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // why: connect takes the generic sockaddr view of a sockaddr_in, with its true size.
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0, "connect: \(String(cString: strerror(errno)))")
        let request = Array("GET /rate_limit HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        // why: send reads at most `request.count` bytes from the array's own buffer.
        try #require(send(probe, request, request.count, Int32(MSG_NOSIGNAL)) == request.count)
        // The answer, to the end: the simulator closes the connection after it.
        var chunk = [UInt8](repeating: 0, count: 4096)
        // why: recv writes at most `chunk.count` bytes into the preallocated chunk.
        while recv(probe, &chunk, chunk.count, 0) > 0 {}
        // Polling paces only this wait; each connection still open ends when its dead client's last request is handled.
        for _ in 0..<60_000 where simulator.openConnections > 0 { usleep(1_000) }
        try #require(simulator.openConnections == 0, "the simulator still serves \(simulator.openConnections) connections")
    }

    /// A valid token for the fleet's owner with the required scopes, expiring in 90 days.
    func mint(scopes: [String] = ["repo", "workflow"], expiresAt: Date? = Date().addingTimeInterval(90 * 86_400)) -> String {
        simulator.mintToken(login: Self.owner, scopes: scopes, expiresAt: expiresAt)
    }

    /// What one in-process run of patrol printed and returned.
    struct Run {
        let code: Int32
        let stdout: String
        let stderr: String
        var output: String { stdout + stderr }
    }

    /// Runs `patrol <arguments> --config <this config>` with `environment` as the process environment.
    /// `retryPolicy` lets a test that meets many failed answers retry without real backoff. With `clock`, patrol
    /// runs on that virtual clock, which jumps to the next wake-up whenever no request is in flight.
    func run(_ arguments: [String], environment: [String: String] = [:], standardInput: String = "",
             retryPolicy: RetryPolicy = RetryPolicy(), clock: VirtualClock? = nil) async -> Run {
        let out = Locked(""), err = Locked("")
        let console = Console(stdout: { text in out.withLock { $0 += text } }, stderr: { text in err.withLock { $0 += text } })
        var context = Context(environment: environment, console: console,
                              tokenInputs: TokenInputs(environment: environment, standardInput: standardInput),
                              retryPolicy: retryPolicy)
        let code: Int32
        if let clock {
            // Every connection's gate, so the clock can see whether a request is out.
            let gates = Locked<[RateLimitGate]>([])
            context.clock = clock.source
            context.watchGate = { gate in gates.withLock { $0.append(gate) } }
            code = await clock.running(advancingWhen: { gates.withLock { $0.allSatisfy { $0.inFlight == 0 } } }) {
                await Patrol.run(arguments: arguments + ["--config", configPath], context: context)
            }
        } else {
            code = await Patrol.run(arguments: arguments + ["--config", configPath], context: context)
        }
        let run = Run(code: code, stdout: out.withLock { $0 }, stderr: err.withLock { $0 })
        TestTranscripts.record("in-process-\(arguments.first ?? "patrol")", stdout: run.stdout, stderr: run.stderr)
        return run
    }

    /// The plaintext each fleet repository's PAT_TOKEN decrypts to inside the simulator (nil when unset).
    func delivered() -> [String: String?] {
        Dictionary(uniqueKeysWithValues: Self.fleet.map { ($0, simulator.secret("PAT_TOKEN", in: $0)?.plaintext) })
    }

    /// Replaces the config's fleet with `count` repositories of the owner (`fleet-1` …), added to the simulator;
    /// returns their full names.
    @discardableResult
    func useLargerFleet(of count: Int) throws -> [String] {
        let names = (1...count).map { "fleet-\($0)" }
        for name in names { simulator.addRepository("\(Self.owner)/\(name)") }
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        try #"{"owner": "\#(Self.owner)", "secret": "PAT_TOKEN", "repositories": {"libraries": [\#(list)]}, "apiURL": "\#(apiURL)"}"#
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        return names.map { "\(Self.owner)/\($0)" }
    }

    /// Number of secret uploads the simulator received.
    var uploads: Int { simulator.requests.filter { $0.method == "PUT" }.count }
}
