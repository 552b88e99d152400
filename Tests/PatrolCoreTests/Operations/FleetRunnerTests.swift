import Foundation
@testable import PatrolSupport
import Testing
@testable import PatrolGitHub
@testable import PatrolCore

@Suite("the fleet runner: bounded concurrency, the 401 stop, the stop on a signal, streaming")
struct FleetRunnerTests {
    static func fleet(_ count: Int) throws -> [RepositoryName] {
        try (0..<count).map { try RepositoryName(owner: "acme", name: "r\($0)") }
    }

    static let rejection = GitHubError(request: "GET /repos/acme/r2/actions/secrets", status: 401, message: "Bad credentials")

    /// What a job or the runner reported for one repository.
    enum Mark: Hashable, Sendable {
        case ran(String), settled(String), rejected(String), stopped(String)
    }

    /// Jobs in progress now and at most, and the order they started.
    final class Tally: Sendable {
        struct State { var now = 0, most = 0, started: [String] = [] }
        let state = Locked(State())
        func enter(_ name: String) { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.started.append(name) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
        var started: [String] { state.withLock { $0.started } }
    }

    static func notStarted(_ repository: RepositoryName, _ halt: FleetRunner.Halt) -> Mark {
        switch halt {
        case .rejected: .rejected(repository.name)
        case .stopped: .stopped(repository.name)
        }
    }

    @Test("at most `concurrency` jobs at once, the limit reached; results in the fleet's order; each one streamed and counted")
    func bounded() async throws {
        let repositories = try Self.fleet(20)
        let tally = Tally()
        let streamed = Locked<[Mark]>([]), counts = Locked<[Int]>([])
        var runner = FleetRunner(concurrency: 3)
        runner.progress = { done in counts.withLock { $0.append(done) } }
        let results = await runner.run(repositories, notStarted: Self.notStarted, job: { repository in
            tally.enter(repository.name)
            defer { tally.leave() }
            // The first wave waits until three are in, so that the limit is reached however slow the machine (a
            // sanitizer); a runner that started fewer at once lets them go after a while and fails the count below.
            for _ in 0..<10_000 where tally.started.count < 3 { try? await Task.sleep(for: .milliseconds(1)) }
            // Later repositories finish first, so that order of finishing and of the fleet differ.
            try? await Task.sleep(for: .milliseconds(20 - Int(repository.name.dropFirst())!))
            return .ran(repository.name)
        }, finished: { mark in streamed.withLock { $0.append(mark) } })
        #expect(results == repositories.map { .ran($0.name) })
        #expect(tally.most == 3)
        #expect(Set(streamed.withLock { $0 }) == Set(results) && streamed.withLock { $0.count } == 20)
        #expect(counts.withLock { $0 } == Array(1...20))
    }

    @Test("after a job's 401 no repository starts: the rest are reported rejected, a settled one still settled")
    func stopsAtTheFirst401() async throws {
        let repositories = try Self.fleet(10)
        let tally = Tally()
        let runner = FleetRunner(concurrency: 1)
        let lockout = runner.lockout
        let results = await runner.run(repositories, settled: { $0.name == "r7" ? .settled("r7") : nil },
                                       notStarted: Self.notStarted, job: { repository in
            tally.enter(repository.name)
            defer { tally.leave() }
            if repository.name == "r2" { lockout.record(Self.rejection) }
            return .ran(repository.name)
        })
        #expect(tally.started == ["r0", "r1", "r2"])
        #expect(results[..<3] == [.ran("r0"), .ran("r1"), .ran("r2")])
        #expect(results[7] == .settled("r7"))
        #expect(results.enumerated().filter { ![0, 1, 2, 7].contains($0.offset) }.allSatisfy { $0.element == .rejected("r\($0.offset)") })
        #expect(lockout.error?.status == 401)
    }

    @Test("with firstAlone the first repository runs by itself; its 401 costs that one request and starts nothing more")
    func firstAlone() async throws {
        let repositories = try Self.fleet(9)
        let tally = Tally()
        var runner = FleetRunner(concurrency: 8)
        runner.firstAlone = true
        let lockout = runner.lockout
        let results = await runner.run(repositories, notStarted: Self.notStarted, job: { repository in
            tally.enter(repository.name)
            defer { tally.leave() }
            try? await Task.sleep(for: .milliseconds(20))
            if repository.name == "r0" { lockout.record(Self.rejection) }
            return .ran(repository.name)
        })
        #expect(tally.started == ["r0"])
        #expect(tally.most == 1)
        #expect(results.dropFirst().allSatisfy { if case .rejected = $0 { true } else { false } })
    }

    @Test("once shouldStop says so, nothing more starts; what is in flight finishes")
    func stopsOnSignal() async throws {
        let repositories = try Self.fleet(6)
        let stop = Locked(false)
        var runner = FleetRunner(concurrency: 2)
        runner.shouldStop = { stop.withLock { $0 } }
        let results = await runner.run(repositories, notStarted: Self.notStarted, job: { repository in
            if repository.name == "r1" { stop.withLock { $0 = true } }
            return .ran(repository.name)
        })
        #expect(results[0] == .ran("r0") && results[1] == .ran("r1"))
        #expect(results[2...].allSatisfy { if case .stopped = $0 { true } else { false } })
    }

    @Test("the lockout: a 401 locks every later call out, another error does not")
    func lockout() async throws {
        let lockout = CredentialLockout()
        let failed = await lockout.call { () async throws -> Int in throw GitHubError(request: "GET /user", status: 500, message: "boom") }
        #expect(failed != nil && lockout.error == nil)
        let rejected = await lockout.call { () async throws -> Int in throw Self.rejection }
        if case .failure(let error as GitHubError)? = rejected { #expect(error.status == 401) } else { Issue.record("no failure: \(String(describing: rejected))") }
        #expect(lockout.error?.status == 401)
        let sent = Locked(false)
        let after = await lockout.call { () async throws -> Int in sent.withLock { $0 = true }; return 1 }
        #expect(after == nil && !sent.withLock { $0 })
    }
}
