import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolCore

/// A run lets go of the ledger the moment it is done, even while another copy of the lock's descriptor lives on:
/// a process spawned while the lock was held has one until it execs, and a flock belongs to the open file, not to
/// the descriptor. Before, the lock outlived the release in that window, and a `status` right after a rollout saw
/// "a rollout holding the lock" and called the secrets it had written `writing`.
@Suite("the ledger lock is released at once")
struct LedgerLockReleaseTests {
    @Test("released while a copy of its descriptor is still open (as a child has it before exec): nobody holds the ledger any more")
    func releaseWithACopyOpen() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-lock-release-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledgerPath = folder + "/ledger.json"
        let lock = try await LedgerLock.acquire(ledgerPath: ledgerPath, command: "patrol rollout", wait: .zero, clock: .system, onWait: { _ in })
        // The copy fork gives a child: the same open file, so the same flock.
        let original = try #require(Self.descriptor(openOn: LedgerLock.path(for: ledgerPath)))
        let copy = dup(original)
        try #require(copy >= 0)
        defer { close(copy) }
        #expect(LedgerLock.currentHolder(ledgerPath: ledgerPath)?.pid == getpid())

        lock.release()
        #expect(LedgerLock.currentHolder(ledgerPath: ledgerPath) == nil, "the lock outlived its release through a copy of its descriptor")
    }

    /// The descriptor this process has open on the file at `path`, found in `/proc/self/fd`.
    static func descriptor(openOn path: String) -> Int32? {
        let wanted = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            guard let descriptor = Int32(name),
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)") else { continue }
            if URL(fileURLWithPath: target).resolvingSymlinksInPath().path == wanted { return descriptor }
        }
        return nil
    }
}
