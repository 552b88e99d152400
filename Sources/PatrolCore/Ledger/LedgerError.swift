/// Why the ledger could not be read or written.
public enum LedgerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file exists but is not a ledger patrol can read. It is left untouched.
    case unreadable(path: String, problem: String)
    /// Written by a newer patrol.
    case unsupportedVersion(path: String, version: Int)
    /// The file is for another secret name than the config's.
    case otherSecret(path: String, ledgerSecret: String, configSecret: String)
    /// The file could not be written.
    case writeFailed(path: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let problem):
            return "\(path): the ledger cannot be read (\(problem)); patrol left it untouched. "
                + "Restore it from version control or a backup, or move it aside to start a new one "
                + "(the next rollout then uploads to every repository again)"
        case .unsupportedVersion(let path, let version):
            return "\(path): ledger version \(version) was written by a newer patrol; upgrade patrol to read it"
        case .otherSecret(let path, let ledgerSecret, let configSecret):
            return "\(path): this ledger records the secret \(ledgerSecret), but the config names \(configSecret); "
                + "point the config's \"ledger\" at a file of its own"
        case .writeFailed(let path, let problem):
            return "\(path): the ledger could not be written (\(problem)); check the folder's permissions and free space"
        }
    }
}
