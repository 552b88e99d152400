import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// Seals one token with each secret target's public key (spec §9: a repository's Actions secret, an environment's,
/// Dependabot's, Codespaces', an organization's — each kind its own key), uploads it, and verifies each write
/// (spec §3.3 step 2). One target's failure never stops the others, but a 401 stops the run.
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
    /// The targets to deliver to, in report order.
    public let targets: [SecretTarget]
    public let ledger: LedgerStore
    public var dryRun = false
    /// Create an environment that does not exist (`--create-environments`; GitHub lets only an admin).
    public var createEnvironments = false
    /// What an organization secret is shared with and how (the fleet's repositories, `--prune-selection`).
    public var organization = OrganizationSelection(fleet: [], visibility: .selected)
    /// Skip repositories that, per the ledger, already hold this token.
    public var resume = false
    public var concurrency = Rollout.defaultConcurrency
    /// Awaited after a repository's key is fetched and the token sealed with it, before anything is sent or reported:
    /// the preflight's verdict (true: it passed). False sends nothing more and starts no repository.
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
    /// What the ledger says each target holds, and where a verified upload is recorded: the token's records by default,
    /// the App key's for `app rollout`.
    package var bookkeeping: any RolloutBookkeeping

    public init(client: GitHubClient, token: Token, secret: String, targets: [SecretTarget], ledger: LedgerStore) {
        self.client = client
        self.token = token
        self.secret = secret
        self.targets = targets
        self.ledger = ledger
        bookkeeping = TokenBookkeeping(fingerprint: token.fingerprint)
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
        let resume = self.resume, bookkeeping = self.bookkeeping
        let clearance = self.clearance
        return await runner.run(targets, settled: { target in
            guard resume && bookkeeping.recorded(target, in: held)?.holdsThis == true else { return nil }
            // Reported after the preflight's verdict, as every other target.
            _ = await clearance()
            return .alreadyHeld(target)
        }, notStarted: { target, halt in
            switch halt {
            case .rejected(let error): .notAttempted(target, rejection: error)
            case .stopped: .interrupted(target)
            }
        }, job: { target in
            let outcome = await deliver(to: target, held: held, writeSlots: writeSlots)
            if let error = outcome.error { lockout.record(error) }
            return outcome
        }, finished: finished)
    }

    /// Thrown instead of an upload that `shouldStop` or a refused `clearance` forbade; the repository is reported as not started.
    private struct Stopped: Error {}

    /// GET key (conditional when the ledger has it with an ETag) → seal → the preflight's clearance → PUT (holding a
    /// write slot; an organization secret's with its visibility and selection kept) → reconcile an organization
    /// secret's selection → GET to verify → ledger, for one target. A dry run reads what it needs for the plan and
    /// writes nothing.
    package func deliver(to target: SecretTarget, held: Ledger, writeSlots: AsyncSemaphore = AsyncSemaphore(1)) async -> RepositoryOutcome {
        // Upload attempts, as the report counts them: every PUT sent, retries included.
        var attempts = 0
        do {
            // Keys are public: fetched while the preflight runs. Its verdict comes before anything else, a
            // failed fetch's report included, so the output reads as it would had the preflight come first.
            let recorded = bookkeeping.recorded(target, in: held)
            let fetched: Result<PublicKey, any Error>
            do { fetched = .success(try await client.publicKey(of: target, cached: recorded?.cachedKey)) } catch { fetched = .failure(error) }
            // Sealing needs only the public key and stays in this process until the verdict: done while the preflight
            // may still be out, a cleared target has only to send. A key that does not seal is reported after the verdict.
            let sealedEarly = (try? fetched.get()).flatMap { try? SealedBox.seal(token, publicKey: $0.key) }
            guard await clearance() else { throw Stopped() }
            var key = try await environmentReady(target, fetched: fetched)
            var sealed = try sealedEarly ?? SealedBox.seal(token, publicKey: key.key)
            let sync = target.kind == .organization ? OrganizationSecretSync(client: client, secret: secret, target: target,
                                                                              settings: organization, ledger: held) : nil
            let before = try await sync?.current()
            if dryRun {
                let found = try await sync == nil ? client.secret(secret, in: target) : before?.metadata
                var plan = TargetPlan(action: TargetPlan.action(found: found, recorded: recorded))
                if let sync, let before {
                    let change = try await sync.plannedChange(from: before)
                    plan.select = change.added
                    plan.deselect = change.removed
                }
                return .dryRun(target, plan: plan)
            }
            if shouldStop() { return .interrupted(target) }
            let access = try await sync?.access(keeping: before)
            var write: SecretWrite
            while true {
                do {
                    write = try await upload(sealed, keyID: key.keyID, to: target, access: access?.access, slots: writeSlots, counting: &attempts)
                    break
                } catch let error as GitHubError where error.status == 422 && attempts < maxUploadAttempts {
                    // A 422 here is most often a key rotated between our GET and PUT (and it may rotate again):
                    // fetch it again, seal again, send again, within the same attempt budget.
                    key = try await client.publicKey(of: target)
                    sealed = try SealedBox.seal(token, publicKey: key.key)
                }
            }
            // The selection is reconciled before the read-back: a selection change moves the secret's updated_at.
            var selection: (selectedIDs: [Int]?, change: SelectionChange)?
            if let sync, let access { selection = try await sync.reconcile(after: access) }
            let uploadedAt = now()
            // GitHub's updated_at and Date header both have second precision and come from GitHub's clock,
            // so a write made after the key was fetched has updated_at ≥ the key's Date. Without a Date
            // header, compare with our own clock and allow for skew.
            let earliest = key.serverDate.map { $0.addingTimeInterval(-2) } ?? uploadedAt.addingTimeInterval(-300)
            let metadata = try await readBack(target, notBefore: earliest, httpStatus: write.httpStatus)
            try await bookkeeping.record(VerifiedUpload(target: target, key: key, uploadedAt: uploadedAt, secretUpdatedAt: metadata.updatedAt,
                                                        visibility: access?.access.visibility, selectedRepositoryIDs: selection?.selectedIDs,
                                                        repositoryIDs: access?.learntIDs), in: ledger)
            var delivery = RepositoryOutcome.Delivery(target: target, created: write.created, httpStatus: write.httpStatus,
                                                      secretUpdatedAt: metadata.updatedAt, attempts: attempts, selection: selection?.change)
            // Reached through a redirect: delivered, and the config should learn the new name (the ledger keeps the old).
            if let repository = target.repository, let current = try? await client.currentName(of: repository) {
                delivery.warnings.append("\(repository.fullName) is now \(current): update \(configPath)")
            }
            return .delivered(delivery)
        } catch is Stopped {
            return .interrupted(target)
        } catch {
            return .failed(target, error: error, attempts: attempts)
        }
    }

    /// The target's key as `fetched`; for an environment secret whose key GitHub did not find (404), asks whether
    /// the environment exists: when it does not, creates it with `--create-environments` and fetches again, or fails
    /// with ``EnvironmentError/missing(_:in:)``. Called after the preflight's clearance: creating is a write.
    private func environmentReady(_ target: SecretTarget, fetched: Result<PublicKey, any Error>) async throws -> PublicKey {
        do {
            return try fetched.get()
        } catch let error as GitHubError where error.status == 404 {
            guard let environment = target.environment, let repository = target.repository,
                  try await !client.environmentExists(environment, in: repository) else { throw error }
            guard createEnvironments, !dryRun else { throw EnvironmentError.missing(environment, in: repository) }
            do {
                try await client.createEnvironment(environment, in: repository)
            } catch let refusal as GitHubError where refusal.status == 403 || refusal.status == 404 {
                throw EnvironmentError.cannotCreate(environment, in: repository, refusal: refusal)
            }
            return try await client.publicKey(of: target)
        }
    }

    /// The secret's metadata once a read shows the write (`updated_at` ≥ `notBefore`). Reads may lag a write
    /// (spec §4), so a read that misses it is repeated after each of `readBackDelays` before the write is
    /// reported "absent" or "not updated".
    private func readBack(_ target: SecretTarget, notBefore earliest: Date, httpStatus: Int) async throws -> SecretMetadata {
        var delays = readBackDelays[...]
        while true {
            let found = try await client.secret(secret, in: target)
            if let found, found.updatedAt >= earliest { return found }
            guard let delay = delays.popFirst() else {
                guard let found else { throw VerificationError.absent(target: target, secret: secret, httpStatus: httpStatus) }
                throw VerificationError.notUpdated(target: target, secret: secret, updatedAt: found.updatedAt, httpStatus: httpStatus)
            }
            await sleep(delay)
        }
    }

    /// One PUT (with the transport's retries), adding the number of times it was sent to `attempts`.
    private func upload(_ sealed: String, keyID: String, to target: SecretTarget, access: OrganizationSecretAccess?, slots: AsyncSemaphore,
                        counting attempts: inout Int) async throws -> SecretWrite {
        do {
            let write = try await slots.withSlot {
                // Checked again once the slot is ours: a stop that came while this upload waited for it sends nothing.
                guard !shouldStop() else { throw Stopped() }
                return try await client.putSecret(secret, in: target, encryptedValue: sealed, keyID: keyID, access: access)
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
    case absent(target: SecretTarget, secret: String, httpStatus: Int)
    case notUpdated(target: SecretTarget, secret: String, updatedAt: Date, httpStatus: Int)

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

/// An environment secret's environment is missing, or cannot be created.
public enum EnvironmentError: Error, CustomStringConvertible {
    /// The environment does not exist and `--create-environments` was not given.
    case missing(String, in: RepositoryName)
    /// `--create-environments` was given, and GitHub refused to create it (only a repository admin may).
    case cannotCreate(String, in: RepositoryName, refusal: GitHubError)

    public var description: String {
        switch self {
        case .missing(let environment, let repository):
            "environment \"\(environment)\" does not exist in \(repository.fullName); create it in the repository's settings "
                + "(Settings → Environments), or run patrol rollout --create-environments with a credential that administers the repository"
        case .cannotCreate(let environment, let repository, let refusal):
            "environment \"\(environment)\" does not exist in \(repository.fullName), and GitHub refused to create it "
                + "(\(refusal.status) \"\(refusal.message)\"): creating an environment needs admin on the repository "
                + "(fine-grained: Administration write); ask an admin to create it, or use a credential that administers the repository"
        }
    }
}

extension TargetRecord {
    /// The public key patrol last sealed for here, for a conditional fetch; nil without its ETag.
    package var cachedKey: PublicKey? {
        guard let keyID, let publicKey, keyETag != nil else { return nil }
        return PublicKey(keyID: keyID, key: publicKey, etag: keyETag, serverDate: nil, attempts: 0)
    }
}
