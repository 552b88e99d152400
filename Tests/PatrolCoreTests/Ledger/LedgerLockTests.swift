import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolCore

/// The wait for another run's ledger lock is measured and slept on the run's clock (`TimeSource`), never on the
/// machine's: on a virtual clock a 30-second wait costs no wall time, and the lock is taken at the first try after
/// the other run lets go.
@Suite("the ledger lock waits on the run's clock")
struct LedgerLockTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-lock-\(UUID().uuidString)").path
    var path: String { folder + "/ledger.json" }

    /// Another patrol run holding the lock: `flock` on `<ledger>.lock` through a descriptor of its own (flock locks
    /// belong to the open file, so this process's own opener is refused as another process would be), the file
    /// naming a pid that is not this process's.
    final class OtherRun {
        let descriptor: Int32
        let holder: LedgerLockHolder

        init(ledgerPath: String) throws {
            try FileManager.default.createDirectory(atPath: (ledgerPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            holder = LedgerLockHolder(pid: getpid() == 4242 ? 4243 : 4242, command: "patrol rotate",
                                      since: Date(timeIntervalSince1970: 1_780_000_000))
            descriptor = open(LedgerLock.path(for: ledgerPath), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            try #require(descriptor >= 0)
            try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
            let data = holder.encoded()
            // Why unsafe: pwrite reads exactly `data.count` bytes from the Data's own buffer.
            _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }

        /// Lets go of the lock (closing the descriptor releases the flock).
        func release() { close(descriptor) }
    }

    /// Waits, pacing itself on wall time only, until `condition` holds; records an issue after a minute.
    private func eventually(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<60_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        Issue.record("never: \(what)")
        throw CancellationError()
    }

    @Test("another run holds the lock for the whole wait: one waiting note, then the lock error with its text, after exactly the wait on the run's clock")
    func givesUpOnTheRunsClock() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let other = try OtherRun(ledgerPath: path)
        defer { other.release() }
        let clock = VirtualClock()
        let started = clock.now
        let notes = Locked<[LedgerLockHolder?]>([])
        do {
            // The clock jumps to each wake-up: nothing else runs, so every sleep is the lock's wait.
            _ = try await clock.running(advancingWhen: { true }) {
                try await LedgerStore.open(path: path, secret: "PAT_TOKEN", command: "patrol rollout", lockWait: .seconds(30),
                                           clock: clock.source) { holder in notes.withLock { $0.append(holder) } }
            }
            Issue.record("the ledger opened while another run held its lock")
        } catch let error as LedgerError {
            #expect(error == .locked(path: path, holder: other.holder, waited: .seconds(30)))
            #expect("\(error)" == "\(path) is locked by pid \(other.holder.pid) (patrol rotate, since 2026-05-28T20:26:40Z); waited 30 s. "
                        + "Let that run finish, then try again (if that process is gone, the lock is already free: just run again), "
                        + "or wait longer with PATROL_LOCK_WAIT=SECONDS")
        }
        let waited = clock.now.timeIntervalSince(started)
        #expect(waited >= 30 && waited < 30.001, "the wait took \(waited) s of the run's clock")
        #expect(notes.withLock { $0 } == [other.holder])
        #expect(!FileManager.default.fileExists(atPath: path), "a run that never had the lock wrote the ledger")
    }

    @Test("the other run lets go during the wait: the lock is taken at the next try on the run's clock, and held until the scope ends")
    func takesTheLockWhenReleased() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let other = try OtherRun(ledgerPath: path)
        // A whole second far from the wall clock's time: the lock file keeps whole seconds.
        let started = Date(timeIntervalSince1970: 1_790_000_000)
        let clock = VirtualClock(start: started)
        let notes = Locked<[LedgerLockHolder?]>([])
        let opening = Task { [path] in
            try await LedgerStore.open(path: path, secret: "PAT_TOKEN", command: "patrol rollout", lockWait: .seconds(5),
                                       clock: clock.source) { holder in notes.withLock { $0.append(holder) } }
        }
        // The opener found the lock held and sleeps on the clock; a poll later it is still held.
        try await eventually("the opener waits on the clock") { clock.sleeping == 1 }
        #expect(notes.withLock { $0 } == [other.holder])
        clock.advance(by: 0.1)
        try await eventually("the opener waits on the clock again") { clock.sleeping == 1 }
        other.release()
        clock.advance(by: 0.1)
        try await LedgerStore.withStore({ try await opening.value }) { store in
            #expect(await store.snapshot == Ledger(secret: "PAT_TOKEN"))
            let holder = try #require(LedgerLock.currentHolder(ledgerPath: path))
            #expect(holder.pid == getpid() && holder.command == "patrol rollout")
            #expect(holder.since == started, "the lock's since comes from the run's clock")
        }
        #expect(abs(clock.now.timeIntervalSince(started) - 0.2) < 0.000_001)
        #expect(notes.withLock { $0 }.count == 1, "the waiting note is given once")
        #expect(LedgerLock.currentHolder(ledgerPath: path) == nil, "withStore released the lock when its scope ended")
    }

    @Test("a wait of zero: the note, then the lock error at once, with no sleep")
    func zeroWait() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let other = try OtherRun(ledgerPath: path)
        defer { other.release() }
        let clock = VirtualClock()
        let notes = Locked(0)
        await #expect(throws: LedgerError.locked(path: path, holder: other.holder, waited: .zero)) {
            try await LedgerStore.open(path: path, secret: "PAT_TOKEN", command: "patrol rollout", lockWait: .zero,
                                       clock: clock.source) { _ in notes.withLock { $0 += 1 } }
        }
        #expect(notes.withLock { $0 } == 1)
        #expect(clock.sleeping == 0)
    }
}
