import FoundationEssentials
import Glibc

/// Why the ledger could not be read or written. Each stops the command with exit 2 before anything is sent.
public enum LedgerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file exists but is not a ledger patrol can read. It is left untouched.
    case unreadable(path: String, problem: String)
    /// Written by a newer patrol.
    case unsupportedVersion(path: String, version: Int)
    /// The file is for another secret name than the config's.
    case otherSecret(path: String, ledgerSecret: String, configSecret: String)
    /// The file could not be written.
    case writeFailed(path: String, problem: String)
    /// The ledger is a symbolic link; patrol writes by rename, which would replace the link.
    case symbolicLink(path: String)
    /// Another patrol run held the ledger's lock for all of `waited`.
    case locked(path: String, holder: LedgerLockHolder?, waited: Duration)
    /// `PATROL_LOCK_WAIT` is not a whole number of seconds from 0 to 3600.
    case invalidLockWait(String)
    /// A write to a ledger this run opened only to read (`reason` says why).
    case readOnly(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let problem):
            let what = path.hasSuffix(".journal") ? "the ledger's journal" : "the ledger"
            return "\(path): \(what) cannot be read (\(problem)); patrol left it untouched. "
                + "Restore it from version control or a backup, or move it aside to start a new one "
                + "(the next rollout then uploads to every repository again)"
        case .unsupportedVersion(let path, let version):
            return "\(path): ledger version \(version) was written by a newer patrol; upgrade patrol to read it"
        case .otherSecret(let path, let ledgerSecret, let configSecret):
            return "\(path): this ledger records the secret \(ledgerSecret), but the config names \(configSecret); "
                + "point the config's \"ledger\" at a file of its own"
        case .writeFailed(let path, let problem):
            return "\(path): the ledger could not be written (\(problem)); check the folder's permissions and free space"
        case .symbolicLink(let path):
            return "\(path) is a symbolic link; patrol replaces the ledger by rename and would break the link. "
                + "Point the config's \"ledger\" at the file itself"
        case .locked(let path, let holder, let waited):
            if let holder, holder.pid == getpid() {
                return "\(path) is already open in this process (\(holder)); pass the open LedgerStore on instead of opening it again"
            }
            let who = holder.map { "\($0)" } ?? "another patrol run"
            return "\(path) is locked by \(who); waited \(waited.components.seconds) s. "
                + "Let that run finish, then try again (if that process is gone, the lock is already free: just run again), "
                + "or wait longer with PATROL_LOCK_WAIT=SECONDS"
        case .readOnly(let path, let reason):
            return "\(path): this run only reads the ledger (\(reason)) and cannot record anything in it"
        case .invalidLockWait(let value):
            return "PATROL_LOCK_WAIT is \"\(value)\"; give the seconds to wait for another run's ledger lock, a whole number from 0 to 3600"
        }
    }
}
