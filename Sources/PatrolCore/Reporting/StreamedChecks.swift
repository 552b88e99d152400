import FoundationEssentials
import PatrolGitHub

/// What a streamed report still needs of the checks it already printed and let go (a repository's checks once that
/// repository completed): how many ended with each status, and each `repo.access` verdict for ``OwnerMismatch``.
/// Holding this instead of every check keeps `patrol doctor`'s memory flat in the fleet's size (spec §8).
public struct StreamedChecks: Sendable, Equatable {
    /// Checks let go, per status.
    public private(set) var counts: [CheckStatus: Int] = [:]
    /// True while every `repo.access` let go failed.
    public private(set) var accessAllFailed = true
    /// One entry per `repo.access` let go that failed: 404 when GitHub answered so, nil for another failure.
    public private(set) var accessFailures: [Int?] = []
    /// Whether a credential check (exit 4) failed among those let go.
    public private(set) var credentialFailed = false

    public init() {}

    /// Counts `check` in.
    package mutating func add(_ check: DoctorCheck) {
        counts[check.status, default: 0] += 1
        if check.status == .fail, DoctorReport.credentialChecks.contains(check.id) { credentialFailed = true }
        if check.id == CheckID.repoAccess, check.repository != nil {
            if check.status == .fail {
                accessFailures.append(DoctorReport.accessStatus(check))
            } else {
                accessAllFailed = false
            }
        }
    }

    /// How many checks let go ended with `status`.
    public func count(_ status: CheckStatus) -> Int { counts[status] ?? 0 }
}
