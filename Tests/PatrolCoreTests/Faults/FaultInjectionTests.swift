import Foundation
import GitHubSimulator
@testable import PatrolSupport
import Testing
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
///
/// No verdict depends on how fast the machine is (a sanitizer slows it down many times): what reached patrol is
/// recorded at patrol's side of the socket (``Exchanges``) rather than guessed from the simulator's log (an answer the
/// simulator sent in time can still reach a loaded client after its timeout), and the waits patrol and the simulator
/// decide by (backoff, rate-limit pauses, the storm's windows) run on a ``VirtualClock`` that moves only while no
/// request is in flight. Wall time remains only in the transport's timeout, which decides which answers count as
/// lost, never whether a run passes.
@Suite("fault injection: seeded rollouts against a misbehaving GitHub")
struct FaultInjectionTests {
    static let runs = 240
    static let parallelRuns = 8
    /// Short enough that a held-back answer costs little; the simulator holds slow answers longer.
    static let transportTimeout = Duration.milliseconds(400)
    static let slowDelay = Duration.milliseconds(650)

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
        var errors = 0, drops = 0, lostAnswers = 0, slow = 0, rotations = 0, staleKeyAnswers = 0, lateStaleKeyAnswers = 0, limitAnswers = 0, stormRuns = 0
        var delivered = 0, reportedFailed = 0, preflightFailures = 0, resumeRuns = 0, silentResends = 0
        var findings: [String] = []

        mutating func add(_ other: Figures) {
            runs += other.runs; repositories += other.repositories; requests += other.requests
            errors += other.errors; drops += other.drops; lostAnswers += other.lostAnswers; slow += other.slow; rotations += other.rotations
            staleKeyAnswers += other.staleKeyAnswers; lateStaleKeyAnswers += other.lateStaleKeyAnswers; limitAnswers += other.limitAnswers; stormRuns += other.stormRuns
            delivered += other.delivered; reportedFailed += other.reportedFailed; preflightFailures += other.preflightFailures; resumeRuns += other.resumeRuns; silentResends += other.silentResends
            findings += other.findings
        }

        var summary: String {
            """
            fault injection: \(runs) runs, \(repositories) repositories, \(requests) requests
              faults injected: \(errors) 5xx, \(drops) connections dropped before and \(lostAnswers) after the request took effect, \(slow) answers slower than the timeout, \
            \(rotations) keys rotated between GET and PUT (\(staleKeyAnswers) stale-key 422s reached patrol, \(lateStaleKeyAnswers) more \
            the simulator sent with no fault but patrol had given up on: a late answer on a loaded machine), \
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

    /// Every exchange patrol's transport had with the simulator, as patrol saw it: recorded below the retries, one
    /// entry per request curl was asked to send, with the status that came back or the error instead.
    final class Exchanges: Sendable {
        struct Exchange: Sendable {
            let method: String
            let path: String
            /// The status that reached patrol; nil when the send failed (timeout, connection lost).
            let status: Int?
        }

        private let all = Locked<[Exchange]>([])

        var list: [Exchange] { all.withLock { $0 } }

        func record(_ request: HTTPRequest, status: Int?) {
            let path = String(request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
            all.withLock { $0.append(Exchange(method: request.method.rawValue, path: path, status: status)) }
        }
    }

    /// A transport that records each exchange of the one it wraps.
    struct RecordingTransport: ClosableTransport {
        let inner: any ClosableTransport
        let exchanges: Exchanges

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            do {
                let response = try await inner.send(request)
                exchanges.record(request, status: response.status)
                return response
            } catch {
                exchanges.record(request, status: nil)
                throw error
            }
        }

        func shutdown() { inner.shutdown() }
    }

    /// One rollout through the command (`patrol rollout --json`) under `scenario`, checked against the simulator.
    static func run(_ scenario: Scenario) async throws -> Figures {
        let clock = VirtualClock()
        let fleet = try FleetHarness(seed: scenario.seed, clock: clock)
        let simulator = fleet.simulator
        let token = fleet.mint()
        simulator.setFaultRate(scenario.errorRate, status: scenario.errorStatus)
        simulator.setDropRate(scenario.dropRate)
        simulator.setSlowRate(scenario.slowRate, delay: slowDelay)
        for repository in scenario.rotated { simulator.rotatePublicKeyAfterNextFetch(of: repository) }
        if let storm = scenario.storm { simulator.setSecondaryLimits(storm) }

        let seen = Exchanges()
        let (code, stdout, stderr) = await rollout(fleet, token: token, clock: clock, exchanges: seen)
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
                let sent = seen.list.filter { $0.method == "PUT" && $0.path == "/repos/\(name)/actions/secrets/PAT_TOKEN" }.count
                if let attempts = outcome["attempts"] as? Int {
                    // Every upload patrol's transport sent is one attempt; the simulator may have received more (libcurl's
                    // own resends), never fewer than those that did not die before reaching it.
                    if attempts != sent { finding("\(name) (\(status)) reports \(attempts) upload attempts; patrol's transport sent \(sent)") }
                    let died = puts.filter { log[$0].dropped || simulator.answerWasDropped($0) }.count
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
            let (resumeCode, resumeOut, resumeErr) = await rollout(fleet, token: token, clock: clock, exchanges: Exchanges(), extra: ["--resume"])
            if resumeCode != 0 { finding("--resume after the faults ended with exit \(resumeCode): \(resumeOut)\(resumeErr)") }
            if fleet.delivered().values.contains(where: { $0 != token }) { finding("--resume left repositories without the token") }
            for request in simulator.requests.dropFirst(resumeFrom) where request.method == "PUT" {
                let parts = request.path.split(separator: "/")
                if ledger.targets["repo:\(parts[1])/\(parts[2])"]?.fingerprint == fingerprint {
                    finding("--resume uploaded again to \(parts[1])/\(parts[2]), which the ledger recorded")
                }
            }
        }

        // The key rotates once, right after its first fetch, and stays: so the first stale-key answer that reaches patrol
        // is the only one — patrol fetches the key again, seals for it and sends again (within the upload's 5 attempts,
        // spec §4), and that key is current. More 422s may reach the simulator (and be in its log) before that: uploads
        // whose answer never reached patrol (dropped, held back, or late for a loaded client) are sent again as they were.
        for repository in scenario.rotated {
            let keyPath = "/repos/\(repository)/actions/secrets/public-key"
            let secretPath = "/repos/\(repository)/actions/secrets/PAT_TOKEN"
            let exchanges = seen.list.filter { $0.path == keyPath || $0.path == secretPath }
            figures.rotations += log.contains { $0.path == keyPath && $0.status == 200 } ? 1 : 0
            let stale = exchanges.indices.filter { exchanges[$0].method == "PUT" && exchanges[$0].status == 422 }
            figures.staleKeyAnswers += stale.count
            let inLog = log.indices.filter { log[$0].method == "PUT" && log[$0].path == secretPath && log[$0].status == 422 }
            let late = inLog.filter { !simulator.answerWasLost($0) }.count - stale.count
            figures.lateStaleKeyAnswers += max(0, late)
            if late > 0, ProcessInfo.processInfo.environment["PATROL_FAULT_TRACE"] != nil {
                print("LATE \(scenario) \(repository): \(late) stale-key answer(s) sent in time by the simulator never reached patrol; as patrol saw it: "
                      + exchanges.map { "\($0.method) \($0.path.hasSuffix("public-key") ? "key" : "secret") \($0.status.map(String.init) ?? "timeout/lost")" }.joined(separator: ", "))
            }
            if stale.count > 1 {
                finding("\(repository): \(stale.count) stale-key answers reached patrol (\(inLog.count) in the simulator's log); the key rotated once")
            }
            guard let first = stale.first else { continue }
            let after = exchanges[(first + 1)...]
            let freshKeys = after.filter { $0.method == "GET" && $0.path == keyPath && $0.status == 200 }.count
            if freshKeys > 1 { finding("\(repository): \(freshKeys) fresh keys reached patrol after one stale-key answer") }
            let retried = after.contains { $0.method == "PUT" }
            if freshKeys == 1 && !retried && truth[repository] != .some(token) {
                finding("\(repository): no retry after the fresh key")
            }
        }
        if ProcessInfo.processInfo.environment["PATROL_FAULT_TRACE"] != nil, !figures.findings.isEmpty {
            for (index, request) in log.enumerated() {
                print("\(index) \(request.method) \(request.path) \(request.status)\(request.dropped ? " dropped" : "")\(simulator.answerWasLost(index) ? " lost" : "")")
            }
            print("as patrol saw it:")
            for (index, exchange) in seen.list.enumerated() {
                print("\(index) \(exchange.method) \(exchange.path) \(exchange.status.map(String.init) ?? "no answer")")
            }
            print(stdout)
        }
        return figures
    }

    /// `patrol rollout --json` in-process, with the short timeout and GitHub's own backoff, on `clock` (which jumps to the next wake-up whenever no
    /// request is in flight), each exchange recorded in `exchanges`.
    static func rollout(_ fleet: FleetHarness, token: String, clock: VirtualClock, exchanges: Exchanges,
                        extra: [String] = []) async -> (code: Int32, stdout: String, stderr: String) {
        let out = Locked(""), err = Locked("")
        let console = Console(stdout: { text in out.withLock { $0 += text } }, stderr: { text in err.withLock { $0 += text } })
        let environment = ["PAT_TOKEN": token]
        var context = Context(
            environment: environment, console: console,
            tokenInputs: TokenInputs(environment: environment, standardInput: ""),
            makeTransport: { verbose in
                var configuration = TransportConfiguration(connectTimeout: transportTimeout, timeout: transportTimeout)
                configuration.verbose = verbose
                return RecordingTransport(inner: CurlTransport(configuration: configuration), exchanges: exchanges)
            },
            clock: clock.source)
        // Every connection's gate, so the clock can see whether a request is out.
        let gates = Locked<[RateLimitGate]>([])
        context.watchGate = { gate in gates.withLock { $0.append(gate) } }
        let code = await clock.running(advancingWhen: { gates.withLock { $0.allSatisfy { $0.inFlight == 0 } } }) {
            await Patrol.run(
                arguments: ["rollout", "--json", "--write-rate", "1000", "--write-burst", "100"] + extra + ["--config", fleet.configPath],
                context: context)
        }
        let (stdout, stderr) = (out.withLock { $0 }, err.withLock { $0 })
        TestTranscripts.record("fault-injection-rollout", stdout: stdout, stderr: stderr)
        return (code, stdout, stderr)
    }
}
