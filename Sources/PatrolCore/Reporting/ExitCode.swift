import Glibc

/// patrol's process exit codes (spec §3.2); scripts and CI key on them. ``ExitCode/for(_:)`` is the one
/// place an error becomes a code; `patrol help`, README.md and docs print ``table``.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// Success: every repository succeeded, every check passed, the token is not near expiry.
    case success = 0
    /// The operation failed for at least one repository, or a doctor check failed.
    case failure = 1
    /// A usage, configuration or input error; nothing was sent to GitHub.
    case usage = 2
    /// `expiry`: the token is inside `warnDays`.
    case warning = 3
    /// The credential as a whole is the problem, in every command: rejected (401), expired or revoked, missing a
    /// required scope or permission, or (preflight, `expiry`) inside `criticalDays`.
    case critical = 4
    /// Interrupted by SIGINT (Ctrl-C): 128 + 2.
    case interrupted = 130
    /// Standard output's reader went away (`patrol status | head -1`): 128 + SIGPIPE, as a shell reports it.
    case outputClosed = 141
    /// Stopped by SIGTERM: 128 + 15.
    case terminated = 143

    /// The code for a run stopped by `signal` (SIGINT or SIGTERM).
    public static func stopped(by signal: Int32) -> ExitCode {
        signal == SIGTERM ? .terminated : .interrupted
    }

    /// The meaning in one line, as the tool's help lists it.
    public var meaning: String {
        switch self {
        case .success: "success; every check passed; token not near expiry"
        case .failure: "the operation failed for at least one repository (one the credential cannot reach or write "
            + "included), or a doctor check failed"
        case .usage: "usage, configuration or input error (nothing was sent to GitHub)"
        case .warning: "expiry: the token is inside warnDays"
        case .critical: "the credential is the problem, in every command (doctor included): rejected (401), expired or "
            + "revoked, missing a required scope or permission, a GitHub App's key or id refused, or inside criticalDays; "
            + "nothing was uploaded after that was found"
        case .interrupted, .terminated: "interrupted by SIGINT or SIGTERM; the ledger holds what finished, --resume does the rest"
        case .outputClosed: "standard output was closed by its reader (`patrol status | head -1`), as a shell reports SIGPIPE; "
            + "patrol stopped quietly, the ledger saved"
        }
    }

    /// The table as help and the docs show it: one row per meaning, `130, 143` sharing theirs.
    public static var table: [(codes: String, meaning: String)] {
        let rows: [ExitCode] = [.success, .failure, .usage, .warning, .critical, .interrupted, .outputClosed]
        return rows.map { code -> (codes: String, meaning: String) in
            let codes: String = code == .interrupted ? "130, 143" : String(code.rawValue)
            return (codes, code.meaning)
        }
    }
}
