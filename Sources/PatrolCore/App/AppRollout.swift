import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// `patrol app rollout` (spec §10): the App's id as an Actions variable (`APP_ID`) and its private key as a secret
/// (`APP_PRIVATE_KEY`) in every repository, each read back and journaled in the ledger the moment it is verified, so
/// a run cut short (a signal, a kill) is finished by `--resume`. The key is sealed from guarded memory like the token.
/// `rotate --app-key-file` runs it too, with a new key.
package struct AppRollout: Sendable {
    let client: GitHubClient
    let credentials: AppCredentials
    let repositories: [RepositoryName]
    let ledger: LedgerStore
    /// Every repository of the fleet: the key becomes current in the ledger once all of them hold it.
    package var fleet: [RepositoryName]
    /// The variable and secret the fleet's workflows read.
    package var names = AppCredentialNames.standard
    /// Repositories in progress at once.
    package var concurrency = 8
    /// Skip repositories that, per the ledger, hold this key, App id and names already.
    package var resume = false
    /// The ledger's history line (`app rollout`, `rotate`).
    package var command = "app rollout"
    /// Asked before each repository starts and before each write: true (a signal, a closed stdout) starts nothing more.
    package var shouldStop: @Sendable () -> Bool = { false }
    /// Called after each repository finishes, with the count done so far.
    package var progress: @Sendable (Int) -> Void = { _ in }
    /// Called with each repository's outcome the moment it is known.
    package var finished: @Sendable (Outcome) -> Void = { _ in }
    /// The time writes and the ledger are stamped with: the client's clock.
    package var now: @Sendable () -> Date

    package init(client: GitHubClient, credentials: AppCredentials, repositories: [RepositoryName], ledger: LedgerStore) {
        self.client = client
        self.credentials = credentials
        self.repositories = repositories
        self.ledger = ledger
        fleet = repositories
        now = client.clock.now
    }

    /// What happened in one repository.
    package enum Outcome: Sendable {
        /// Both written (or the variable already right) and read back. `variable` is `created`, `updated` or `unchanged`.
        case verified(RepositoryName, variable: String, secretUpdatedAt: Date)
        /// Not sent: per the ledger it holds this key already (`--resume`). A success.
        case alreadyHeld(RepositoryName)
        /// Failed with `error`; `variable` says what happened to the variable before the failure, if anything.
        case failed(RepositoryName, variable: String?, error: String)
        /// Not started: the run was stopped, or GitHub rejected the credential earlier in it; `reason` says which.
        case notStarted(RepositoryName, reason: String)

        package var repository: RepositoryName {
            switch self {
            case .verified(let repository, _, _), .alreadyHeld(let repository), .failed(let repository, _, _),
                 .notStarted(let repository, _): repository
            }
        }

        package var succeeded: Bool {
            switch self {
            case .verified, .alreadyHeld: true
            case .failed, .notStarted: false
            }
        }

        /// The word of the `--json` document: `verified`, `skipped` or `failed`.
        package var status: String {
            switch self {
            case .verified: "verified"
            case .alreadyHeld, .notStarted: "skipped"
            case .failed: "failed"
            }
        }

        package var variable: String? {
            switch self {
            case .verified(_, let variable, _): variable
            case .failed(_, let variable, _): variable
            case .alreadyHeld, .notStarted: nil
            }
        }

        package var secretUpdatedAt: Date? {
            if case .verified(_, _, let date) = self { return date }
            return nil
        }

        /// Why it failed or was not started; nil for a success.
        package var error: String? {
            switch self {
            case .failed(_, _, let error): error
            case .notStarted(_, let reason): reason
            case .verified, .alreadyHeld: nil
            }
        }
    }

    /// Notes the key in the ledger, runs every repository, and records the run; the key becomes the fleet's current
    /// one (the one before it retired) once every repository of the fleet holds it. Outcomes in the fleet's order.
    package func run() async throws -> [Outcome] {
        let startedAt = now()
        let fingerprint = credentials.key.fingerprint, appID = credentials.appID, names = self.names
        try await ledger.update { $0.app.noteKey(fingerprint, appID: appID, at: startedAt) }
        let held = await ledger.snapshot.app
        // One guarded copy of the PEM to seal, shared by every repository.
        let pem = credentials.key.withUnsafePEM { Token(bytes: $0) }
        var runner = FleetRunner(concurrency: max(1, concurrency))
        runner.shouldStop = shouldStop
        runner.progress = progress
        let lockout = runner.lockout, resume = self.resume
        let outcomes = await runner.run(repositories, settled: { repository in
            resume && held.holds(repository, fingerprint, appID: appID, names: names) ? .alreadyHeld(repository) : nil
        }, notStarted: { repository, halt in
            switch halt {
            case .rejected(let error): .notStarted(repository, reason: "not attempted: GitHub refused the App's token earlier in this run (\(error))")
            case .stopped: .notStarted(repository, reason: "not started: the run was stopped")
            }
        }, job: { repository in
            await deliver(to: repository, pem: pem, lockout: lockout)
        }, finished: finished)
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

    /// Variable (set when it differs) → key → seal → PUT secret → read both back → journal, for one repository.
    private func deliver(to repository: RepositoryName, pem: Token, lockout: CredentialLockout) async -> Outcome {
        let id = String(credentials.appID)
        var variableState: String?
        do {
            let current = try await client.variable(names.variable, in: repository)
            guard !shouldStop() else { throw Stopped(reason: "not started: the run was stopped") }
            if current != id {
                try await client.setVariable(names.variable, to: id, in: repository, exists: current != nil)
            }
            let state = current == nil ? "created" : current == id ? "unchanged" : "updated"
            variableState = state
            let key = try await client.publicKey(of: repository)
            let sealed = try SealedBox.seal(pem, publicKey: key.key)
            guard !shouldStop() else { throw Stopped(reason: "stopped before \(names.secret) was written") }
            _ = try await client.putSecret(names.secret, in: repository, encryptedValue: sealed, keyID: key.keyID)
            let uploadedAt = now()
            // Read both back: the variable's value, and the secret's updated_at (its value GitHub never returns).
            guard let written = try await client.secret(names.secret, in: repository) else {
                return .failed(repository, variable: state, error: "\(names.secret) is absent right after it was written; run patrol app rollout --resume")
            }
            guard try await client.variable(names.variable, in: repository) == id else {
                return .failed(repository, variable: state, error: "\(names.variable) does not read back as \(id); run patrol app rollout --resume")
            }
            try await ledger.recordAppKey(repository, AppKeyHolding(
                fingerprint: credentials.key.fingerprint, appID: credentials.appID, variable: names.variable, secret: names.secret,
                uploadedAt: uploadedAt, secretUpdatedAt: written.updatedAt))
            return .verified(repository, variable: state, secretUpdatedAt: written.updatedAt)
        } catch let stopped as Stopped {
            return .notStarted(repository, reason: stopped.reason)
        } catch {
            lockout.record(error)
            return .failed(repository, variable: variableState, error: "\(error)")
        }
    }
}
