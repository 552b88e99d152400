import FoundationEssentials
import PatrolSecrets
import PatrolGitHub

/// Where the fleet stands (spec §3.7): per repository, whether the secret is there, since when, which
/// token the ledger says it holds, and whether that can still be trusted.
public enum FleetStatus {
    /// One repository's state.
    public enum State: String, Sendable, CaseIterable {
        /// Holds the fleet's token, and GitHub's `updated_at` is the one patrol read after its own write.
        case current
        /// Holds an older token, per the ledger.
        case stale
        /// Updated after patrol's last write (or never written by patrol): someone else wrote it.
        case drifted
        /// The repository has no such secret.
        case missing
        /// The token cannot see the repository's secrets (a 404, or a 403 that is not a rate limit).
        case noAccess = "no-access"
        /// A rollout holding the ledger's lock wrote it after it started and has not journalled it yet.
        case writing
        /// GitHub's answer stayed an error (5xx, a rate limit, no connection) after the retries.
        case error
    }

    /// A rollout that holds the ledger's lock now, as its lock file describes it.
    public struct RunningWrite: Sendable, Equatable {
        /// When the run took the lock: a secret it wrote has `updated_at` after this.
        public let since: Date
        /// `patrol rollout`, `patrol rotate`, …
        public let command: String

        package init(since: Date, command: String) {
            self.since = since
            self.command = command
        }
    }

    /// The token the fleet should hold: the ledger's current token or, while a rotation is under way,
    /// the newer pending token it is rolling out. The ledger lists tokens in the order patrol first saw them.
    public static func expectedToken(in ledger: Ledger) -> TokenRecord? {
        let currentIndex = ledger.tokens.firstIndex { $0.state == .current }
        let newerPending = ledger.tokens.indices.last { index in
            ledger.tokens[index].state == .pending && index > (currentIndex ?? -1)
        }
        return (newerPending ?? currentIndex).map { ledger.tokens[$0] }
    }

    /// The state of a repository whose secret GitHub describes as `secret` (nil: absent), given what the ledger
    /// (with its journal) recorded and the rollout writing now, if any.
    public static func state(secret: SecretMetadata?, record: TargetRecord?, expected: Fingerprint?,
                             running: RunningWrite? = nil) -> State {
        guard let secret else { return .missing }
        // GitHub's dates have second precision, as the ledger's do.
        guard let record, let written = record.secretUpdatedAt, abs(secret.updatedAt.timeIntervalSince(written)) < 1 else {
            // Written after the running rollout started and not yet journalled: that rollout is writing it now.
            if let running, secret.updatedAt.timeIntervalSince(running.since) >= -1 { return .writing }
            return .drifted
        }
        return record.fingerprint != nil && record.fingerprint == expected ? .current : .stale
    }

    /// Asks GitHub for each repository's secrets (one request each, `concurrency` repositories at once) and
    /// compares with `ledger`. Stops at a 401, as every command does. A 404, or a 403 that is not a rate limit,
    /// is that repository's `no-access`; an answer that stays an error after the transport's retries is that
    /// repository's `error`, and the others are still reported.
    public static func survey(client: GitHubClient, secret: String, repositories: [RepositoryName], ledger: Ledger,
                              running: RunningWrite? = nil, concurrency: Int = Rollout.readConcurrency,
                              finished: @Sendable (StatusReport.Line) -> Void = { _ in }) async throws -> StatusReport {
        try await survey(client: client, secret: secret, targets: repositories.map { .repository($0) }, fleet: repositories, ledger: ledger,
                         running: running, concurrency: concurrency, finished: finished)
    }

    /// Asks GitHub for each target's secret (one request each for a repository-bound target; an organization
    /// secret's visibility and, when `selected`, its repositories, compared with `fleet`) and compares with `ledger`.
    public static func survey(client: GitHubClient, secret: String, targets: [SecretTarget], fleet: [RepositoryName], ledger: Ledger,
                              running: RunningWrite? = nil, concurrency: Int = Rollout.readConcurrency,
                              finished: @Sendable (StatusReport.Line) -> Void = { _ in }) async throws -> StatusReport {
        let expected = expectedToken(in: ledger)?.fingerprint
        // The first repository alone: a rejected credential then costs one request, not `concurrency`
        // (GitHub locks an account out after repeated bad credentials).
        var runner = FleetRunner(concurrency: concurrency)
        runner.firstAlone = true
        let lockout = runner.lockout
        // A repository without a line (nil) was not surveyed: a 401 stopped the survey, which then throws it.
        let lines = await runner.run(targets, notStarted: { _, _ in nil }, job: { target -> StatusReport.Line? in
            do {
                return try await line(for: target, client: client, secret: secret, fleet: fleet, ledger: ledger, expected: expected, running: running)
            } catch {
                lockout.record(error)
                return nil
            }
        }, finished: { line in
            // Once a 401 came, no row more.
            if let line, lockout.error == nil { finished(line) }
        })
        if let error = lockout.error { throw error }
        return StatusReport(secret: secret, expected: expectedToken(in: ledger), ledgerTokens: ledger.tokens, lines: lines.compactMap { $0 })
    }

    /// One target's line; throws only a 401, which ends the survey.
    private static func line(for target: SecretTarget, client: GitHubClient, secret: String, fleet: [RepositoryName], ledger: Ledger,
                             expected: Fingerprint?, running: RunningWrite?) async throws -> StatusReport.Line {
        let record = ledger.record(target)
        do {
            if target.kind == .organization {
                let found = try await client.secret(secret, in: target)
                var reach: OrganizationReach?
                if let found { reach = try await self.reach(of: found, in: target, client: client, secret: secret, fleet: fleet, ledger: ledger) }
                return StatusReport.Line(target: target, secret: found, record: record,
                                         state: state(secret: found, record: record, expected: expected, running: running), problem: nil, reach: reach)
            }
            let found = try await client.secrets(in: target).first { $0.name.uppercased() == secret.uppercased() }
            return StatusReport.Line(target: target, secret: found, record: record,
                                     state: state(secret: found, record: record, expected: expected, running: running), problem: nil)
        } catch let error as GitHubError where error.isBadCredentials {
            throw error
        } catch let error as GitHubError where (error.status == 404 || error.status == 403) && !error.isRateLimited {
            return StatusReport.Line(target: target, secret: nil, record: record, state: .noAccess, problem: error)
        } catch {
            return StatusReport.Line(target: target, secret: nil, record: record, state: .error, problem: error)
        }
    }

    /// An organization secret's reach: every fleet repository unless `selected`; then the selected ones of the fleet
    /// (by id: the ledger's cached ids, else the organization's repository list or `GET /repos/{o}/{r}`), those it misses, and those outside the fleet.
    private static func reach(of found: SecretMetadata, in target: SecretTarget, client: GitHubClient, secret: String,
                              fleet: [RepositoryName], ledger: Ledger) async throws -> OrganizationReach {
        let visibility = found.visibility ?? .private
        guard visibility == .selected else {
            return OrganizationReach(visibility: visibility, reaches: fleet.map(\.fullName), missing: [], extra: [])
        }
        let sync = OrganizationSecretSync(client: client, secret: secret, target: target,
                                          settings: OrganizationSelection(fleet: fleet, visibility: visibility), ledger: ledger)
        let selected = try await sync.selection()
        let (ids, _) = try await sync.repositoryIDs()
        return OrganizationReach.of(visibility: visibility, selected: selected, ids: ids, fleet: fleet)
    }
}
