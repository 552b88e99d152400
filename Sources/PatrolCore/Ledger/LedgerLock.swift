import FoundationEssentials
import Glibc
import PatrolSupport

/// The advisory lock that keeps two patrol runs from writing one ledger at once: `flock` on
/// `<ledger>.lock`. The OS drops the lock when its holder exits, however it exits, so a lock file left
/// by a dead process never blocks; the file's content only says who holds it, for the message.
package final class LedgerLock: Sendable {
    /// The lock file's path, `<ledger>.lock`.
    package let path: String
    /// The lock file, open and locked; nil once ``release()`` closed it.
    private let descriptor: Locked<Int32?>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Locked(descriptor)
    }

    deinit {
        release()
    }

    /// Releases the lock now; later calls do nothing. Unlocks before closing: a flock belongs to the open file, and a
    /// process spawned while the lock was held keeps a copy of the descriptor until it execs, so closing this one alone
    /// would leave the ledger locked until then (a `status` right after would see a rollout still writing).
    package func release() {
        descriptor.withLock { descriptor in
            if let open = descriptor {
                flock(open, LOCK_UN)
                close(open)
            }
            descriptor = nil
        }
    }

    /// The lock file that guards `ledgerPath`.
    package static func path(for ledgerPath: String) -> String { ledgerPath + ".lock" }

    /// How often a waiting run tries the lock again.
    package static let pollInterval = Duration.milliseconds(100)

    /// Takes the lock for `ledgerPath`, trying again every ``pollInterval`` on `clock` until `wait` has passed
    /// by that clock; `onWait` is told once who holds it. Never blocks a thread: the pauses are the clock's
    /// `sleep`, so a test's virtual clock decides when the wait is over. A cancelled task stops waiting at once,
    /// as if the time were up.
    package static func acquire(ledgerPath: String, command: String, wait: Duration, clock: TimeSource,
                                onWait: (LedgerLockHolder?) -> Void) async throws(LedgerError) -> LedgerLock {
        let started = clock.now()
        var told = false
        while true {
            switch try attempt(ledgerPath: ledgerPath, command: command, now: clock.now) {
            case .taken(let lock):
                return lock
            case .held(let holder):
                if !told {
                    onWait(holder)
                    told = true
                }
                let waited = clock.now().timeIntervalSince(started)
                guard waited < wait.seconds else { throw .locked(path: ledgerPath, holder: holder, waited: wait) }
                do {
                    try await clock.sleep(min(pollInterval, .seconds(wait.seconds - waited)))
                } catch {
                    throw .locked(path: ledgerPath, holder: holder, waited: wait)
                }
            }
        }
    }

    /// Takes the lock for `ledgerPath` only if it is free now; ``LedgerError/locked(path:holder:waited:)`` (waited
    /// zero) when another run holds it.
    package static func acquireIfFree(ledgerPath: String, command: String, now: @Sendable () -> Date) throws(LedgerError) -> LedgerLock {
        switch try attempt(ledgerPath: ledgerPath, command: command, now: now) {
        case .taken(let lock): return lock
        case .held(let holder): throw .locked(path: ledgerPath, holder: holder, waited: .zero)
        }
    }

    /// What one try at the lock found.
    private enum Attempt {
        case taken(LedgerLock)
        /// Another run holds it (its lock file names it, or says nothing readable yet).
        case held(LedgerLockHolder?)
    }

    /// One non-blocking try at the lock. A store still open in this process is an error at once (it would not
    /// be released by waiting); the descriptor is closed again unless the lock was taken.
    private static func attempt(ledgerPath: String, command: String, now: () -> Date) throws(LedgerError) -> Attempt {
        let path = Self.path(for: ledgerPath)
        let folder = PathText.folder(of: path)
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw .writeFailed(path: path, problem: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        var result: Int32
        repeat { result = flock(descriptor, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        if result == 0 {
            let lock = LedgerLock(path: path, descriptor: descriptor)
            lock.describeHolder(LedgerLockHolder(pid: getpid(), command: command, since: now()))
            return .taken(lock)
        }
        let code = errno
        guard code == EWOULDBLOCK else {
            close(descriptor)
            throw .writeFailed(path: path, problem: "cannot lock: \(String(cString: strerror(code)))")
        }
        let current = holder(descriptor)
        close(descriptor)
        if current?.pid == getpid() {
            // This process holds the ledger in a store still open (``LedgerStore/withStore(_:_:)`` releases it
            // when its scope ends): two live stores would overwrite each other.
            throw .locked(path: ledgerPath, holder: current, waited: .zero)
        }
        return .held(current)
    }

    /// Who holds the lock on `ledgerPath` now, found without taking it or creating any file (for commands
    /// that only read); nil when no run holds it or its lock file says nothing readable.
    package static func currentHolder(ledgerPath: String) -> LedgerLockHolder? {
        let descriptor = open(path(for: ledgerPath), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        // Closing the descriptor drops the shared lock the probe below may take.
        defer { close(descriptor) }
        // A shared lock is granted at once unless a run holds the exclusive one.
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 { return nil }
        return holder(descriptor)
    }

    /// Replaces the lock file's content with who holds it now.
    private func describeHolder(_ holder: LedgerLockHolder) {
        let data = holder.encoded()
        descriptor.withLock { descriptor in
            guard let descriptor else { return }
            ftruncate(descriptor, 0)
            // Why unsafe: pwrite reads exactly `data.count` bytes from the Data's own buffer.
            _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
    }

    /// Who the lock file says holds the lock; nil when it says nothing readable (the holder is still writing it).
    private static func holder(_ descriptor: Int32) -> LedgerLockHolder? {
        var bytes = [UInt8](repeating: 0, count: 4096)
        // Why unsafe: pread writes at most `bytes.count` bytes into the array's own storage.
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return try? LedgerLockHolder.decode(Data(bytes[..<count]))
    }
}

/// Who holds a ledger's lock, as its lock file says: what a second run prints while it waits or when it gives up.
public struct LedgerLockHolder: Sendable, Equatable, Decodable, CustomStringConvertible {
    public let pid: Int32
    /// `patrol rollout`, `patrol rotate`, …
    public let command: String
    public let since: Date

    public var description: String { "pid \(pid) (\(command), since \(ISO8601.format(since)))" }

    /// The lock file's line. Written with ``JSONValue`` rather than `JSONEncoder`: every writing run writes it before
    /// its first request, and the encoder's first use in a process costs about a millisecond (docs/benchmarks.md).
    package func encoded() -> Data {
        let line: JSONValue = .object([("command", .string(command)), ("pid", .integer(Int(pid))), ("since", .date(since))])
        return Data((line.text + "\n").utf8)
    }

    package static func decode(_ data: Data) throws -> LedgerLockHolder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(LedgerLockHolder.self, from: data)
    }

    package init(pid: Int32, command: String, since: Date) {
        self.pid = pid
        self.command = command
        self.since = since
    }
}
