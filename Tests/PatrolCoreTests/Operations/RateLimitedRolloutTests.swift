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
        let fleet = try FleetHarness()
        // 30 points a second: the preflight, nine keys and four uploads fit; the fifth upload trips the limit,
        // and everything until the penalty ends is refused with retry-after: 3.
        fleet.simulator.setSecondaryLimits(SecondaryLimits(pointsPerWindow: 30, writesPerWindow: nil, window: 1, maxConcurrent: nil, retryAfter: 3))
        let token = fleet.mint()
        let run = await fleet.run(["rollout", "--write-rate", "8", "--write-burst", "10"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        for (repository, plaintext) in fleet.delivered() {
            #expect(plaintext == token, "\(repository) holds something else")
        }
        let answers = fleet.simulator.limitAnswers
        #expect(!answers.isEmpty)
        #expect(run.stderr.contains("GitHub asked patrol to slow down; pausing 3 s"))
        // Requests the client let through before it had read an answer may still arrive just after it, later still
        // when the machine is busy (a second and more was seen with both cores compiling); allow them half the pause.
        // Anything in the second half was sent during the pause (a client that ignored it would be retrying then,
        // on its 0–2 s backoff).
        let requests = fleet.simulator.requests
        for answer in answers {
            let inside = requests.filter { $0.time > answer.time.addingTimeInterval(1.5) && $0.time < answer.pauseEnds }
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
            let record = try #require(ledger.repositories[name])
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
