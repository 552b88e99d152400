import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// One rollout from start to end (spec §3.3): the preflight, the token noted in the ledger, the ``Rollout``
/// itself, and the ledger's bookkeeping after it (the run's record, the token made current once the whole
/// fleet holds it). `rollout` and `rotate` (through ``RotationOperation``) and the demo run it.
package struct RolloutOperation: Sendable {
    /// What the rollout does beyond delivering the token; the command line fills it from its options.
    package struct Settings: Sendable, Equatable {
        /// Fetch keys and seal, upload nothing, write nothing to the ledger.
        package var dryRun = false
        /// Skip repositories that, per the ledger, already hold this token.
        package var resume = false
        /// Repositories written at once (see ``Rollout``).
        package var concurrency = Rollout.defaultConcurrency
        /// Roll out a token inside the policy's critical days (or expired) with a warning instead of a refusal.
        package var allowExpiring = false
        /// `--targets`: the kinds of target to deliver to; nil for every kind the config has.
        package var kinds: Set<SecretTargetKind>? = nil
        /// `--create-environments`: create an environment secret's missing environment (needs admin).
        package var createEnvironments = false
        /// `--prune-selection`: remove repositories outside the fleet from an organization secret's selection.
        package var pruneSelection = false

        package init(dryRun: Bool = false, resume: Bool = false, concurrency: Int = Rollout.defaultConcurrency, allowExpiring: Bool = false,
                     kinds: Set<SecretTargetKind>? = nil, createEnvironments: Bool = false, pruneSelection: Bool = false) {
            self.dryRun = dryRun
            self.resume = resume
            self.concurrency = concurrency
            self.allowExpiring = allowExpiring
            self.kinds = kinds
            self.createEnvironments = createEnvironments
            self.pruneSelection = pruneSelection
        }
    }

    /// `rollout` or `rotate`: the word of the progress line, the report and the ledger's history.
    package let command: String
    package let config: FleetConfig
    /// The repositories `--repos` selected (the whole fleet without it): the repository-bound targets are theirs.
    package let repositories: [RepositoryName]
    /// The targets this run delivers to: the config's targets of `repositories`, narrowed to `settings.kinds`.
    package let targets: [SecretTarget]
    package let token: Token
    package let client: GitHubClient
    package let ledger: LedgerStore
    package let settings: Settings
    /// Where notes, warnings, the progress line and (with `streams`) each repository's line go.
    package let console: Console
    /// Print each repository's line on stdout the moment it finishes (the commands in text mode; not the demo).
    package var streams = false
    /// True once nothing new may start (a signal, a closed stdout).
    package var shouldStop: @Sendable () -> Bool = { false }
    /// Called once the preflight passed, before anything is written (the command line makes signals graceful here).
    package var preflightPassed: @Sendable () -> Void = {}
    /// The time the run is stamped with: the client's clock.
    package var now: @Sendable () -> Date

    package init(command: String, config: FleetConfig, repositories: [RepositoryName], token: Token, client: GitHubClient,
                 ledger: LedgerStore, settings: Settings, console: Console) {
        self.command = command
        self.config = config
        self.repositories = repositories
        self.token = token
        self.client = client
        self.ledger = ledger
        self.settings = settings
        self.console = console
        targets = config.secretTargets(of: repositories, kinds: settings.kinds)
        now = client.clock.now
    }

    /// Preflight, rollout, ledger bookkeeping. Throws only when the preflight fails (nothing uploaded).
    ///
    /// The preflight and the first repositories' key fetches go out at once (spec §8: keys are public), so a
    /// fleet inside the write burst takes three round trips: preflight and keys, PUTs, read-backs. Nothing is
    /// uploaded or reported before the preflight has passed (the token is noted in the ledger meanwhile); a failed
    /// preflight starts no further repository. `checked` runs once the preflight passed, before anything
    /// is written (rotate warns there when the account changes).
    package func run(checked: @escaping @Sendable (Preflight.Facts) -> Void = { _ in }) async throws -> RolloutReport {
        let startedAt = now()
        let refused = Locked(false)
        let console = self.console, command = self.command, total = targets.count
        let verdict = Task { () async -> Result<Preflight.Facts, any Error> in
            do {
                let facts = try await preflight(at: startedAt)
                checked(facts)
                console.progress("\(command) 0/\(total) …")
                return .success(facts)
            } catch {
                refused.withLock { $0 = true }
                return .failure(error)
            }
        }
        // The note of whose token this is reaches the disk while the first uploads are on the wire, not before
        // them: it guards no upload (each is journalled once its read-back shows it), and waiting for a rewrite of
        // the ledger there would put it between the keys and the PUTs (docs/benchmarks.md). It is on disk before
        // the run's outcome is recorded; a run cut off before then notes the token again when it is run again.
        let noted = Task { () async throws in
            guard !settings.dryRun, case .success(let facts) = await verdict.value else { return }
            try await ledger.update { ledger in
                ledger.noteToken(token.fingerprint, login: facts.user.login, kind: facts.kind,
                                 scopes: facts.user.scopes, expiresAt: facts.expiresAt, at: startedAt)
            }
        }
        let outcomes = await deliver(clearance: {
            if case .success = await verdict.value { true } else { false }
        }, refused: { refused.withLock { $0 } })
        let facts = try await verdict.value.get()
        try await noted.value
        return try await record(outcomes, facts: facts, startedAt: startedAt)
    }

    /// The preflight at `date` (`GET /user`: format, scopes, expiry), its warnings and the note of whose token it is.
    private func preflight(at date: Date) async throws -> Preflight.Facts {
        let facts = try await Preflight(policy: config.policy, allowExpiring: settings.allowExpiring).check(token, client: client, now: date)
        try await Self.checkOrganization(of: targets, client: client, configPath: config.path)
        for warning in facts.warnings { console.error("warning: \(warning)") }
        console.note("token \(token.fingerprint.short) belongs to \(facts.user.login) (\(facts.kind.displayName))"
                     + (facts.expiresAt.map { ", expires \(ISO8601.format($0))" } ?? ""))
        preflightPassed()
        return facts
    }

    /// An organization target's owner must be an organization (`GET /orgs/{org}`); a user account is a configuration
    /// error, found before anything is uploaded. `app rollout` asks it too.
    package static func checkOrganization(of targets: [SecretTarget], client: GitHubClient, configPath: String) async throws {
        guard let organization = targets.first(where: { $0.kind == .organization })?.organization else { return }
        guard try await client.isOrganization(organization) else {
            throw ConfigError(file: configPath, field: "targets.organization.name", problem:
                "\"\(organization)\" is not an organization on GitHub (a user account, or no account): only an organization "
                    + "has organization secrets; remove \"organization\" and keep repository secrets, or name the organization")
        }
    }

    /// The ``Rollout`` itself: each target waits for `clearance` once its key is fetched; nothing more starts,
    /// and nothing is printed, once `refused` says the preflight failed.
    private func deliver(clearance: @escaping @Sendable () async -> Bool, refused: @escaping @Sendable () -> Bool) async -> [RepositoryOutcome] {
        let targets = self.targets
        var rollout = Rollout(client: client, token: token, secret: config.secret, targets: targets, ledger: ledger)
        rollout.dryRun = settings.dryRun
        rollout.createEnvironments = settings.createEnvironments
        rollout.organization = OrganizationSelection(fleet: config.repositories, visibility: config.targets.organization?.visibility ?? .selected,
                                                     prune: settings.pruneSelection)
        rollout.resume = settings.resume
        rollout.concurrency = settings.concurrency
        rollout.configPath = config.path
        rollout.clearance = clearance
        rollout.shouldStop = { [shouldStop] in refused() || shouldStop() }
        rollout.now = now
        let console = self.console, command = self.command, total = targets.count
        if streams {
            let ids = RolloutReport.showsTargetIDs(targets)
            let width = targets.map { RolloutReport.label($0, ids: ids).count }.max() ?? 0
            rollout.finished = { outcome in
                guard !refused() else { return }
                console.result(RolloutReport.line(for: outcome, width: width, ids: ids, console: console))
            }
        }
        rollout.progress = { done in console.progress("\(command) \(done)/\(total) …") }
        return await rollout.run()
    }

    /// The report of a finished rollout, and the ledger's bookkeeping: the run recorded; the token made current
    /// once every repository of the fleet holds it. A dry run writes nothing.
    private func record(_ outcomes: [RepositoryOutcome], facts: Preflight.Facts, startedAt: Date) async throws -> RolloutReport {
        for warning in outcomes.flatMap(\.warnings) { console.error("warning: \(warning)") }
        var report = RolloutReport(command: command, secret: config.secret, fingerprint: token.fingerprint,
                                   login: facts.user.login, expiresAt: facts.expiresAt, outcomes: outcomes, plannedDryRun: settings.dryRun)
        report.warnings = facts.warnings
        if !settings.dryRun {
            let finishedAt = now()
            let (succeeded, failed) = (report.succeeded, report.failed)
            try await ledger.update { ledger in
                ledger.history.append(RunRecord(command: command, startedAt: startedAt, finishedAt: finishedAt,
                                                fingerprint: token.fingerprint, succeeded: succeeded, failed: failed))
                // The token becomes current once every target of the whole fleet holds it (a first rollout, or a finished one).
                if config.secretTargets().allSatisfy({ ledger.holds($0, token.fingerprint) }) {
                    ledger.makeCurrent(token.fingerprint)
                }
            }
        }
        return report
    }
}
