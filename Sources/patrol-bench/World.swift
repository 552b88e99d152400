import Foundation
import GitHubSimulator
import LoopbackTLS

/// One scenario's fleet: the simulator wired as the setup guide describes (so `doctor` has the platform and the
/// workflows to check), nginx in front of it as GitHub Enterprise Server's layout (`https://localhost:PORT/api/v3`,
/// a throw-away CA), two tokens, and a config file. patrol and `gh` both go through the front.
final class World {
    let scenario: Benchmark.Scenario
    /// The release `patrol` binary.
    let patrolPath: String
    let simulator: GitHubSimulator
    let front: TLSFront
    /// The token rolled out first, and the one `rotate` replaces it with.
    let first: String
    let second: String
    let folder: String
    let names: [String]
    var configPath: String { folder + "/fleet.json" }
    var ledgerPath: String { folder + "/ledger.json" }

    init(_ scenario: Benchmark.Scenario, patrol: String) throws {
        self.scenario = scenario
        patrolPath = patrol
        // Latency ± 5 %, uniform, so the mean is the scenario's latency.
        let latency = Duration.milliseconds(scenario.latencyMilliseconds)
        simulator = GitHubSimulator(latency: latency, seed: 2026)
        simulator.setLatency(latency * 0.95, jitter: latency / 10)
        // GitHub.com's shapes under Enterprise Server's path: Debian's gh (2.23) refuses the integer `key_id` some
        // Enterprise Server versions send ("cannot unmarshal number into Go struct field PubKey.key_id").
        // GitHub's hourly quota is not what is measured here (see docs/benchmarks.md): every command of the scenario fits.
        simulator.setRateLimit(1_000_000)
        let apiURL = try simulator.start()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/gh", withIntermediateDirectories: true)
        front = try TLSFront(upstream: apiURL, folder: folder, prefix: "/api/v3")
        names = (1...scenario.repositories).map { String(format: "service-%04d", $0) }
        // Half libraries, half applications, as a real fleet; the platform repository beside them.
        let split = names.count / 2
        let (libraries, applications) = (Array(names[..<split]), Array(names[split...]))
        let full = { (names: [String]) in names.map { "\(Benchmark.owner)/\($0)" } }
        for name in full(names) + ["\(Benchmark.owner)/platform"] { simulator.addRepository(name) }
        // An organization secret is written by an owner of the organization (classic tokens: admin:org).
        let login = scenario.organization ? Benchmark.admin : Benchmark.owner
        let scopes = scenario.organization ? ["repo", "workflow", "admin:org"] : ["repo", "workflow"]
        if scenario.organization { simulator.addOrganization(Benchmark.owner, owners: [login]) }
        simulator.wireFleetAsGuideDescribes(owner: Benchmark.owner, libraries: full(libraries), applications: full(applications),
                                            platform: "\(Benchmark.owner)/platform")
        let expiry = Date().addingTimeInterval(90 * 86_400)
        first = simulator.mintToken(login: login, scopes: scopes, expiresAt: expiry)
        second = simulator.mintToken(login: login, scopes: scopes, expiresAt: expiry)
        let targets = scenario.organization ? #", "targets": {"organization": {"name": "\#(Benchmark.owner)"}}"# : ""
        let quoted = { (names: [String]) in names.map { "\"\($0)\"" }.joined(separator: ", ") }
        try """
            {"owner": "\(Benchmark.owner)", "secret": "PAT_TOKEN",
             "repositories": {"libraries": [\(quoted(libraries))], "applications": [\(quoted(applications))]},
             "platform": {"repository": "platform"}, "apiURL": "\(front.url)", "ledger": "ledger.json"\(targets)}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func close() {
        front.stop()
        simulator.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Starts the next command with a clean slate at the simulator: an empty request log, counters at zero, and
    /// the limits' windows empty.
    private func reset() {
        simulator.resetLog()
        simulator.setSecondaryLimits(Benchmark.limits)
    }

    /// Removes the ledger, so that the next rollout is a first one (no key cached).
    func forgetLedger() {
        for suffix in ["", ".journal", ".lock"] { try? FileManager.default.removeItem(atPath: ledgerPath + suffix) }
    }

    /// How many repositories hold `token` (their sealed box opened to it inside the simulator); with an organization
    /// secret, how many fleet repositories it reaches when its box opens to `token`.
    func holding(_ token: String) -> Int {
        if scenario.organization {
            guard simulator.secret("PAT_TOKEN", in: .organization(Benchmark.owner))?.plaintext == token else { return 0 }
            let fleet = Set(names.map { "\(Benchmark.owner)/\($0)" })
            return simulator.repositoriesReached(by: "PAT_TOKEN", in: Benchmark.owner).filter(fleet.contains).count
        }
        return names.filter { simulator.secret("PAT_TOKEN", in: "\(Benchmark.owner)/\($0)")?.plaintext == token }.count
    }

    private func figures(_ run: ChildRun, delivering token: String?, ownProcess: Bool) -> Benchmark.Figures {
        let counters = simulator.counters
        return Benchmark.Figures(
            seconds: run.seconds, requests: counters.total,
            keyRequests: counters.byRoute.filter { $0.key.hasPrefix("GET") && $0.key.hasSuffix("public-key") }.values.reduce(0, +),
            writes: simulator.writeRequests.count,
            notModified: counters.notModified, peakInFlight: counters.peakConcurrency, limitAnswers: counters.secondaryLimitAnswers,
            peakBytes: ownProcess ? run.peakBytes : nil, peakAnonymousBytes: ownProcess ? run.peakAnonymousBytes : nil,
            delivered: token.map(holding), exitStatus: run.status)
    }

    /// `patrol <arguments>` as a child process, with `token` in `PAT_TOKEN` and the throw-away CA trusted; rollouts
    /// and rotations paced at the scenario's scaled write rate. `delivering`: the token every repository should hold after.
    func patrol(_ arguments: [String], token: String, delivering: String? = nil) throws -> Benchmark.Figures {
        reset()
        let writes = ["rollout", "rotate"].contains(arguments[0])
            ? ["--write-rate", String(Benchmark.writeRate), "--write-burst", String(Benchmark.writeBurst)] : []
        let spawned = Date()
        let run = try ChildRun.run(patrolPath, arguments + ["--config", configPath, "--quiet"] + writes, environment: [
            "PAT_TOKEN": token, "PATROL_CA_FILE": front.caPath, "HOME": folder, "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
            // The simulator's limits count GitHub's minute in 60/25 s: so does patrol's points window.
            "PATROL_LIMIT_WINDOW": String(60 / Benchmark.timeScale),
        ])
        if ProcessInfo.processInfo.environment["BENCH_TIMELINE"] != nil {
            // Each request's arrival at the simulator, from the moment patrol was started, and when it had exited.
            for request in simulator.requests {
                Benchmark.note(String(format: "%7.1f ms %@ %@ %d", request.time.timeIntervalSince(spawned) * 1000, request.method, request.path, request.status))
            }
            Benchmark.note(String(format: "%7.1f ms exited", run.seconds * 1000))
        }
        // status exits 1 while a repository is not current, doctor 1 when a check fails: reported, not fatal.
        if run.status != 0 {
            Benchmark.note("patrol \(arguments.joined(separator: " ")) exited \(run.status): \(run.stderr.suffix(600))")
        }
        return figures(run, delivering: delivering, ownProcess: true)
    }

    /// The environment `gh` gets: the front as an Enterprise Server host, the token in `GH_ENTERPRISE_TOKEN` (never in
    /// argv), the throw-away CA, a config folder of its own, no prompts and no update check.
    private var ghEnvironment: [String: String] {
        ["GH_HOST": "localhost:\(front.port)", "GH_ENTERPRISE_TOKEN": first, "SSL_CERT_FILE": front.caPath,
         "GH_CONFIG_DIR": folder + "/gh", "GH_NO_UPDATE_NOTIFIER": "1", "GH_PROMPT_DISABLED": "1", "NO_COLOR": "1",
         "HOME": folder, "PATH": "/usr/bin:/bin"]
    }

    /// What a user's shell loop over `gh secret set` does: one repository after another, the value on stdin
    /// (`printf` is a shell builtin, so the token is in no process's argv).
    func ghSetLoop(_ gh: String) throws -> Benchmark.Figures {
        reset()
        let script = #"for r in "$@"; do printf '%s' "$GH_ENTERPRISE_TOKEN" | "$GH" secret set PAT_TOKEN -R "$r" || exit 1; done"#
        return try ghLoop(script, gh: gh, delivering: first)
    }

    /// What a user's shell loop over `gh secret list -R` does to see which repositories have the secret.
    func ghListLoop(_ gh: String) throws -> Benchmark.Figures {
        reset()
        let script = #"for r in "$@"; do "$GH" secret list -R "$r" > /dev/null || exit 1; done"#
        return try ghLoop(script, gh: gh, delivering: nil)
    }

    private func ghLoop(_ script: String, gh: String, delivering: String?) throws -> Benchmark.Figures {
        var environment = ghEnvironment
        environment["GH"] = gh
        let run = try ChildRun.run("/bin/bash", ["-c", script, "gh-loop"] + names.map { "\(Benchmark.owner)/\($0)" }, environment: environment)
        if run.status != 0 { Benchmark.note("the gh loop exited \(run.status): \(run.stderr.suffix(600))") }
        return figures(run, delivering: delivering, ownProcess: false)
    }
}

/// Debian's `gh`, where `make bench` installs it.
enum GitHubCLI {
    static func locate() -> String? {
        ["/usr/bin/gh", "/usr/local/bin/gh"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
