import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The ledger under real crashes and real contention: the built binary, SIGKILLed or run twice at once.
@Suite("ledger crash safety, end to end")
struct CrashSafetyTests {
    /// A seeded generator for the kill moments, so a failing run can be replayed with `PATROL_KILL_SEED`.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// PUTs of the secret per repository in the simulator's log, from `start` on.
    static func uploads(_ fleet: FleetHarness, from start: Int = 0) -> [String: Int] {
        var counts: [String: Int] = [:]
        for request in fleet.simulator.requests.dropFirst(start) where request.method == "PUT" {
            let parts = request.path.split(separator: "/")
            counts["\(parts[1])/\(parts[2])", default: 0] += 1
        }
        return counts
    }

    @Test("SIGKILL at random moments, 50 runs: the ledger always loads, --resume finishes, no repository gets more uploads than the runs needed")
    func killAndResume() async throws {
        let seed = ProcessInfo.processInfo.environment["PATROL_KILL_SEED"].flatMap { UInt64($0) } ?? .random(in: 1 ... .max)
        print("kill-and-resume seed: \(seed) (replay with PATROL_KILL_SEED=\(seed))")
        var random = SplitMix(state: seed)

        // How long an uninterrupted run takes here, so the kills spread over the whole of one.
        let calibration = try FleetHarness(latency: .milliseconds(12))
        let clock = ContinuousClock()
        let started = clock.now
        let whole = try PatrolBinary.run(["rollout", "--concurrency", "2", "--config", calibration.configPath], environment: ["PAT_TOKEN": calibration.mint()])
        #expect(whole.code == 0, "\(whole.stderr)")
        let span = clock.now - started

        let runs = 50
        var totalUploads = 0, maxPerRepository = 0, killedMidRun = 0, killedBeforeRecording = 0, finishedBeforeKill = 0, killedWhileFinishing = 0
        for run in 1...runs {
            let fleet = try FleetHarness(latency: .milliseconds(Int.random(in: 5...20, using: &random)))
            let token = fleet.mint()
            let delay = span * Double.random(in: 0...1.1, using: &random)
            // Two at a time, so the repositories finish one after another and kills land between them.
            let process = try PatrolBinary.start(["rollout", "--concurrency", "2", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
            try await Task.sleep(for: delay)
            process.send(SIGKILL)
            process.wait()
            // What the killed run had sent is in the simulator's log before the uploads are counted, not among --resume's.
            try fleet.drain()
            let killed = process.wait() == .signaled(SIGKILL)
            let first = Self.uploads(fleet)

            // The ledger loads, and claims only what is true.
            let ledger: Ledger
            do {
                ledger = try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN")
            } catch {
                Issue.record("run \(run) (seed \(seed)): the ledger did not load after SIGKILL at \(delay): \(error)")
                continue
            }
            let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
            let recorded = Set(FleetHarness.fleet.filter { name in
                ledger.targets["repo:\(name)"]?.fingerprint == fingerprint
            })
            let delivered = fleet.delivered()
            for name in recorded { #expect(delivered[name] == .some(token), "run \(run): the ledger says \(name) holds the token, but it does not") }
            if !killed { finishedBeforeKill += 1 } else if recorded.isEmpty { killedBeforeRecording += 1 } else if recorded.count < 9 { killedMidRun += 1 } else { killedWhileFinishing += 1 }

            let mark = fleet.simulator.requests.count
            let resume = try PatrolBinary.run(["rollout", "--resume", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
            #expect(resume.code == 0, "run \(run) (seed \(seed)): \(resume.stderr)")
            let second = Self.uploads(fleet, from: mark)
            #expect(Set(second.keys) == Set(FleetHarness.fleet).subtracting(recorded),
                    "run \(run) (seed \(seed)): --resume uploaded to \(second.keys.sorted()) with \(recorded.sorted()) recorded")
            #expect(fleet.delivered().values.allSatisfy { $0 == token }, "run \(run) (seed \(seed))")
            for name in FleetHarness.fleet {
                let attempts = (first[name] ?? 0) + (second[name] ?? 0)
                #expect((first[name] ?? 0) <= 1 && (second[name] ?? 0) <= 1, "run \(run): \(name) received \(attempts) uploads")
                maxPerRepository = max(maxPerRepository, attempts)
                totalUploads += attempts
            }
            #expect(try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN").currentToken?.fingerprint == fingerprint)
        }
        print("kill-and-resume: \(runs) runs × \(FleetHarness.fleet.count) repositories, \(totalUploads) uploads in all "
              + "(\(runs * FleetHarness.fleet.count) needed at least), at most \(maxPerRepository) per repository in one run; "
              + "kills: \(killedBeforeRecording) before any repository was recorded, \(killedMidRun) mid-run (some recorded, not all), "
              + "\(killedWhileFinishing) with all recorded but before exit, \(finishedBeforeKill) after the run had ended; seed \(seed)")
    }

    @Test("two rollouts at once: the second waits for the first, naming it, then runs; the ledger stays whole")
    func secondWaits() async throws {
        let fleet = try FleetHarness(latency: .milliseconds(200))
        let first = fleet.mint(), second = fleet.mint()
        let running = try PatrolBinary.start(["rollout", "--concurrency", "1", "--config", fleet.configPath], environment: ["PAT_TOKEN": first])
        // Freeze the first run while it holds the lock, so the test does not depend on how fast this machine is.
        try Self.stopWhileHoldingLock(running, fleet: fleet)
        // A rotation to a second token (a rollout of another token than the current one is refused).
        let waiting = try PatrolBinary.start(["rotate", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": second, "PATROL_LOCK_WAIT": "120"], readsOutput: true)
        try waiting.stdin.close()
        // Let the first run go on only once the second has said it is waiting for it.
        var stderr = waiting.stderr.readText { $0.contains("waiting for the ledger") }
        running.send(SIGCONT)
        let stdout = waiting.stdout.readDataToEndOfFile()
        stderr += String(decoding: waiting.stderr.readDataToEndOfFile(), as: UTF8.self)
        waiting.wait()
        #expect(running.wait() == .exited(0))
        #expect(waiting.wait() == .exited(0), "\(stderr)\(String(decoding: stdout, as: UTF8.self))")
        #expect(stderr.contains("waiting for the ledger: \(fleet.ledgerPath) is locked by pid \(running.pid) (patrol rollout, since "))
        let ledger = try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN")
        let fingerprint = Token(bytes: Array(second.utf8)).fingerprint
        #expect(ledger.currentToken?.fingerprint == fingerprint)
        #expect(FleetHarness.fleet.allSatisfy { ledger.holds(try! RepositoryName(parsing: $0, defaultOwner: "garrick0"), fingerprint) })
        #expect(ledger.history.count == 2)
        #expect(fleet.delivered().values.allSatisfy { $0 == second })
    }

    @Test("a rollout still holding the lock after the wait: the second stops with exit 2, naming pid, command and since; nothing sent")
    func secondStops() async throws {
        let fleet = try FleetHarness(latency: .milliseconds(200))
        let running = try PatrolBinary.start(["rollout", "--concurrency", "1", "--config", fleet.configPath], environment: ["PAT_TOKEN": fleet.mint()])
        try Self.stopWhileHoldingLock(running, fleet: fleet)
        defer {
            running.send(SIGKILL)
            running.wait()
        }
        let mark = fleet.simulator.requests.count
        let token = fleet.mint()
        let second = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token, "PATROL_LOCK_WAIT": "2"])
        #expect(!fleet.simulator.requests.dropFirst(mark).contains { $0.authorization?.hasSuffix(token) == true })
        #expect(second.code == 2)
        #expect(second.stderr.contains("is locked by pid \(running.pid) (patrol rollout, since "), "\(second.stderr)")
        #expect(second.stderr.contains("waited 2 s"))
        #expect(throws: Never.self) { try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN") }
    }

    /// Waits (blocking this thread, not the cooperative pool) until the lock file names `running`, then stops
    /// that process with SIGSTOP; fails unless it is still alive and holding the lock once stopped.
    static func stopWhileHoldingLock(_ running: ChildProcess, fleet: FleetHarness) throws {
        let pid = running.pid
        for _ in 0..<3000 {
            if let data = FileManager.default.contents(atPath: fleet.ledgerPath + ".lock"),
               (try? LedgerLockHolder.decode(data))?.pid == pid {
                kill(pid, SIGSTOP)
                try #require(running.isRunning, "the first rollout ended before the test could hold it")
                return
            }
            usleep(10_000)
        }
        Issue.record("the first rollout never took the lock")
    }

}
