import FoundationEssentials
import PatrolGitHub

/// What happened to one secret target (a repository's Actions secret, an environment's, …, an organization's) in a
/// rollout: one case per ending, each with exactly its data, so that a success with an error or a failure without
/// one cannot be written.
public enum RepositoryOutcome: Sendable {
    /// Uploaded, and the read-back showed the write.
    case delivered(Delivery)
    /// A dry run: the public key fetched and the token sealed, nothing uploaded; `plan` is what a rollout would do.
    case dryRun(SecretTarget, plan: TargetPlan)
    /// Not sent: per the ledger the target holds this token already (`--resume`). A success.
    case alreadyHeld(SecretTarget)
    /// The attempt failed with `error` after `attempts` PUTs (0 when it failed before its first upload).
    case failed(SecretTarget, error: any Error, attempts: Int)
    /// Not attempted: GitHub rejected the credential (401) earlier in the run.
    case notAttempted(SecretTarget, rejection: GitHubError)
    /// Not started: the run was stopped (a signal, a closed stdout) first.
    case interrupted(SecretTarget)

    /// An upload GitHub accepted and the read-back confirmed.
    public struct Delivery: Sendable {
        public let target: SecretTarget
        /// True for a 201 (the secret is new), false for a 204 (it was replaced).
        public let created: Bool
        public let httpStatus: Int
        /// The secret's `updated_at` as the read-back found it.
        public let secretUpdatedAt: Date
        /// PUTs sent, retries and re-sealed sends after a 422 included.
        public let attempts: Int
        /// What the user should know although the target succeeded (a renamed repository).
        public var warnings: [String] = []
        /// An organization secret's selection changes made after the write (ids added and removed).
        public var selection: SelectionChange?

        package init(target: SecretTarget, created: Bool, httpStatus: Int, secretUpdatedAt: Date, attempts: Int, warnings: [String] = [],
                     selection: SelectionChange? = nil) {
            self.target = target
            self.selection = selection
            self.created = created
            self.httpStatus = httpStatus
            self.secretUpdatedAt = secretUpdatedAt
            self.attempts = attempts
            self.warnings = warnings
        }
    }

    /// The word of the report and of the `--json` document's `status`.
    public enum Status: String, Sendable {
        case created, updated, failed, skipped
        case dryRun = "dry-run"
    }

    public var target: SecretTarget {
        switch self {
        case .delivered(let delivery): delivery.target
        case .dryRun(let target, _), .alreadyHeld(let target), .failed(let target, _, _),
             .notAttempted(let target, _), .interrupted(let target): target
        }
    }

    /// The repository the target lives in; nil for an organization secret.
    public var repository: RepositoryName? { target.repository }

    /// What a dry run found a rollout would do; nil for a real run.
    public var plan: TargetPlan? {
        if case .dryRun(_, let plan) = self { return plan }
        return nil
    }

    public var status: Status {
        switch self {
        case .delivered(let delivery): delivery.created ? .created : .updated
        case .dryRun: .dryRun
        case .failed: .failed
        case .alreadyHeld, .notAttempted, .interrupted: .skipped
        }
    }

    /// True when the repository ended where the user wanted it.
    public var succeeded: Bool {
        switch self {
        case .delivered, .dryRun, .alreadyHeld: true
        case .failed, .notAttempted, .interrupted: false
        }
    }

    /// The HTTP status of the upload, or of the GitHub error that failed it.
    public var httpStatus: Int? {
        switch self {
        case .delivered(let delivery): delivery.httpStatus
        case .failed(_, let error, _): (error as? GitHubError)?.status
        case .dryRun, .alreadyHeld, .notAttempted, .interrupted: nil
        }
    }

    public var secretUpdatedAt: Date? {
        if case .delivered(let delivery) = self { return delivery.secretUpdatedAt }
        return nil
    }

    /// PUTs sent for this repository.
    public var attempts: Int {
        switch self {
        case .delivered(let delivery): delivery.attempts
        case .failed(_, _, let attempts): attempts
        case .dryRun, .alreadyHeld, .notAttempted, .interrupted: 0
        }
    }

    /// What the user should know although the target succeeded.
    public var warnings: [String] {
        if case .delivered(let delivery) = self { return delivery.warnings }
        return []
    }

    /// Why the repository failed or was skipped (the `--json` document's `error`); nil for an upload or a dry run.
    public var reason: String? {
        switch self {
        case .delivered, .dryRun: nil
        case .alreadyHeld: "already holds this token (--resume)"
        case .failed(_, let error, _): "\(error)"
        case .notAttempted(_, let rejection):
            "not attempted: the run stopped when GitHub rejected the credential (401 \"\(rejection.message)\"); "
                + "fix the token, then run again with --resume"
        case .interrupted: "not started: the run was interrupted first; nothing was uploaded here"
        }
    }

    /// The error that failed the repository; nil unless it failed.
    public var error: (any Error)? {
        if case .failed(_, let error, _) = self { return error }
        return nil
    }

    /// True for a repository the run stopped before it started (a signal, a closed stdout).
    public var wasInterrupted: Bool {
        if case .interrupted = self { return true }
        return false
    }
}
