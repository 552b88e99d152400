import Foundation
import GitHubSimulator
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// `patrol-bench`: times `patrol rollout` (the release binary, as a child process, so its wall time and peak
/// memory are its own) against an in-process GitHub simulator with secondary limits on, beside a loop that
/// does what `gh secret set` does per repository, and prints a table (or `--json`).
enum Benchmark {
    /// GitHub's secondary limits run this many times faster in the simulator, and patrol's write rate with
    /// them, so a 1,000-repository run takes tens of seconds instead of a quarter of an hour.
    static let timeScale = 25.0
    static let owner = "bench-org"

    struct Scenario {
        let repositories: Int
        let latencyMilliseconds: Int
        let writeRate: Double
        let writeBurst: Int
        /// Rollouts of a fresh fleet to take the median of (small fleets vary with scheduling).
        let runs: Int
        let baseline: Bool
        /// `--concurrency`, when not patrol's default of 8.
        var concurrency: Int?

        /// The floor the write bucket sets: everything beyond the burst at `writeRate`.
        var floorSeconds: Double { Double(max(0, repositories - writeBurst)) / writeRate }
        var name: String {
            "\(repositories) repos @ \(latencyMilliseconds) ms" + (concurrency.map { ", --concurrency \($0)" } ?? "")
        }
    }

    static let scenarios = [
        Scenario(repositories: 9, latencyMilliseconds: 50, writeRate: timeScale, writeBurst: 10, runs: 5, baseline: true),
        Scenario(repositories: 9, latencyMilliseconds: 50, writeRate: timeScale, writeBurst: 10, runs: 5, baseline: false, concurrency: 9),
        Scenario(repositories: 100, latencyMilliseconds: 50, writeRate: timeScale, writeBurst: 10, runs: 1, baseline: true),
        Scenario(repositories: 1_000, latencyMilliseconds: 20, writeRate: timeScale, writeBurst: 10, runs: 1, baseline: false),
    ]

    /// GitHub's published secondary limits with time scaled by ``timeScale``: 900 points and 80 writes per
    /// 60/25 = 2.4 s window, 100 requests at once, `retry-after` 60/25 s rounded up.
    static let limits = SecondaryLimits(pointsPerWindow: 900, writesPerWindow: 80, window: 60 / timeScale, maxConcurrent: 100,
                                        retryAfter: Int((60 / timeScale).rounded(.up)), status: 403)

    /// One measured run.
    struct Figures {
        var seconds: Double
        var requests: Int
        var keyRequests: Int
        var notModified: Int
        var peakInFlight: Int
        var limitAnswers: Int
        var peakBytes: Int?
        var peakAnonymousBytes: Int?
        var delivered: Int
        var exitStatus: Int32
    }

    struct Result {
        let scenario: Scenario
        let rollout: Figures
        let rerun: Figures
        let baseline: Figures?
    }

    static func main(arguments: [String]) async -> Int32 {
        let json = arguments.contains("--json")
        var sizes: Set<Int>?
        if let index = arguments.firstIndex(of: "--only"), index + 1 < arguments.count {
            sizes = Set(arguments[index + 1].split(separator: ",").compactMap { Int($0) })
        }
        do {
            let patrol = try locatePatrol()
            let startup = try (0..<5).map { _ in try ChildRun.run(patrol, ["--version"], environment: [:]).seconds }.sorted()[2]
            var results: [Result] = []
            for scenario in scenarios where sizes?.contains(scenario.repositories) ?? true {
                if !json { FileHandle.standardError.write(Data("patrol-bench: \(scenario.name) …\n".utf8)) }
                results.append(try await measure(scenario, patrol: patrol))
            }
            let machine = Machine.current
            print(json ? Report.json(results, machine: machine, startup: startup).text
                       : Report.table(results, machine: machine, startup: startup))
            return 0
        } catch {
            FileHandle.standardError.write(Data("patrol-bench: \(error)\n".utf8))
            return 1
        }
    }

    /// The `patrol` binary built beside this one (`swift build -c release` builds both).
    static func locatePatrol() throws -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("patrol").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw BenchError("no patrol binary at \(candidate); run `swift build -c release` first (or `make bench`)")
        }
        return candidate
    }

    static func measure(_ scenario: Scenario, patrol: String) async throws -> Result {
        var rollouts: [(Figures, Figures)] = []
        for _ in 0..<scenario.runs {
            let world = try World(scenario)
            defer { world.close() }
            let first = try world.rollout(patrol: patrol)
            // A later re-run: the limits' window starts empty again; the keys are in the ledger now.
            world.simulator.resetLog()
            world.simulator.setSecondaryLimits(limits)
            let again = try world.rollout(patrol: patrol)
            rollouts.append((first, again))
        }
        rollouts.sort { $0.0.seconds < $1.0.seconds }
        let (rollout, rerun) = rollouts[rollouts.count / 2]
        var baseline: Figures?
        if scenario.baseline {
            let world = try World(scenario)
            defer { world.close() }
            baseline = try await world.ghLoop()
        }
        return Result(scenario: scenario, rollout: rollout, rerun: rerun, baseline: baseline)
    }
}

/// A simulator with the scenario's fleet, a token, and a config file pointing at it.
final class World {
    let scenario: Benchmark.Scenario
    let simulator: GitHubSimulator
    let apiURL: String
    let token: String
    let folder: String
    let names: [String]

    init(_ scenario: Benchmark.Scenario) throws {
        self.scenario = scenario
        // Latency ± 5 %, uniform, so the mean is the scenario's latency.
        let latency = Duration.milliseconds(scenario.latencyMilliseconds)
        simulator = GitHubSimulator(latency: latency, seed: 2026)
        simulator.setLatency(latency * 0.95, jitter: latency / 10)
        simulator.setSecondaryLimits(Benchmark.limits)
        // A rollout and its re-run in one hour: 3 + 2 requests per repository (the 304s are free).
        simulator.setRateLimit(15_000)
        apiURL = try simulator.start()
        names = (1...scenario.repositories).map { String(format: "service-%04d", $0) }
        for name in names { simulator.addRepository("\(Benchmark.owner)/\(name)") }
        token = simulator.mintToken(login: Benchmark.owner)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        try #"{"owner": "\#(Benchmark.owner)", "secret": "PAT_TOKEN", "repositories": {"libraries": [\#(list)]}, "apiURL": "\#(apiURL)"}"#
            .write(toFile: folder + "/fleet.json", atomically: true, encoding: .utf8)
    }

    func close() {
        simulator.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// How many repositories hold the token (their sealed box opened to it inside the simulator).
    var delivered: Int {
        names.filter { simulator.secret("PAT_TOKEN", in: "\(Benchmark.owner)/\($0)")?.plaintext == token }.count
    }

    func figures(seconds: Double, peakBytes: Int?, peakAnonymousBytes: Int? = nil, exitStatus: Int32) -> Benchmark.Figures {
        let counters = simulator.counters
        return Benchmark.Figures(
            seconds: seconds, requests: counters.total, keyRequests: counters.byRoute["GET public-key"] ?? 0,
            notModified: counters.notModified, peakInFlight: counters.peakConcurrency,
            limitAnswers: counters.secondaryLimitAnswers, peakBytes: peakBytes, peakAnonymousBytes: peakAnonymousBytes, delivered: delivered, exitStatus: exitStatus)
    }

    /// `patrol rollout` as a child process.
    func rollout(patrol: String) throws -> Benchmark.Figures {
        let run = try ChildRun.run(patrol, [
            "rollout", "--config", folder + "/fleet.json", "--json", "--quiet",
            "--write-rate", String(scenario.writeRate), "--write-burst", String(scenario.writeBurst),
        ] + (scenario.concurrency.map { ["--concurrency", String($0)] } ?? []), environment: ["PAT_TOKEN": token, "HOME": folder, "PATH": "/usr/bin:/bin", "NO_COLOR": "1"])
        if run.status != 0 {
            FileHandle.standardError.write(Data("patrol-bench: patrol rollout exited \(run.status): \(run.stderr.suffix(2000))\n".utf8))
        }
        return figures(seconds: run.seconds, peakBytes: run.peakBytes, peakAnonymousBytes: run.peakAnonymousBytes, exitStatus: run.status)
    }

    /// What a `gh secret set` loop does: one repository after another, a fresh client and a new connection
    /// per request, GET the key, seal, PUT; no verify.
    func ghLoop() async throws -> Benchmark.Figures {
        let base = try APIBase(apiURL)
        let secretToken = Token(bytes: Array(token.utf8))
        let started = ContinuousClock.now
        for name in names {
            let repository = try RepositoryName(owner: Benchmark.owner, name: name)
            let key = try await withFreshClient(base, secretToken) { try await $0.publicKey(of: repository) }
            let sealed = try SealedBox.seal(secretToken, publicKey: key.key)
            _ = try await withFreshClient(base, secretToken) {
                try await $0.putSecret("PAT_TOKEN", in: repository, encryptedValue: sealed, keyID: key.keyID)
            }
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return figures(seconds: seconds, peakBytes: nil, exitStatus: 0)
    }

    /// Runs `body` with a client over a new transport, shut down when `body` returns or throws.
    private func withFreshClient<T>(_ base: APIBase, _ token: Token, _ body: (GitHubClient) async throws -> T) async throws -> T {
        try await withTransport({ CurlTransport() }) { transport in
            try await body(GitHubClient(transport: transport, base: base, credential: token, clock: .system))
        }
    }
}

/// The machine the figures were taken on.
struct Machine {
    let processors: Int
    let memoryBytes: UInt64
    let cpu: String

    static var current: Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        return Machine(processors: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory, cpu: model)
    }
}
