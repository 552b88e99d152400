import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
extension LedgerStore {
    /// How long a command waits for another run's lock unless `PATROL_LOCK_WAIT` says otherwise.
    package static let defaultLockWait = Duration.seconds(5)

    /// Opens the ledger for a command that writes it, telling the user on `console` when another run
    /// holds the lock and what is odd about the file. `PATROL_LOCK_WAIT` (seconds) sets how long to wait, on `clock`.
    package static func open(_ path: String, secret: String, command: String, console: Console, environment: [String: String],
                             clock: TimeSource) async throws -> LedgerStore {
        let store = try await open(path: path, secret: secret, command: command, lockWait: try lockWait(environment), clock: clock) { holder in
            console.note("waiting for the ledger: \(path) is locked by \(holder.map { "\($0)" } ?? "another patrol run")")
        }
        for warning in store.warnings { console.error("warning: \(warning)") }
        return store
    }

    /// Opens the ledger to record what a reader learnt (`expiry --live`) only if nobody holds the lock and
    /// the folder is writable; otherwise a read-only store, whose ``readOnlyReason`` says why nothing is recorded.
    package static func openIfFree(_ path: String, secret: String, command: String, console: Console) throws -> LedgerStore {
        do {
            let store = try LedgerStore(path: path, secret: secret, command: command)
            for warning in store.warnings { console.error("warning: \(warning)") }
            return store
        } catch LedgerError.locked(_, let holder, _) {
            return try LedgerStore(readingOnly: path, secret: secret,
                                   reason: "it is locked by \(holder.map { "\($0)" } ?? "another patrol run")")
        } catch LedgerError.writeFailed(_, let problem) {
            return try LedgerStore(readingOnly: path, secret: secret, reason: "it cannot be written here: \(problem)")
        }
    }

    package static func lockWait(_ environment: [String: String]) throws(LedgerError) -> Duration {
        guard let value = environment["PATROL_LOCK_WAIT"] else { return defaultLockWait }
        guard let seconds = Int(value), (0...3600).contains(seconds) else { throw .invalidLockWait(value) }
        return .seconds(seconds)
    }
}
