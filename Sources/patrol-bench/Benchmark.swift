import Foundation
import GitHubSimulator

/// `patrol-bench`: every command of patrol (the release binary, as a child process, so that its wall time and peak
/// memory are its own) against the GitHub simulator behind a TLS + HTTP/2 front (nginx, a throw-away CA, the API
/// under `/api/v3` as on GitHub Enterprise Server), with GitHub's secondary limits on; beside loops of Debian's
/// `gh` over the same repositories, against the same simulator, in the same run, alternating with patrol run by run.
/// Prints a table with the targets of spec §8 (or `--json`).
enum Benchmark {
    /// GitHub's secondary limits run this many times faster in the simulator, and patrol's write rate with
    /// them, so a 1,000-repository run takes tens of seconds instead of a quarter of an hour.
    static let timeScale = 25.0
    static let owner = "bench-org"
    /// The account that owns `owner` when it is an organization.
    static let admin = "bench-admin"
    /// `--write-rate` and `--write-burst` for every rollout and rotation: GitHub's pace (1 a second after 10) × ``timeScale``.
    static let writeRate = timeScale
    static let writeBurst = 10

    struct Scenario: Sendable {
        let repositories: Int
        let latencyMilliseconds: Int
        /// Alternations of patrol and `gh` to take medians of (small fleets vary with scheduling).
        let runs: Int
        /// Time a `gh secret set` loop beside the rollouts.
        let ghSet: Bool
        /// Time a `gh secret list -R` loop beside `status`.
        let ghList: Bool
        /// One organization secret shared with the fleet (spec §9) instead of a copy per repository: a first rollout
        /// (the repositories' ids learnt, the secret created with them) and a rotation (ids from the ledger).
        var organization = false

        /// The floor the write bucket sets on a rollout: everything beyond the burst at the write rate.
        var floorSeconds: Double { Double(max(0, repositories - Benchmark.writeBurst)) / Benchmark.writeRate }
        var latency: Double { Double(latencyMilliseconds) / 1000 }
        var name: String { (organization ? "org secret, " : "") + "\(repositories) repos @ \(latencyMilliseconds) ms" }
    }

    static let scenarios = [
        Scenario(repositories: 9, latencyMilliseconds: 50, runs: 5, ghSet: true, ghList: true),
        Scenario(repositories: 100, latencyMilliseconds: 50, runs: 3, ghSet: false, ghList: true),
        Scenario(repositories: 1_000, latencyMilliseconds: 20, runs: 1, ghSet: false, ghList: false),
        Scenario(repositories: 1_000, latencyMilliseconds: 50, runs: 1, ghSet: false, ghList: false, organization: true),
    ]

    /// GitHub's published secondary limits with time scaled by ``timeScale``: 900 points and 80 writes per
    /// 60/25 = 2.4 s window, 100 requests at once, `retry-after` 60/25 s rounded up.
    static let limits = SecondaryLimits(pointsPerWindow: 900, writesPerWindow: 80, window: 60 / timeScale, maxConcurrent: 100,
                                        retryAfter: Int((60 / timeScale).rounded(.up)), status: 403)

    /// What was measured of one command (patrol's or a `gh` loop) in one run.
    struct Figures: Sendable {
        var seconds: Double
        var requests: Int
        var keyRequests: Int
        /// Requests that change something (PUT, POST, PATCH, DELETE).
        var writes: Int
        var notModified: Int
        var peakInFlight: Int
        var limitAnswers: Int
        /// patrol's own peak RSS (nil for a `gh` loop, many processes).
        var peakBytes: Int?
        var peakAnonymousBytes: Int?
        /// Repositories whose secret opens to the token the command rolled out (nil where the command writes nothing).
        var delivered: Int?
        var exitStatus: Int32
    }

    /// One command of one scenario: patrol's runs and, where there is one, the `gh` loop's, alternated.
    struct Measured: Sendable {
        let command: Command
        var runs: [Figures] = []
        var baseline: [Figures] = []

        /// The run of median wall time.
        var median: Figures? { Benchmark.median(runs) }
        var baselineMedian: Figures? { Benchmark.median(baseline) }
    }

    enum Command: String, Sendable, CaseIterable {
        case rollout = "rollout"
        case rolloutCached = "rollout, keys cached"
        case rotate = "rotate"
        case status = "status"
        case doctor = "doctor"
        case expiry = "expiry --live"

        /// Its name for `--commands`.
        var key: String {
            switch self {
            case .rollout: "rollout"
            case .rolloutCached: "cached"
            case .rotate: "rotate"
            case .status: "status"
            case .doctor: "doctor"
            case .expiry: "expiry"
            }
        }

        init?(key: String) {
            guard let command = Command.allCases.first(where: { $0.key == key }) else { return nil }
            self = command
        }

        /// What the `gh` loop beside it does, if any.
        var baselineName: String? {
            switch self {
            case .rollout: "gh secret set loop"
            case .status: "gh secret list -R loop"
            default: nil
            }
        }
    }

    struct Result: Sendable {
        let scenario: Scenario
        let measured: [Measured]

        func figures(_ command: Command) -> Measured? { measured.first { $0.command == command } }
    }

    static func median(_ runs: [Figures]) -> Figures? {
        guard !runs.isEmpty else { return nil }
        return runs.sorted { $0.seconds < $1.seconds }[runs.count / 2]
    }

    static func main(arguments: [String]) async -> Int32 {
        let json = arguments.contains("--json")
        var sizes: Set<String>?
        var selection = Set(Command.allCases)
        if let index = arguments.firstIndex(of: "--only"), index + 1 < arguments.count {
            sizes = Set(arguments[index + 1].split(separator: ",").map(String.init))
        }
        if let index = arguments.firstIndex(of: "--commands"), index + 1 < arguments.count {
            let names = arguments[index + 1].split(separator: ",").map(String.init)
            let unknown = names.filter { Command(key: $0) == nil }
            guard unknown.isEmpty else {
                note("unknown command \(unknown.joined(separator: ", ")) for --commands; use some of: \(Command.allCases.map(\.key).joined(separator: ","))")
                return 2
            }
            selection = Set(names.compactMap(Command.init(key:)))
        }
        do {
            let patrol = try locatePatrol()
            let gh = GitHubCLI.locate()
            if gh == nil { note("gh not found (`make bench` installs Debian's gh): the baselines are left out") }
            let startup = try (0..<5).map { _ in try ChildRun.run(patrol, ["--version"], environment: [:]).seconds }.sorted()[2]
            var results: [Result] = []
            for scenario in scenarios where sizes?.contains(scenario.organization ? "org" : String(scenario.repositories)) ?? true {
                note("\(scenario.name) …")
                results.append(try measure(scenario, patrol: patrol, gh: gh, commands: selection))
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

    static func note(_ line: String) {
        FileHandle.standardError.write(Data("patrol-bench: \(line)\n".utf8))
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

    /// Every command on one fleet (or those of `commands`), in the order a user would run them: rollouts (fresh and
    /// with the keys cached, alternating with the `gh secret set` loop), a rotation to a second token, then `status`
    /// (alternating with the `gh secret list` loop), `doctor` and `expiry --live`. A command left out that a later one
    /// needs (a rollout before `status`) still runs once, unmeasured.
    static func measure(_ scenario: Scenario, patrol: String, gh: String?, commands: Set<Command>) throws -> Result {
        let world = try World(scenario, patrol: patrol)
        defer { world.close() }
        if scenario.organization {
            // The secret's first rollout learns every repository's id; the rotation finds them in the ledger.
            var rollout = Measured(command: .rollout), rotate = Measured(command: .rotate)
            rollout.runs.append(try world.patrol(["rollout"], token: world.first, delivering: world.first))
            rotate.runs.append(try world.patrol(["rotate"], token: world.second, delivering: world.second))
            return Result(scenario: scenario, measured: [rollout, rotate].filter { commands.contains($0.command) })
        }
        var measured: [Measured] = []
        var fresh = Measured(command: .rollout), cached = Measured(command: .rolloutCached)
        if commands.contains(.rollout) || commands.contains(.rolloutCached) {
            for _ in 0..<scenario.runs {
                world.forgetLedger()
                fresh.runs.append(try world.patrol(["rollout"], token: world.first, delivering: world.first))
                if scenario.ghSet, let gh, commands.contains(.rollout) {
                    fresh.baseline.append(try world.ghSetLoop(gh))
                }
                cached.runs.append(try world.patrol(["rollout"], token: world.first, delivering: world.first))
            }
            if commands.contains(.rollout) { measured.append(fresh) }
            if commands.contains(.rolloutCached) { measured.append(cached) }
        } else if !commands.isDisjoint(with: [.rotate, .status, .doctor, .expiry]) {
            _ = try world.patrol(["rollout"], token: world.first, delivering: world.first)
        }
        var rotate = Measured(command: .rotate)
        if !commands.isDisjoint(with: [.rotate, .status, .doctor, .expiry]) {
            rotate.runs.append(try world.patrol(["rotate"], token: world.second, delivering: world.second))
            if commands.contains(.rotate) { measured.append(rotate) }
        }
        if commands.contains(.status) {
            var status = Measured(command: .status)
            for _ in 0..<scenario.runs {
                status.runs.append(try world.patrol(["status"], token: world.second))
                if scenario.ghList, let gh {
                    status.baseline.append(try world.ghListLoop(gh))
                }
            }
            measured.append(status)
        }
        if commands.contains(.doctor) {
            var doctor = Measured(command: .doctor)
            doctor.runs.append(try world.patrol(["doctor"], token: world.second))
            measured.append(doctor)
        }
        if commands.contains(.expiry) {
            var expiry = Measured(command: .expiry)
            expiry.runs.append(try world.patrol(["expiry", "--live"], token: world.second))
            measured.append(expiry)
        }
        return Result(scenario: scenario, measured: measured)
    }
}

/// The machine the figures were taken on.
struct Machine {
    let processors: Int
    let memoryBytes: UInt64
    let cpu: String
    let load: String

    static var current: Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
        return Machine(processors: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
                       cpu: model, load: load)
    }
}
