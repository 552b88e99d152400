import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("rollout under GitHub's rate limits")
struct RateLimitedRolloutTests {
    @Test("a storm of secondary-limit answers: every repository delivered, nothing sent inside an announced pause")
    func storm() async throws {
        // patrol and the simulator share one virtual clock that moves only while no request is in flight: a
        // request takes no time on it, every wait (the gate's pauses and pacing, the retries' backoff) takes
        // exactly what patrol decided, and the result does not depend on the machine's speed.
        let clock = VirtualClock()
        let fleet = try FleetHarness(clock: clock)
        // 30 points a second: the preflight, nine keys and four uploads fit; the fifth upload trips the limit,
        // and everything until the penalty ends is refused with retry-after: 3.
        fleet.simulator.setSecondaryLimits(SecondaryLimits(pointsPerWindow: 30, writesPerWindow: nil, window: 1, maxConcurrent: nil, retryAfter: 3))
        let token = fleet.mint()
        let started = clock.now
        let run = await fleet.run(["rollout", "--write-rate", "8", "--write-burst", "10"], environment: ["PAT_TOKEN": token], clock: clock)
        #expect(run.code == 0, "\(run.output)")
        for (repository, plaintext) in fleet.delivered() {
            #expect(plaintext == token, "\(repository) holds something else")
        }
        let answers = fleet.simulator.limitAnswers
        #expect(!answers.isEmpty)
        #expect(run.stderr.contains("GitHub asked patrol to slow down; pausing 3 s"))
        // The pause took virtual time, not wall time: the run spans at least the 3 s pause on the shared clock.
        #expect(clock.now.timeIntervalSince(started) >= 3, "the clock moved \(clock.now.timeIntervalSince(started)) s")
        // Requests that were already out when the answer came arrive at its very moment (no time passes in flight);
        // anything later and before the pause ends was sent during the pause. (Times are seconds since 1970 in a
        // Double on both sides, exact to about a microsecond: the end is compared to within a millisecond.)
        let requests = fleet.simulator.requests
        for answer in answers {
            let inside = requests.filter { $0.time > answer.time && $0.time < answer.pauseEnds.addingTimeInterval(-0.001) }
            #expect(inside.isEmpty, "sent during the pause announced at \(answer.time): \(inside.map { "\($0.method) \($0.path) +\(Int($0.time.timeIntervalSince(answer.time) * 1000)) ms" })")
        }
    }

    @Test("a re-run sends If-None-Match for every key, gets 304, and reuses the key kept in the ledger")
    func cachedKeys() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let first = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(first.code == 0, "\(first.output)")
        let ledger = try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN")
        for name in FleetHarness.fleet {
            let record = try #require(ledger.targets["repo:\(name)"])
            #expect(record.publicKey == fleet.simulator.repository(name)?.publicKey)
            #expect(record.keyETag != nil)
        }

        fleet.simulator.resetLog()
        fleet.simulator.rotatePublicKey(of: "garrick0/c3-web")
        let second = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(second.code == 0, "\(second.output)")
        let keyFetches = fleet.simulator.requests.filter { $0.route == "GET public-key" }
        #expect(keyFetches.count == 9)
        #expect(keyFetches.allSatisfy { $0.ifNoneMatch != nil })
        // Eight keys unchanged (304); the rotated one answers 200 with the new key, and every value still opens.
        #expect(keyFetches.filter { $0.status == 304 }.count == 8)
        #expect(fleet.simulator.counters.notModified == 8)
        for (repository, plaintext) in fleet.delivered() {
            #expect(plaintext == token, "\(repository) holds something else")
        }
    }
}
