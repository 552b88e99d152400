import FoundationEssentials
import Glibc
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// Opens the ledger for writing and keeps it on disk, crash-safely.
///
/// - Opening takes the advisory lock (``LedgerLock``), reads the ledger (``LedgerMigration``), replays
///   the journal a crashed run left (``LedgerJournal``) and folds it into the ledger.
/// - ``recordUpload(_:fingerprint:keyID:etag:uploadedAt:secretUpdatedAt:publicKey:visibility:selectedRepositoryIDs:repositoryIDs:)``
///   appends one journal line per verified upload to a target, fsynced before it returns (uploads verified at
///   the same moment share one write and one fsync).
/// - ``update(_:)`` rewrites the whole ledger — temp file, fsync, rename, fsync the folder — and then
///   removes the journal. A crash at any point leaves a ledger and a journal that load.
///
/// Readers that change nothing (`status`, `doctor`) call ``load(path:secret:)`` instead, which takes no
/// lock and writes nothing; those that share code with writers (`rollout --dry-run`, `expiry`) open a store
/// with ``init(readingOnly:secret:reason:)``, which does the same and refuses every write.
public actor LedgerStore {
    public let path: String
    /// Things worth telling the user about the file (it is readable by others), found when it was opened.
    public nonisolated let warnings: [String]
    private var ledger: Ledger
    /// Journal lines written since the ledger was last rewritten.
    private var journalled = 0
    /// True while a journal write is under way (off the actor: appends that arrive meanwhile queue for the next one).
    private var writing = false
    /// Entries waiting for the journal write under way to end, each with who waits for it to be on disk.
    private var queued: [(entry: LedgerJournal.Entry, written: CheckedContinuation<Void, any Error>)] = []
    /// Who waits for the journal writes to end: a rewrite, a close.
    private var quietWaiters: [CheckedContinuation<Void, Never>] = []
    /// Held until ``withStore(_:_:)``'s scope ends (or the store goes away). Nil for a read-only store.
    private let lock: LedgerLock?
    /// Why this store writes nothing, when it was opened with ``init(readingOnly:secret:reason:)``.
    public nonisolated let readOnlyReason: String?
    /// Why every write is refused from now on, once ``close(because:)`` ran.
    private var closedReason: String?
    /// True while the file on disk is still version 1: the first write keeps a copy of it (``LedgerMigration``).
    private var fileIsVersion1 = false
    private var journalPath: String { LedgerJournal.path(for: path) }

    /// Locks, opens and (when a crashed run left a journal) compacts the ledger at `path`, or starts an
    /// empty one when there is no file yet, taking the lock only if it is free now (``open(path:secret:command:lockWait:clock:onWait:)``
    /// waits for it). A file that does not parse is an error and is never overwritten.
    /// - Parameter command: who holds the lock, as a second run names it (`patrol rollout`).
    public init(path: String, secret: String, command: String = "patrol") throws {
        _ = try Self.checkFile(path)
        let lock = try LedgerLock.acquireIfFree(ledgerPath: path, command: command, now: Date.init)
        do {
            try self.init(path: path, secret: secret, holding: lock)
        } catch {
            lock.release()
            throw error
        }
    }

    /// Opens the ledger at `path` as ``init(path:secret:command:)`` does, waiting for another run's lock on `clock`.
    /// - Parameters:
    ///   - lockWait: how long to wait for another run's lock before giving up with ``LedgerError/locked(path:holder:waited:)``.
    ///   - clock: what the wait reads the time from and sleeps on (the run's clock).
    ///   - onWait: told once, when the lock is held by another run and this one starts waiting.
    package static func open(path: String, secret: String, command: String, lockWait: Duration, clock: TimeSource,
                             onWait: (LedgerLockHolder?) -> Void = { _ in }) async throws -> LedgerStore {
        _ = try checkFile(path)
        let lock = try await LedgerLock.acquire(ledgerPath: path, command: command, wait: lockWait, clock: clock, onWait: onWait)
        do {
            return try LedgerStore(path: path, secret: secret, holding: lock)
        } catch {
            lock.release()
            throw error
        }
    }

    /// Opens the ledger at `path` under `lock`, which the caller has taken (and releases if this throws).
    private init(path: String, secret: String, holding lock: LedgerLock) throws {
        self.path = path
        let warnings = try Self.checkFile(path)
        self.lock = lock
        let journal = LedgerJournal.path(for: path)
        let read = try Self.readFile(path: path, secret: secret)
        var ledger = read?.ledger ?? Ledger(secret: secret)
        var fileIsVersion1 = read?.version == 1
        let entries = try LedgerJournal.entries(at: journal)
        for entry in entries { ledger.apply(entry) }
        if FileManager.default.fileExists(atPath: journal) {
            // A run crashed after journalling: fold what it recorded into the ledger now.
            if !entries.isEmpty {
                ledger = try Self.write(ledger, to: path, keepingVersion1: fileIsVersion1)
                fileIsVersion1 = false
            }
            try LedgerJournal.remove(at: journal)
        }
        self.fileIsVersion1 = fileIsVersion1
        self.ledger = ledger
        self.warnings = warnings
        readOnlyReason = nil
    }

    /// Runs `body` with the store `open` returns and releases the store's lock when `body` returns or throws,
    /// so that the ledger is free again at once for whoever opens it next, in this process or another.
    package static func withStore<Result>(_ open: () async throws -> LedgerStore,
                                          _ body: (LedgerStore) async throws -> Result) async throws -> Result {
        let store = try await open()
        do {
            let result = try await body(store)
            store.release()
            return result
        } catch {
            store.release()
            throw error
        }
    }

    /// Releases the lock (the store must not write after this); nothing for a read-only store.
    private nonisolated func release() {
        lock?.release()
    }

    /// The ledger at `path` and its journal as they are, without the lock and without creating any file
    /// (so it works in a read-only folder and while another run holds the lock). Every write throws
    /// ``LedgerError/readOnly(path:reason:)``; `reason` says why this run only reads.
    public init(readingOnly path: String, secret: String, reason: String) throws {
        self.path = path
        warnings = try Self.checkFile(path)
        ledger = try Self.load(path: path, secret: secret)
        lock = nil
        readOnlyReason = reason
    }

    /// The ledger at `path` with its journal replayed, without locking or writing; an empty ledger when
    /// there is no file. For commands that only read.
    public static func load(path: String, secret: String) throws -> Ledger {
        _ = try checkFile(path)
        var ledger = try readFile(path: path, secret: secret)?.ledger ?? Ledger(secret: secret)
        for entry in try LedgerJournal.entries(at: LedgerJournal.path(for: path)) { ledger.apply(entry) }
        return ledger
    }

    /// The ledger as it stands.
    public var snapshot: Ledger { ledger }

    /// Records a verified upload to `target`: one journal line, on disk before this returns. For an organization
    /// secret, its visibility and selection after the write, and the repository ids learnt for it.
    public func recordUpload(_ target: SecretTarget, fingerprint: Fingerprint, keyID: String, etag: String?,
                             uploadedAt: Date, secretUpdatedAt: Date, publicKey: String? = nil,
                             visibility: SecretVisibility? = nil, selectedRepositoryIDs: [Int]? = nil,
                             repositoryIDs: [String: Int]? = nil) async throws {
        try refuseIfReadOnly()
        try await append(LedgerJournal.Entry(target: target.id, record: TargetRecord(
            fingerprint: fingerprint, keyID: keyID, keyETag: etag, uploadedAt: uploadedAt, secretUpdatedAt: secretUpdatedAt,
            publicKey: publicKey, visibility: visibility, selectedRepositoryIDs: selectedRepositoryIDs), repositoryIDs: repositoryIDs))
    }

    /// Appends `entry` to the journal (on disk before this returns) and applies it.
    ///
    /// The write runs off the actor. Entries that arrive while it is under way go together in the next one, one line
    /// each and one fsync for all (group commit): the read-backs of a rollout come back within a few milliseconds of
    /// each other, and one fsync after another put theirs on the end of the run (docs/benchmarks.md).
    package func append(_ entry: LedgerJournal.Entry) async throws {
        try refuseIfReadOnly()
        guard !writing else {
            try await withCheckedThrowingContinuation { queued.append((entry, $0)) }
            return
        }
        writing = true
        var batch = [entry]
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var own: Result<Void, any Error>?
        while true {
            let written = await Self.write(batch, to: journalPath)
            if case .success(let stored) = written {
                for entry in stored { ledger.apply(entry) }
                journalled += stored.count
            }
            let outcome = written.map { _ in () }
            if own == nil { own = outcome }
            for waiter in waiters { waiter.resume(with: outcome) }
            guard !queued.isEmpty else { break }
            (batch, waiters) = (queued.map(\.entry), queued.map(\.written))
            queued = []
        }
        writing = false
        for waiter in quietWaiters { waiter.resume() }
        quietWaiters = []
        try own?.get()
    }

    /// Writes `entries` to the journal at `path`, off the actor.
    @concurrent
    private static func write(_ entries: [LedgerJournal.Entry], to path: String) async -> Result<[LedgerJournal.Entry], any Error> {
        Result { try LedgerJournal.append(entries, to: path) }
    }

    /// Returns once no journal write is under way (appends started meanwhile included).
    private func journalQuiet() async {
        while writing { await withCheckedContinuation { quietWaiters.append($0) } }
    }

    /// Records a verified upload to `repository`'s Actions secret.
    public func recordUpload(_ repository: RepositoryName, fingerprint: Fingerprint, keyID: String, etag: String?,
                             uploadedAt: Date, secretUpdatedAt: Date, publicKey: String? = nil) async throws {
        try await recordUpload(.repository(repository), fingerprint: fingerprint, keyID: keyID, etag: etag, uploadedAt: uploadedAt,
                         secretUpdatedAt: secretUpdatedAt, publicKey: publicKey)
    }

    /// Applies `change`, rewrites the ledger (folding in the journal) and removes the journal before returning.
    public func update(_ change: (inout Ledger) -> Void) async throws {
        await journalQuiet()
        var next = ledger
        change(&next)
        guard next != ledger || journalled > 0 else { return }
        try refuseIfReadOnly()
        ledger = try Self.write(next, to: path, keepingVersion1: fileIsVersion1)
        fileIsVersion1 = false
        try LedgerJournal.remove(at: journalPath)
        journalled = 0
    }

    /// Refuses every write from now on. A write under way finishes first (this waits for the journal's, and the store
    /// is an actor), so once this returns nothing is written any more: for a run that is about to remove the ledger's
    /// folder while some of its tasks still run (the demo, on Ctrl-C).
    package func close(because reason: String) async {
        closedReason = reason
        await journalQuiet()
    }

    private func refuseIfReadOnly() throws(LedgerError) {
        if let reason = readOnlyReason ?? closedReason { throw .readOnly(path: path, reason: reason) }
    }

    // MARK: - Reading

    /// Refuses a symbolic link (a rename would replace the link, not its target) and returns a warning
    /// when group or others can read the file. It holds no token, so that is a warning, not a refusal;
    /// the next write makes it 0600.
    package static func checkFile(_ path: String) throws(LedgerError) -> [String] {
        var status = stat()
        guard lstat(path, &status) == 0 else { return [] }
        if status.st_mode & S_IFMT == S_IFLNK { throw .symbolicLink(path: path) }
        let mode = Int(status.st_mode & 0o777)
        guard mode & 0o077 != 0 else { return [] }
        return ["\(path) has mode \(String(mode, radix: 8)): others on this machine can read which tokens the fleet holds "
                + "(fingerprints only, no token); patrol makes it 0600 at its next write, or run: chmod 600 \(path)"]
    }

    /// The ledger in the file at `path` and the version the file was; nil when there is no file.
    package static func readFile(path: String, secret: String) throws -> (ledger: Ledger, version: Int)? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw LedgerError.unreadable(path: path, problem: "permission denied")
            }
            return nil
        }
        let read = try LedgerMigration.read(data, path: path)
        guard read.ledger.secret == secret else {
            throw LedgerError.otherSecret(path: path, ledgerSecret: read.ledger.secret, configSecret: secret)
        }
        return read
    }

    // MARK: - Writing

    package static func encode(_ ledger: Ledger) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(LedgerFileV2(ledger))
    }

    /// Writes `ledger` durably and returns it as it reads back (dates at the file's second precision),
    /// so a reload compares equal. `keepingVersion1`: the file there is version 1 (as it was read), and is kept
    /// beside the new one (``LedgerMigration/version1CopyPath(for:)``), on disk before the new version replaces it.
    /// The file is written record by record (``LedgerFileWriter``), in the bytes ``encode(_:)`` gives: measured at 1,000
    /// repositories, that keeps about 0.6 MiB off the peak that one encode of the whole ledger adds (docs/benchmarks.md).
    package static func write(_ ledger: Ledger, to path: String, keepingVersion1: Bool = false) throws -> Ledger {
        let folder = DurableFile.folder(of: path)
        let temporary = "\(path).tmp-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if keepingVersion1, let old = FileManager.default.contents(atPath: path) {
                try DurableFile.write(old, to: LedgerMigration.version1CopyPath(for: path), mode: 0o600)
            }
            try DurableFile.write(to: temporary, mode: 0o600) { sink in
                try LedgerFileWriter().write(ledger, to: &sink)
            }
            guard rename(temporary, path) == 0 else { throw DurableFile.Failure(operation: "rename", code: errno) }
            try DurableFile.syncFolder(folder)
        } catch {
            unlink(temporary)
            throw LedgerError.writeFailed(path: path, problem: "\(error)")
        }
        return ledger.asWritten
    }
}

extension Ledger {
    /// Replays one journal entry.
    package mutating func apply(_ entry: LedgerJournal.Entry) {
        if let target = entry.target, let record = entry.record { targets[target] = record }
        for (repository, id) in entry.repositoryIDs ?? [:] { repositoryIDs[repository] = id }
        applyAppKey(entry)
    }
}

/// Whole-file writes that reach the disk before they return.
package enum DurableFile {
    package struct Failure: Error, CustomStringConvertible {
        package let operation: String
        package let code: Int32
        package var description: String { "\(operation): \(String(cString: strerror(code)))" }

        package init(operation: String, code: Int32) {
            self.operation = operation
            self.code = code
        }
    }

    /// The folder holding `path` (`.` for a bare file name).
    package static func folder(of path: String) -> String {
        let folder = PathText.folder(of: path)
        return folder.isEmpty ? "." : folder
    }

    /// Creates `path` (replacing a stale one) with `mode`, writes `data` and fsyncs it.
    package static func write(_ data: Data, to path: String, mode: mode_t) throws {
        try write(to: path, mode: mode) { sink in try data.withUnsafeBytes { try sink.write(raw: $0) } }
    }

    /// Creates `path` (replacing a stale one) with `mode`, lets `body` write it through a buffered sink, and fsyncs it.
    package static func write(to path: String, mode: mode_t, _ body: (inout LedgerFileSink) throws -> Void) throws {
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(operation: "open", code: errno) }
        defer { close(descriptor) }
        var sink = LedgerFileSink(descriptor: descriptor)
        try body(&sink)
        try sink.flush()
        guard fsync(descriptor) == 0 else { throw Failure(operation: "fsync", code: errno) }
    }

    /// Writes every byte of `data` to `descriptor`, resuming after short writes and interruptions.
    package static func writeAll(_ data: Data, to descriptor: Int32) throws {
        try data.withUnsafeBytes { try writeAll($0, to: descriptor) }
    }

    /// Writes every byte of `buffer` to `descriptor`, resuming after short writes and interruptions.
    package static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < buffer.count {
            // Why unsafe: writing from the caller's buffer, within its bounds.
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", code: errno)
            }
            offset += written
        }
    }

    /// fsyncs a folder so a rename inside it survives a crash.
    package static func syncFolder(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open folder", code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(operation: "fsync folder", code: errno) }
    }
}
