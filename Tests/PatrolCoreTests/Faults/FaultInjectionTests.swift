import Foundation
import GitHubSimulator
import Synchronization
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Seeded rollouts against a simulator that answers 5–30 % of requests with a fault: 5xx, a dropped
/// connection, an answer slower than the transport's timeout, a public key rotated between GET and PUT, and in
/// some runs a secondary-limit storm. Every run must end with the fleet accounted for: each repository
/// holds the token (decrypted in the simulator) or is reported failed with a reason, the exit code says
/// which, and the ledger claims nothing the simulator does not hold. Replay one run with `PATROL_FAULT_SEED`.
@Suite("fault injection: seeded rollouts against a misbehaving GitHub")
struct FaultInjectionTests {
    static let runs = 240
    static let parallelRuns = 8
    /// Short enough that a held-back answer costs little; the simulator holds slow answers longer.
    static let transportTimeout = Duration.milliseconds(400)
    static let slowDelay = Duration.milliseconds(650)
    /// The backoff scaled down so retries do not sleep real seconds.
    static let fastRetries = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))

    /// What one run is made to meet, drawn from its seed.
    struct Scenario: CustomStringConvertible {
        let seed: UInt64
        var errorRate = 0.0
        var errorStatus = 502
        var dropRate = 0.0
        var slowRate = 0.0
        var rotated: [String] = []
        var storm: SecondaryLimits?

        init(seed: UInt64) {
            self.seed = seed
            var random = CrashSafetyTests.SplitMix(state: seed)
            let total = Double.random(in: 0.05...0.30, using: &random)
            var weights = (0..<3).map { _ in Double.random(in: 0...1, using: &random) }
            // A third of the runs meet one kind of fault only.
            if Int.random(in: 0..<3, using: &random) == 0 {
                let only = Int.random(in: 0..<3, using: &random)
                weights = (0..<3).map { $0 == only ? 1 : 0 }
            }
            let sum = max(weights.reduce(0, +), 1e-9)
            errorRate = total * weights[0] / sum
            dropRate = total * weights[1] / sum
            slowRate = total * weights[2] / sum
            errorStatus = [500, 502, 503, 504].randomElement(using: &random)!
            rotated = FleetHarness.fleet.filter { _ in Double.random(in: 0...1, using: &random) < 0.3 }
            if Int.random(in: 0..<8, using: &random) == 0 {
                storm = SecondaryLimits(pointsPerWindow: nil, writesPerWindow: Int.random(in: 2...5, using: &random), window: 1,
                                        maxConcurrent: nil, retryAfter: 1, status: Bool.random(using: &random) ? 403 : 429)
            }
        }

        var description: String {
            String(format: "seed %llu: %.0f %% %d, %.0f %% drops, %.0f %% slow, %d rotated%@", seed, errorRate * 100, errorStatus,
                   dropRate * 100, slowRate * 100, rotated.count, storm == nil ? "" : ", storm")
        }
    }

    /// The figures of one or more runs.
    struct Figures {
        var runs = 0, repositories = 0, requests = 0
        var errors = 0, drops = 0, lostAnswers = 0, slow = 0, rotations = 0, staleKeyAnswers = 0, limitAnswers = 0, stormRuns = 0
        var delivered = 0, reportedFailed = 0, preflightFailures = 0, resumeRuns = 0, silentResends = 0
        var findings: [String] = []

        mutating func add(_ other: Figures) {
            runs += other.runs; repositories += other.repositories; requests += other.requests
            errors += other.errors; drops += other.drops; lostAnswers += other.lostAnswers; slow += other.slow; rotations += other.rotations
            staleKeyAnswers += other.staleKeyAnswers; limitAnswers += other.limitAnswers; stormRuns += other.stormRuns
            delivered += other.delivered; reportedFailed += other.reportedFailed; preflightFailures += other.preflightFailures; resumeRuns += other.resumeRuns; silentResends += other.silentResends
            findings += other.findings
        }

        var summary: String {
            """
            fault injection: \(runs) runs, \(repositories) repositories, \(requests) requests
              faults injected: \(errors) 5xx, \(drops) connections dropped before and \(lostAnswers) after the request took effect, \(slow) answers slower than the timeout, \
            \(rotations) keys rotated between GET and PUT (\(staleKeyAnswers) stale-key 422s), \
            \(limitAnswers) secondary-limit answers in \(stormRuns) storm runs
              repositories: \(delivered) delivered, \(reportedFailed) reported failed (\(preflightFailures) runs stopped at preflight); \(resumeRuns) `--resume` runs finished the fleet
              uploads libcurl sent again by itself on a reused connection that died: \(silentResends)
              findings: \(findings.count)
            """
        }
    }

    @Test("at least 200 seeded rollouts under faults: every repository delivered or reported failed, exit code and ledger true")
    func seededRollouts() async throws {
        let seeds: [UInt64]
        if let replay = ProcessInfo.processInfo.environment["PATROL_FAULT_SEED"].flatMap(UInt64.init) {
            seeds = [replay]
        } else {
            seeds = (0..<UInt64(Self.runs)).map { 0xFA_0000 + $0 }
        }
        var total = Figures()
        try await withThrowingTaskGroup(of: Figures.self) { group in
            var next = seeds.makeIterator()
            for _ in 0..<Self.parallelRuns {
                if let seed = next.next() { group.addTask { try await Self.run(Scenario(seed: seed)) } }
            }
            while let figures = try await group.next() {
                total.add(figures)
                if let seed = next.next() { group.addTask { try await Self.run(Scenario(seed: seed)) } }
            }
        }
        print(total.summary)
        #expect(total.runs >= (seeds.count == 1 ? 1 : 200))
        #expect(total.findings.isEmpty, "\(total.findings.joined(separator: "\n"))")
        if seeds.count > 1 {
            // The faults really happened, of every kind.
            #expect(total.errors > 0 && total.drops > 0 && total.lostAnswers > 0 && total.slow > 0 && total.staleKeyAnswers > 0 && total.limitAnswers > 0)
        }
    }

    /// One rollout through the command (`patrol rollout --json`) under `scenario`, checked against the simulator.
    static func run(_ scenario: Scenario) async throws -> Figures {
        let fleet = try FleetHarness(seed: scenario.seed)
        let simulator = fleet.simulator
        let token = fleet.mint()
        simulator.setFaultRate(scenario.errorRate, status: scenario.errorStatus)
        simulator.setDropRate(scenario.dropRate)
        simulator.setSlowRate(scenario.slowRate, delay: slowDelay)
        for repository in scenario.rotated { simulator.rotatePublicKeyAfterNextFetch(of: repository) }
        if let storm = scenario.storm { simulator.setSecondaryLimits(storm) }

        let (code, stdout, stderr) = await rollout(fleet, token: token)
        // Stop the faults before reading the truth back.
        simulator.setFaultRate(0)
        simulator.setDropRate(0)
        simulator.setSlowRate(0, delay: .zero)

        var figures = Figures()
        figures.runs = 1
        figures.repositories = FleetHarness.fleet.count
        let log = simulator.requests
        figures.requests = log.count
        let injected = simulator.injectedFaults
        figures.errors = injected.errors
        figures.drops = injected.drops
        figures.lostAnswers = injected.lostAnswers
        figures.slow = injected.slow
        figures.limitAnswers = simulator.counters.secondaryLimitAnswers
        figures.stormRuns = scenario.storm == nil ? 0 : 1
        func finding(_ text: String) { figures.findings.append("\(scenario): \(text)") }

        #expect(!stdout.contains(token) && !stderr.contains(token))
        let truth = fleet.delivered()
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
        let ledger = try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN")
        for (id, record) in ledger.targets where record.fingerprint == fingerprint && truth[String(id.dropFirst("repo:".count))] != .some(token) {
            finding("the ledger says \(id) holds the token, but it does not")
        }

        if let report = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any],
           let outcomes = report["repositories"] as? [[String: Any]] {
            var allSucceeded = true
            for outcome in outcomes {
                let name = outcome["repository"] as? String ?? "?"
                let status = outcome["status"] as? String ?? "?"
                // Every upload that reached the simulator is counted, except the ones libcurl sends again by
                // itself when a reused connection dies before any answer (which it cannot tell patrol).
                let puts = log.indices.filter { log[$0].method == "PUT" && log[$0].path == "/repos/\(name)/actions/secrets/PAT_TOKEN" }
                let died = puts.filter { log[$0].dropped || simulator.answerWasDropped($0) }.count
                if let attempts = outcome["attempts"] as? Int {
                    if attempts < puts.count - died {
                        finding("\(name) (\(status)) reports \(attempts) upload attempts; the simulator received \(puts.count)")
                    }
                    figures.silentResends += max(0, puts.count - attempts)
                }
                switch status {
                case "created", "updated":
                    figures.delivered += 1
                    if truth[name] != .some(token) { finding("\(name) reported \(status) but does not hold the token") }
                    if ledger.targets["repo:\(name)"]?.fingerprint != fingerprint { finding("\(name) reported \(status) but is not in the ledger") }
                default:
                    allSucceeded = false
                    figures.reportedFailed += 1
                    if (outcome["error"] as? String ?? "").isEmpty { finding("\(name) reported \(status) without a reason") }
                    if ProcessInfo.processInfo.environment["PATROL_FAULT_TRACE"] != nil { print("FAILED \(scenario) \(name): \(outcome["error"] ?? "")") }
                }
            }
            if outcomes.count != FleetHarness.fleet.count { finding("the report lists \(outcomes.count) repositories") }
            if (code == 0) != allSucceeded { finding("exit code \(code) but \(allSucceeded ? "all succeeded" : "some failed")") }
        } else {
            // No report: the run stopped before uploading anything (the preflight met its faults).
            figures.preflightFailures += 1
            figures.reportedFailed += FleetHarness.fleet.count
            if code == 0 { finding("exit 0 without a report") }
            if stderr.isEmpty { finding("exit \(code) without a reason") }
            if log.contains(where: { $0.method == "PUT" }) { finding("uploads without a report: \(stderr)") }
        }

        // Nothing is lost track of: with the faults gone, `--resume` finishes the fleet, uploading only where
        // the ledger has no record.
        if figures.reportedFailed > 0 {
            figures.resumeRuns = 1
            let resumeFrom = simulator.requests.count
            let (resumeCode, resumeOut, resumeErr) = await rollout(fleet, token: token, extra: ["--resume"])
            if resumeCode != 0 { finding("--resume after the faults ended with exit \(resumeCode): \(resumeOut)\(resumeErr)") }
            if fleet.delivered().values.contains(where: { $0 != token }) { finding("--resume left repositories without the token") }
            for request in simulator.requests.dropFirst(resumeFrom) where request.method == "PUT" {
                let parts = request.path.split(separator: "/")
                if ledger.targets["repo:\(parts[1])/\(parts[2])"]?.fingerprint == fingerprint {
                    finding("--resume uploaded again to \(parts[1])/\(parts[2]), which the ledger recorded")
                }
            }
        }

        // A stale key_id answer leads to a fresh key and a retry, within the upload's 5 attempts (spec §4): the key
        // can change again before the retry lands, so more than one stale answer may reach patrol, never more than
        // the budget, and never more fresh keys than stale answers.
        for repository in scenario.rotated {
            let keyPath = "/repos/\(repository)/actions/secrets/public-key"
            let secretPath = "/repos/\(repository)/actions/secrets/PAT_TOKEN"
            let stale = log.indices.filter { log[$0].method == "PUT" && log[$0].path == secretPath && log[$0].status == 422 }
            let seen = stale.filter { !simulator.answerWasLost($0) }
            figures.rotations += log.contains { $0.path == keyPath && $0.status == 200 } ? 1 : 0
            figures.staleKeyAnswers += seen.count
            if seen.count > 5 { finding("\(repository): \(seen.count) stale-key answers reached patrol, more than the 5 attempts") }
            guard let first = seen.first else { continue }
            let after = log[(first + 1)...]
            let freshKeys = after.indices.filter { after[$0].path == keyPath && after[$0].status == 200 && !simulator.answerWasLost($0) }
            if freshKeys.count > seen.count { finding("\(repository): \(freshKeys.count) fresh keys after \(seen.count) stale-key answers") }
            let retried = after.contains { $0.method == "PUT" && $0.path == secretPath }
            if !freshKeys.isEmpty && !retried && truth[repository] != .some(token) {
                finding("\(repository): no retry after the fresh key")
            }
        }
        if ProcessInfo.processInfo.environment["PATROL_FAULT_TRACE"] != nil, !figures.findings.isEmpty {
            for (index, request) in log.enumerated() {
                print("\(index) \(request.method) \(request.path) \(request.status)\(request.dropped ? " dropped" : "")\(simulator.answerWasLost(index) ? " lost" : "")")
            }
            print(stdout)
        }
        return figures
    }

    /// `patrol rollout --json` in-process, with the short timeout and the fast backoff.
    static func rollout(_ fleet: FleetHarness, token: String, extra: [String] = []) async -> (code: Int32, stdout: String, stderr: String) {
        let out = Mutex(""), err = Mutex("")
        let console = Console(stdout: { text in out.withLock { $0 += text } }, stderr: { text in err.withLock { $0 += text } })
        let environment = ["PAT_TOKEN": token]
        let context = Context(
            environment: environment, console: console,
            tokenInputs: TokenInputs(environment: environment, standardInput: ""),
            makeTransport: { verbose in
                var configuration = TransportConfiguration(connectTimeout: transportTimeout, timeout: transportTimeout)
                configuration.verbose = verbose
                return CurlTransport(configuration: configuration)
            },
            retryPolicy: fastRetries)
        let code = await Patrol.run(
            arguments: ["rollout", "--json", "--write-rate", "1000", "--write-burst", "100"] + extra + ["--config", fleet.configPath],
            context: context)
        let (stdout, stderr) = (out.withLock { $0 }, err.withLock { $0 })
        TestTranscripts.record("fault-injection-rollout", stdout: stdout, stderr: stderr)
        return (code, stdout, stderr)
    }
}
