/// patrol's process exit codes (spec §3.2); scripts and CI key on them.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// Success: every repository succeeded, every check passed, the token is not near expiry.
    case success = 0
    /// The operation failed for at least one repository, or a doctor check failed.
    case failure = 1
    /// A usage, configuration or input error; nothing was sent to GitHub.
    case usage = 2
    /// `expiry`: the token is inside `warnDays`.
    case warning = 3
    /// `expiry`: the token is inside `criticalDays`, expired, revoked, or rejected as bad credentials.
    case critical = 4

    /// The meaning in one line, as the tool's help lists it.
    public var meaning: String {
        switch self {
        case .success: "success; every check passed; token not near expiry"
        case .failure: "the operation failed for at least one repository, or a doctor check failed"
        case .usage: "usage, configuration or input error (nothing was sent to GitHub)"
        case .warning: "expiry: the token is inside warnDays"
        case .critical: "expiry: inside criticalDays, expired, revoked, or rejected as bad credentials"
        }
    }
}
