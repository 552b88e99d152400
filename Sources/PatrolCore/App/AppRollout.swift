import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// `patrol app rollout` (spec §10): the App's id as an Actions variable (`APP_ID`) and its private key as a secret
/// (`APP_PRIVATE_KEY`) in every target of spec §9 the config names — a repository's Actions secrets and variables, an
/// environment's, Dependabot's and Codespaces' secrets (they have no variables), an organization's secret and variable
/// shared with the fleet's repositories (a value update keeps their visibility and selection). The secret goes through
/// the token's own per-target delivery (``Rollout``: each kind's key, sealing, the organization's selection, the
/// read-back) with the App key's bookkeeping; each target is journaled in the ledger the moment both are verified, so
/// a run cut short (a signal, a kill) is finished by `--resume`. The key is sealed from guarded memory like the token.
/// `rotate --app-key-file` runs it too, with a new key.
package struct AppRollout: Sendable {
    let client: GitHubClient
    let credentials: AppCredentials
    /// The targets this run gives the App's credentials, in report order.
    let targets: [SecretTarget]
    let ledger: LedgerStore
    /// Every target of the fleet: the key becomes current in the ledger once all of them hold it.
    package var fleet: [SecretTarget]
    /// The variable and secret the fleet's workflows read.
    package var names = AppCredentialNames.standard
    /// Targets written at once (as many more fetch their keys ahead): `rollout`'s default, the write burst.
    package var concurrency = Rollout.defaultConcurrency
    /// Skip targets that, per the ledger, hold this key, App id and names already.
    package var resume = false
    /// Read and seal, write nothing (nor to the ledger): what a run would do per target.
    package var dryRun = false
    /// An organization target's sharing: the fleet's repositories, the visibility of a new secret and variable.
    package var organization = OrganizationSelection(fleet: [], visibility: .selected)
    /// The ledger's history line (`app rollout`, `rotate`).
    package var command = "app rollout"
    /// Asked before each target starts and before each write: true (a signal, a closed stdout) starts nothing more.
    package var shouldStop: @Sendable () -> Bool = { false }
    /// Called after each target finishes, with the count done so far.
    package var progress: @Sendable (Int) -> Void = { _ in }
    /// Called with each target's outcome the moment it is known.
    package var finished: @Sendable (Outcome) -> Void = { _ in }
    /// The time writes and the ledger are stamped with: the client's clock.
    package var now: @Sendable () -> Date

    package init(client: GitHubClient, credentials: AppCredentials, targets: [SecretTarget], ledger: LedgerStore) {
        self.client = client
        self.credentials = credentials
        self.targets = targets
        self.ledger = ledger
        fleet = targets
        organization.fleet = targets.compactMap(\.repository)
        now = client.clock.now
    }

    /// What happened in one target.
    package enum Outcome: Sendable {
        /// Both written (or the variable already right) and read back. `variable` is `created`, `updated` or `unchanged`;
        /// nil for a target without variables (Dependabot, Codespaces).
        case verified(SecretTarget, variable: String?, secretUpdatedAt: Date)
        /// A dry run: `variable` is what a run would do to it (`create`, `update`, `unchanged`, and an organization's
        /// `select …`), `plan` what it would do to the secret.
        case planned(SecretTarget, variable: String?, plan: TargetPlan)
        /// Not sent: per the ledger it holds this key already (`--resume`). A success.
        case alreadyHeld(SecretTarget)
        /// Failed with `error`; `variable` says what happened to the variable before the failure, if anything.
        case failed(SecretTarget, variable: String?, error: String)
        /// Not started: the run was stopped, or GitHub rejected the credential earlier in it; `reason` says which.
        case notStarted(SecretTarget, reason: String)

        package var target: SecretTarget {
            switch self {
            case .verified(let target, _, _), .planned(let target, _, _), .alreadyHeld(let target), .failed(let target, _, _),
                 .notStarted(let target, _): target
            }
        }

        /// The repository the target lives in; nil for an organization's.
        package var repository: RepositoryName? { target.repository }

        package var succeeded: Bool {
            switch self {
            case .verified, .planned, .alreadyHeld: true
            case .failed, .notStarted: false
            }
        }

        /// The word of the `--json` document: `verified`, `dry-run`, `skipped` or `failed`.
        package var status: String {
            switch self {
            case .verified: "verified"
            case .planned: "dry-run"
            case .alreadyHeld, .notStarted: "skipped"
            case .failed: "failed"
            }
        }

        package var variable: String? {
            switch self {
            case .verified(_, let variable, _), .planned(_, let variable, _), .failed(_, let variable, _): variable
            case .alreadyHeld, .notStarted: nil
            }
        }

        package var secretUpdatedAt: Date? {
            if case .verified(_, _, let date) = self { return date }
            return nil
        }

        /// A dry run's plan for the secret.
        package var plan: TargetPlan? {
            if case .planned(_, _, let plan) = self { return plan }
            return nil
        }

        /// Why it failed or was not started; nil for a success.
        package var error: String? {
            switch self {
            case .failed(_, _, let error): error
            case .notStarted(_, let reason): reason
            case .verified, .planned, .alreadyHeld: nil
            }
        }
    }

    /// Notes the key in the ledger, runs every target, and records the run; the key becomes the fleet's current
    /// one (the one before it retired) once every target of the fleet holds it. A dry run writes nothing. Outcomes in
    /// the targets' order.
    package func run() async throws -> [Outcome] {
        let startedAt = now()
        let fingerprint = credentials.key.fingerprint, appID = credentials.appID, names = self.names
        if !dryRun { try await ledger.update { $0.app.noteKey(fingerprint, appID: appID, at: startedAt) } }
        let held = await ledger.snapshot
        let bookkeeping = AppKeyBookkeeping(fingerprint: fingerprint, appID: appID, names: names)
        // One guarded copy of the PEM to seal, shared by every target.
        let pem = credentials.key.withUnsafePEM { Token(bytes: $0) }
        var secrets = Rollout(client: client, token: pem, secret: names.secret, targets: targets, ledger: ledger)
        secrets.bookkeeping = bookkeeping
        secrets.dryRun = dryRun
        secrets.organization = organization
        secrets.shouldStop = shouldStop
        secrets.now = now
        let writeSlots = AsyncSemaphore(max(1, concurrency))
        // As a rollout: 2 × `concurrency` targets in progress, `concurrency` of them writing their secret.
        var runner = FleetRunner(concurrency: 2 * max(1, concurrency))
        runner.shouldStop = shouldStop
        runner.progress = progress
        let lockout = runner.lockout, resume = self.resume
        let outcomes = await runner.run(targets, settled: { target in
            resume && bookkeeping.recorded(target, in: held)?.holdsThis == true ? .alreadyHeld(target) : nil
        }, notStarted: { target, halt in
            switch halt {
            case .rejected(let error): .notStarted(target, reason: "not attempted: GitHub refused the App's token earlier in this run (\(error))")
            case .stopped: .notStarted(target, reason: "not started: the run was stopped")
            }
        }, job: { [secrets] target in
            await deliver(to: target, secrets: secrets, held: held, writeSlots: writeSlots, lockout: lockout)
        }, finished: finished)
        guard !dryRun else { return outcomes }
        let finishedAt = now(), fleet = self.fleet, command = self.command
        let succeeded = outcomes.filter(\.succeeded).count
        try await ledger.update { ledger in
            ledger.history.append(RunRecord(command: command, startedAt: startedAt, finishedAt: finishedAt,
                                            succeeded: succeeded, failed: outcomes.count - succeeded))
            if fleet.allSatisfy({ ledger.app.holds($0, fingerprint, appID: appID, names: names) }) {
                ledger.app.makeCurrent(fingerprint, at: finishedAt)
            }
        }
        return outcomes
    }

    /// Thrown instead of a write that `shouldStop` forbade.
    private struct Stopped: Error { let reason: String }

    /// The variable, where the target has variables (set when it differs, read back), then the secret through ``Rollout``
    /// (sealed with the target's key, written, read back, journaled), for one target.
    private func deliver(to target: SecretTarget, secrets: Rollout, held: Ledger, writeSlots: AsyncSemaphore,
                         lockout: CredentialLockout) async -> Outcome {
        var variable: String?
        do {
            if target.hasVariables { variable = try await setVariable(in: target, held: held) }
            guard !shouldStop() else { throw Stopped(reason: "stopped before \(names.secret) was written") }
        } catch let stopped as Stopped {
            return .notStarted(target, reason: stopped.reason)
        } catch {
            lockout.record(error)
            return .failed(target, variable: variable, error: "\(error)")
        }
        switch await secrets.deliver(to: target, held: held, writeSlots: writeSlots) {
        case .delivered(let delivery):
            return .verified(target, variable: variable, secretUpdatedAt: delivery.secretUpdatedAt)
        case .dryRun(_, let plan):
            return .planned(target, variable: variable, plan: plan)
        case .alreadyHeld:
            return .alreadyHeld(target)
        case .failed(_, let error, _):
            lockout.record(error)
            return .failed(target, variable: variable, error: "\(error)")
        case .notAttempted(_, let rejection):
            return .notStarted(target, reason: "not attempted: GitHub refused the App's token earlier in this run (\(rejection))")
        case .interrupted:
            return .notStarted(target, reason: "stopped before \(names.secret) was written")
        }
    }

    /// Sets the App id in `target`'s variable when it differs and reads it back: `created`, `updated` or `unchanged`
    /// (a dry run reads only: `create`, `update`, `unchanged`). An organization's variable is written with its own
    /// visibility and selection unchanged (a new one shared like the secret), and the fleet's missing repositories
    /// are added to its selection.
    private func setVariable(in target: SecretTarget, held: Ledger) async throws -> String {
        let id = String(credentials.appID), name = names.variable
        var sync: OrganizationSecretSync?
        let current: String?, exists: Bool
        var before: OrganizationSecretSync.Before?
        if target.kind == .organization {
            var organizationSync = OrganizationSecretSync(client: client, secret: name, target: target, settings: organization, ledger: held)
            organizationSync.shared = .variable
            let found = try await organizationSync.current()
            (sync, before, current, exists) = (organizationSync, found, found.value, found.metadata != nil)
        } else {
            let found = try await client.variable(name, in: target)
            (current, exists) = (found?.value, found != nil)
        }
        if dryRun {
            var words = !exists ? "create" : current == id ? "unchanged" : "update"
            if let sync, let before {
                let change = try await sync.plannedChange(from: before)
                if !change.added.isEmpty { words += "; select " + change.added.joined(separator: ", ") }
                if !change.removed.isEmpty { words += "; deselect " + change.removed.joined(separator: ", ") }
            }
            return words
        }
        guard !shouldStop() else { throw Stopped(reason: "not started: the run was stopped") }
        let access = try await sync?.access(keeping: before)
        if current != id || !exists {
            do {
                try await client.setVariable(name, to: id, in: target, exists: exists, access: access?.access)
            } catch let error as GitHubError where error.status == 404 {
                // GitHub answers 404 for an environment that does not exist: say so, as the secret's delivery does.
                guard let environment = target.environment, let repository = target.repository,
                      try await !client.environmentExists(environment, in: repository) else { throw error }
                throw EnvironmentError.missing(environment, in: repository)
            }
        }
        if let sync, let access { _ = try await sync.reconcile(after: access) }
        guard try await client.variable(name, in: target)?.value == id else { throw VariableReadBackError(target: target, name: name, value: id) }
        return !exists ? "created" : current == id ? "unchanged" : "updated"
    }
}

/// A variable GitHub accepted that did not read back with the value written.
package struct VariableReadBackError: Error, CustomStringConvertible {
    let target: SecretTarget
    let name: String
    let value: String

    package var description: String {
        "\(name) does not read back as \(value) in \(target.id) right after it was written; run patrol app rollout --resume"
    }
}

/// The App key's bookkeeping for ``Rollout``: the ledger's `app` section (``AppKeyLedger``), by GitHub's fingerprint of
/// the key, the App id and the names.
package struct AppKeyBookkeeping: RolloutBookkeeping {
    let fingerprint: AppKeyFingerprint
    let appID: Int
    let names: AppCredentialNames

    package func recorded(_ target: SecretTarget, in ledger: Ledger) -> RecordedValue? {
        ledger.app.holding(target).map { _ in
            RecordedValue(holdsThis: ledger.app.holds(target, fingerprint, appID: appID, names: names),
                          secretUpdatedAt: ledger.app.holding(target)?.secretUpdatedAt, cachedKey: nil)
        }
    }

    package func record(_ upload: VerifiedUpload, in store: LedgerStore) async throws {
        try await store.recordAppKey(upload.target, AppKeyHolding(
            fingerprint: fingerprint, appID: appID, variable: names.variable, secret: names.secret,
            uploadedAt: upload.uploadedAt, secretUpdatedAt: upload.secretUpdatedAt), repositoryIDs: upload.repositoryIDs)
    }
}
