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
/// in progress. The keys are public, so they are fetched while the preflight runs (`clearance`); with the
/// default `concurrency`, the write burst, a fleet inside the burst takes three round trips (spec §8):
/// the preflight with every key, every PUT, every read-back. On a large fleet the reads follow the writes,
/// which the rate-limit gate paces.
public struct Rollout: Sendable {
    /// `--concurrency`'s default: the write burst, so that a fleet inside the burst uploads all at once.
    public static let defaultConcurrency = RateGovernor.Settings.defaultWriteBurst
    /// Repositories `status` and `doctor` read at once: as many as a rollout keeps in progress. The rate-limit
    /// gate under every command still bounds the requests in flight and their pace.
    public static let readConcurrency = 2 * defaultConcurrency

    public let client: GitHubClient
    public let token: Token
    public let secret: String
    public let repositories: [RepositoryName]
    public let ledger: LedgerStore
    public var dryRun = false
    /// Skip repositories that, per the ledger, already hold this token.
    public var resume = false
    public var concurrency = Rollout.defaultConcurrency
    /// Awaited after a repository's key is fetched, before anything is sealed, sent or reported: the
    /// preflight's verdict (true: it passed). False sends nothing more and starts no repository.
    public var clearance: @Sendable () async -> Bool = { true }
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
        let writeSlots = AsyncSemaphore(concurrency)
        // 2 × `concurrency` repositories in progress, `concurrency` of them writing (see above).
        var runner = FleetRunner(concurrency: 2 * max(1, concurrency))
        runner.shouldStop = shouldStop
        runner.progress = progress
        let lockout = runner.lockout
        let resume = self.resume, fingerprint = token.fingerprint
        let clearance = self.clearance
        return await runner.run(repositories, settled: { repository in
            guard resume && held.holds(repository, fingerprint) else { return nil }
            // Reported after the preflight's verdict, as every other repository.
            _ = await clearance()
            return .alreadyHeld(repository)
        }, notStarted: { repository, halt in
            switch halt {
            case .rejected(let error): .notAttempted(repository, rejection: error)
            case .stopped: .interrupted(repository)
            }
        }, job: { repository in
            let outcome = await deliver(to: repository, cachedKey: held.repositories[repository.fullName]?.cachedKey, writeSlots: writeSlots)
            if let error = outcome.error { lockout.record(error) }
            return outcome
        }, finished: finished)
    }

    /// Thrown instead of an upload that `shouldStop` or a refused `clearance` forbade; the repository is reported as not started.
    private struct Stopped: Error {}

    /// GET key (conditional when `cachedKey` has an ETag) → the preflight's clearance → seal → PUT (holding a write slot) → GET to
    /// verify → ledger, for one repository.
    package func deliver(to repository: RepositoryName, cachedKey: PublicKey? = nil, writeSlots: AsyncSemaphore = AsyncSemaphore(1)) async -> RepositoryOutcome {
        // Upload attempts, as the report counts them: every PUT sent, retries included.
        var attempts = 0
        do {
            // Keys are public: fetched while the preflight runs. Its verdict comes before anything else, a
            // failed fetch's report included, so the output reads as it would had the preflight come first.
            let fetched: Result<PublicKey, any Error>
            do { fetched = .success(try await client.publicKey(of: repository, cached: cachedKey)) } catch { fetched = .failure(error) }
            guard await clearance() else { throw Stopped() }
            var key = try fetched.get()
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
            var delivery = RepositoryOutcome.Delivery(repository: repository, created: write.created, httpStatus: write.httpStatus,
                                                      secretUpdatedAt: metadata.updatedAt, attempts: attempts)
            // Reached through a redirect: delivered, and the config should learn the new name (the ledger keeps the old).
            if let current = try? await client.currentName(of: repository) {
                delivery.warnings.append("\(repository.fullName) is now \(current): update \(configPath)")
            }
            return .delivered(delivery)
        } catch is Stopped {
            return .interrupted(repository)
        } catch {
            return .failed(repository, error: error, attempts: attempts)
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
