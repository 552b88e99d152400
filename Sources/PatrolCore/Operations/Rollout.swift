import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// Seals one token with each repository's public key, uploads it, and verifies each write
/// (spec §3.3 step 2). One repository's failure never stops the others, but a 401 stops the run.
///
/// `concurrency` bounds the repositories being *written* at once: a repository holds one of its slots
/// from its PUT until GitHub answers it. The next `concurrency` repositories fetch their keys meanwhile,
/// and each verify read runs after the slot is given back, so at most 2 × `concurrency` repositories are
/// in progress. That keeps a nine-repository fleet at five round trips with the default of 8 (preflight,
/// nine keys at once, eight PUTs, the ninth PUT, its verify), while on a large fleet the reads follow
/// the writes, which the rate-limit gate paces.
public struct Rollout: Sendable {
    public let client: GitHubClient
    public let token: Token
    public let secret: String
    public let repositories: [RepositoryName]
    public let ledger: LedgerStore
    public var dryRun = false
    /// Skip repositories that, per the ledger, already hold this token.
    public var resume = false
    public var concurrency = 8
    /// Called after each repository finishes, with the count done so far.
    public var progress: @Sendable (Int) -> Void = { _ in }
    /// Called with each repository's outcome the moment it is known, in the order they finish (the report streams it).
    public var finished: @Sendable (RepositoryOutcome) -> Void = { _ in }
    /// Asked before each repository starts and before each upload: true (a signal, a closed stdout) starts nothing more.
    public var shouldStop: @Sendable () -> Bool = { false }
    /// The time uploads are stamped with: the client's clock.
    public var now: @Sendable () -> Date
    /// Waits between read-backs: on the client's clock; tests pass one that records instead of waiting.
    public var sleep: @Sendable (Duration) async -> Void
    /// The waits before the second and third read-back of a write: GitHub's reads may lag a write by about
    /// a second (spec §4), so the write is looked for three times over about 2 s before it is reported missing.
    public var readBackDelays: [Duration] = [.seconds(1), .seconds(1)]
    /// PUTs sent per repository at most, transport retries and re-sealed sends after a 422 included (spec §4).
    public var maxUploadAttempts = 5
    /// The config file, named in the warning about a renamed repository.
    public var configPath = FleetConfig.defaultPath

    public init(client: GitHubClient, token: Token, secret: String, repositories: [RepositoryName], ledger: LedgerStore) {
        self.client = client
        self.token = token
        self.secret = secret
        self.repositories = repositories
        self.ledger = ledger
        now = client.clock.now
        // A cancelled wait ends early: the read-back that follows then fails or finds the write, as it would.
        sleep = { [clock = client.clock] duration in try? await clock.sleep(duration) }
    }

    /// Runs every repository and returns their outcomes in the fleet's order.
    public func run() async -> [RepositoryOutcome] {
        let held = await ledger.snapshot
        let rejection = Rejection()
        let writeSlots = AsyncSemaphore(concurrency)
        var outcomes = [RepositoryOutcome?](repeating: nil, count: repositories.count)
        await withTaskGroup(of: (Int, RepositoryOutcome).self) { group in
            var pending = Array(repositories.enumerated().reversed())
            var done = 0
            while !pending.isEmpty || done < repositories.count {
                // Keep 2 × `concurrency` repositories in progress; start the next as each one finishes.
                while let (index, repository) = pending.last, repositories.count - pending.count - done < 2 * max(1, concurrency) {
                    pending.removeLast()
                    group.addTask {
                        (index, await outcome(for: repository, held: held, rejection: rejection, writeSlots: writeSlots))
                    }
                }
                guard let (index, outcome) = await group.next() else { break }
                outcomes[index] = outcome
                done += 1
                finished(outcome)
                progress(done)
            }
        }
        return outcomes.map { $0! }
    }

    /// One repository's outcome, unless the ledger or an earlier 401 says not to try.
    private func outcome(for repository: RepositoryName, held: Ledger, rejection: Rejection, writeSlots: AsyncSemaphore) async -> RepositoryOutcome {
        if resume && held.holds(repository, token.fingerprint) {
            return .skipped(repository, reason: "already holds this token (--resume)", counts: true)
        }
        if let error = rejection.error { return .notAttempted(repository, because: error) }
        if shouldStop() { return .interrupted(repository) }
        let outcome = await deliver(to: repository, cachedKey: held.repositories[repository.fullName]?.cachedKey, writeSlots: writeSlots)
        if case .failed(let error as GitHubError) = outcome.failure, error.isBadCredentials { rejection.record(error) }
        return outcome
    }

    /// Thrown instead of an upload that `shouldStop` forbade; the repository is reported as not started.
    private struct Stopped: Error {}

    /// The first 401 of a run: once set, no further repository is attempted.
    private final class Rejection: Sendable {
        private let first = Locked<GitHubError?>(nil)
        package var error: GitHubError? { first.withLock { $0 } }
        package func record(_ error: GitHubError) { first.withLock { if $0 == nil { $0 = error } } }
    }

    /// GET key (conditional when `cachedKey` has an ETag) → seal → PUT (holding a write slot) → GET to
    /// verify → ledger, for one repository.
    package func deliver(to repository: RepositoryName, cachedKey: PublicKey? = nil, writeSlots: AsyncSemaphore = AsyncSemaphore(1)) async -> RepositoryOutcome {
        // Upload attempts, as the report counts them: every PUT sent, retries included.
        var attempts = 0
        do {
            var key = try await client.publicKey(of: repository, cached: cachedKey)
            var sealed = try SealedBox.seal(token, publicKey: key.key)
            if dryRun { return .dryRun(repository) }
            if shouldStop() { return .interrupted(repository) }
            var write: SecretWrite
            while true {
                do {
                    write = try await upload(sealed, keyID: key.keyID, to: repository, slots: writeSlots, counting: &attempts)
                    break
                } catch let error as GitHubError where error.status == 422 && attempts < maxUploadAttempts {
                    // A 422 here is most often a key rotated between our GET and PUT (and it may rotate again):
                    // fetch it again, seal again, send again, within the same attempt budget.
                    key = try await client.publicKey(of: repository)
                    sealed = try SealedBox.seal(token, publicKey: key.key)
                }
            }
            let uploadedAt = now()
            // GitHub's updated_at and Date header both have second precision and come from GitHub's clock,
            // so a write made after the key was fetched has updated_at ≥ the key's Date. Without a Date
            // header, compare with our own clock and allow for skew.
            let earliest = key.serverDate.map { $0.addingTimeInterval(-2) } ?? uploadedAt.addingTimeInterval(-300)
            let metadata = try await readBack(repository, notBefore: earliest, httpStatus: write.httpStatus)
            try await ledger.recordUpload(repository, fingerprint: token.fingerprint, keyID: key.keyID, etag: key.etag,
                                          uploadedAt: uploadedAt, secretUpdatedAt: metadata.updatedAt, publicKey: key.key)
            var outcome = RepositoryOutcome(repository: repository, status: write.created ? .created : .updated,
                                            httpStatus: write.httpStatus, secretUpdatedAt: metadata.updatedAt, attempts: attempts, failure: nil)
            // Reached through a redirect: delivered, and the config should learn the new name (the ledger keeps the old).
            if let current = try? await client.currentName(of: repository) {
                outcome.warnings.append("\(repository.fullName) is now \(current): update \(configPath)")
            }
            return outcome
        } catch is Stopped {
            return .interrupted(repository)
        } catch {
            return RepositoryOutcome(repository: repository, status: .failed, httpStatus: (error as? GitHubError)?.status,
                                     secretUpdatedAt: nil, attempts: attempts, failure: .failed(error))
        }
    }

    /// The secret's metadata once a read shows the write (`updated_at` ≥ `notBefore`). Reads may lag a write
    /// (spec §4), so a read that misses it is repeated after each of `readBackDelays` before the write is
    /// reported "absent" or "not updated".
    private func readBack(_ repository: RepositoryName, notBefore earliest: Date, httpStatus: Int) async throws -> SecretMetadata {
        var delays = readBackDelays[...]
        while true {
            let found = try await client.secret(secret, in: repository)
            if let found, found.updatedAt >= earliest { return found }
            guard let delay = delays.popFirst() else {
                guard let found else { throw VerificationError.absent(repository: repository, secret: secret, httpStatus: httpStatus) }
                throw VerificationError.notUpdated(repository: repository, secret: secret, updatedAt: found.updatedAt, httpStatus: httpStatus)
            }
            await sleep(delay)
        }
    }

    /// One PUT (with the transport's retries), adding the number of times it was sent to `attempts`.
    private func upload(_ sealed: String, keyID: String, to repository: RepositoryName, slots: AsyncSemaphore,
                        counting attempts: inout Int) async throws -> SecretWrite {
        do {
            let write = try await slots.withSlot {
                // Checked again once the slot is ours: a stop that came while this upload waited for it sends nothing.
                guard !shouldStop() else { throw Stopped() }
                return try await client.putSecret(secret, in: repository, encryptedValue: sealed, keyID: keyID)
            }
            attempts += write.attempts
            return write
        } catch let error as GitHubError {
            attempts += error.attempts
            throw error
        } catch let error as TransportError {
            attempts += error.attempts
            throw error
        } catch {
            attempts += 1
            throw error
        }
    }
}

/// What happened to one repository.
public struct RepositoryOutcome: Sendable {
    public enum Status: String, Sendable {
        case created, updated, failed, skipped
        case dryRun = "dry-run"
    }

    /// Why a repository did not succeed.
    public enum Failure: Sendable {
        /// The attempt failed with this error.
        case failed(any Error)
        /// Not attempted, or skipped, for this reason. `counts` is true when the skip is a success (already done).
        case skipped(String, counts: Bool)
        /// Not started: the run was stopped (a signal, a closed stdout) first.
        case interrupted

        public var message: String {
            switch self {
            case .failed(let error): return "\(error)"
            case .skipped(let reason, _): return reason
            case .interrupted: return "not started: the run was interrupted first; nothing was uploaded here"
            }
        }
    }

    public let repository: RepositoryName
    public let status: Status
    public let httpStatus: Int?
    public let secretUpdatedAt: Date?
    public let attempts: Int
    public let failure: Failure?
    /// What the user should know although the repository succeeded (a renamed repository).
    public var warnings: [String] = []

    /// True when the repository ended where the user wanted it.
    public var succeeded: Bool {
        switch status {
        case .created, .updated, .dryRun: return true
        case .failed: return false
        case .skipped:
            if case .skipped(_, let counts) = failure { return counts }
            return false
        }
    }

    package static func skipped(_ repository: RepositoryName, reason: String, counts: Bool) -> RepositoryOutcome {
        RepositoryOutcome(repository: repository, status: .skipped, httpStatus: nil, secretUpdatedAt: nil, attempts: 0,
                          failure: .skipped(reason, counts: counts))
    }

    package static func notAttempted(_ repository: RepositoryName, because rejection: GitHubError) -> RepositoryOutcome {
        skipped(repository, reason: "not attempted: the run stopped when GitHub rejected the credential (401 \"\(rejection.message)\"); "
                + "fix the token, then run again with --resume", counts: false)
    }

    package static func interrupted(_ repository: RepositoryName) -> RepositoryOutcome {
        RepositoryOutcome(repository: repository, status: .skipped, httpStatus: nil, secretUpdatedAt: nil, attempts: 0, failure: .interrupted)
    }

    /// True for a repository the run stopped before it started (a signal, a closed stdout).
    public var wasInterrupted: Bool {
        if case .interrupted = failure { return true }
        return false
    }

    package static func dryRun(_ repository: RepositoryName) -> RepositoryOutcome {
        RepositoryOutcome(repository: repository, status: .dryRun, httpStatus: nil, secretUpdatedAt: nil, attempts: 0, failure: nil)
    }

    package init(repository: RepositoryName, status: Status, httpStatus: Int?, secretUpdatedAt: Date?, attempts: Int, failure: Failure?, warnings: [String] = []) {
        self.repository = repository
        self.status = status
        self.httpStatus = httpStatus
        self.secretUpdatedAt = secretUpdatedAt
        self.attempts = attempts
        self.failure = failure
        self.warnings = warnings
    }
}

/// An upload GitHub accepted that the read-back did not confirm.
public enum VerificationError: Error, CustomStringConvertible {
    case absent(repository: RepositoryName, secret: String, httpStatus: Int)
    case notUpdated(repository: RepositoryName, secret: String, updatedAt: Date, httpStatus: Int)

    public var description: String {
        switch self {
        case .absent(_, let secret, let status):
            return "GitHub accepted the upload (\(status)) but then reported no secret \(secret); run again with --resume"
        case .notUpdated(_, let secret, let updatedAt, let status):
            return "GitHub accepted the upload (\(status)) but \(secret)'s updated_at is still \(ISO8601.format(updatedAt)); "
                + "the write did not take — run again with --resume"
        }
    }
}

extension RepositoryRecord {
    /// The public key patrol last sealed for here, for a conditional fetch; nil without its ETag.
    package var cachedKey: PublicKey? {
        guard let keyID, let publicKey, keyETag != nil else { return nil }
        return PublicKey(keyID: keyID, key: publicKey, etag: keyETag, serverDate: nil, attempts: 0)
    }
}
