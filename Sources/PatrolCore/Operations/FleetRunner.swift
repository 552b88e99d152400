import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// The one way an operation goes through a fleet (rollout, rotate, status, doctor): one job per repository,
/// at most `concurrency` of them at once; none started after GitHub's first 401 (``CredentialLockout``) or once
/// `shouldStop` says so; each result handed to `finished` the moment it is known and counted in `progress`;
/// the results returned in the fleet's order.
package struct FleetRunner: Sendable {
    /// Why a repository was not started.
    package enum Halt: Sendable {
        /// GitHub rejected the credential (401) earlier in the run.
        case rejected(GitHubError)
        /// A signal came, or standard output's reader went away.
        case stopped
    }

    /// Jobs in progress at once, at least 1.
    package var concurrency: Int
    /// Run the first repository by itself before the others start, so that a rejected credential costs one
    /// request rather than `concurrency` (for a run that has not checked the credential before, as `status`).
    package var firstAlone = false
    /// The run's 401 stop; a job that makes requests sends them through it (or records a 401 in it).
    package let lockout: CredentialLockout
    /// Asked before each repository starts: true (a signal, a closed stdout) starts nothing more.
    package var shouldStop: @Sendable () -> Bool = { false }
    /// Called after each repository finishes, with the count done so far.
    package var progress: @Sendable (Int) -> Void = { _ in }

    package init(concurrency: Int, lockout: CredentialLockout = CredentialLockout()) {
        self.concurrency = concurrency
        self.lockout = lockout
    }

    /// Runs `job` for each of `repositories` (repositories, or secret targets) and returns the results in their order. A repository `settled`
    /// answers for (a success that needs no request) is not a job and is reported even after a 401 or a stop;
    /// a repository not started after one is reported by `notStarted`. `finished` gets every result the moment
    /// it is known, in the order they finish.
    package func run<Item: Sendable, Outcome: Sendable>(
        _ repositories: [Item],
        settled: @escaping @Sendable (Item) async -> Outcome? = { _ in nil },
        notStarted: @escaping @Sendable (Item, Halt) -> Outcome,
        job: @escaping @Sendable (Item) async -> Outcome,
        finished: @Sendable (Outcome) -> Void = { _ in }
    ) async -> [Outcome] {
        let width = max(1, concurrency)
        let lockout = self.lockout, shouldStop = self.shouldStop
        @Sendable func start(_ repository: Item) async -> Outcome {
            if let done = await settled(repository) { return done }
            if let error = lockout.error { return notStarted(repository, .rejected(error)) }
            if shouldStop() { return notStarted(repository, .stopped) }
            return await job(repository)
        }
        var outcomes = [Outcome?](repeating: nil, count: repositories.count)
        var done = 0
        var pending = Array(repositories.enumerated().reversed())
        if firstAlone, let (index, repository) = pending.popLast() {
            let outcome = await start(repository)
            outcomes[index] = outcome
            done += 1
            finished(outcome)
            progress(done)
        }
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var running = 0
            while !pending.isEmpty || running > 0 {
                // Keep `width` jobs in progress; start the next as each one finishes.
                while running < width, let (index, repository) = pending.popLast() {
                    group.addTask { (index, await start(repository)) }
                    running += 1
                }
                guard let (index, outcome) = await group.next() else { break }
                running -= 1
                outcomes[index] = outcome
                done += 1
                finished(outcome)
                progress(done)
            }
        }
        return outcomes.map { $0! }
    }
}

/// GitHub's first 401 of a run, after which it sends nothing new: GitHub locks an account out after repeated
/// bad credentials. Shared by every job of a ``FleetRunner`` (and by doctor's checks outside the fleet).
package final class CredentialLockout: Sendable {
    private let first = Locked<GitHubError?>(nil)

    package init() {}

    /// The 401 that locked the run out; nil while none came.
    package var error: GitHubError? { first.withLock { $0 } }

    /// Records `error` when it is a 401 and none was recorded before.
    package func record(_ error: any Error) {
        guard let error = error as? GitHubError, error.isBadCredentials else { return }
        first.withLock { if $0 == nil { $0 = error } }
    }

    /// Runs `body` unless a 401 was already seen; a 401 from `body` locks every later call out.
    /// Returns nil when locked out before this call; a 401 from this call is returned as its failure.
    package func call<T: Sendable>(_ body: () async throws -> T) async -> Result<T, any Error>? {
        if error != nil { return nil }
        do {
            return .success(try await body())
        } catch {
            record(error)
            return .failure(error)
        }
    }
}
