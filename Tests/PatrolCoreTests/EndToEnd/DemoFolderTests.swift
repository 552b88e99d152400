import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolDemo

/// The demo's temporary folder is gone after Ctrl-C even while the demo's tasks are still writing its ledger: the
/// removal, on the signal's thread, closes the ledger first (a write under way finishes, every later one is refused).
@Suite("the demo's temporary folder and its removal on Ctrl-C")
struct DemoFolderTests {
    let folder = DemoFolder(path: FileManager.default.temporaryDirectory.appendingPathComponent("patrol-demo-test-\(UUID().uuidString)").path)
    let repository = try! RepositoryName(parsing: "garrick0/c3-shared", defaultOwner: "garrick0")
    let fingerprint = Fingerprint("sha256:0123456789abcdef")!
    let when = Date(timeIntervalSince1970: 1_767_225_600)

    /// Runs ``DemoFolder/remove()`` on a thread of its own, as the signal's thread does, and returns when it has.
    private func removeFromAnotherThread() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [folder] in
                folder.remove()
                done.resume()
            }
        }
    }

    /// One write as the demo's rollout makes them: a journal line, or every third time a whole new ledger (which makes
    /// the ledger's folder when it is missing).
    private func write(_ ledger: LedgerStore, _ number: Int) async throws {
        if number % 3 == 0 {
            try await ledger.update {
                $0.noteToken(fingerprint, login: "garrick0", kind: .classic, scopes: ["repo"], expiresAt: nil, at: when.addingTimeInterval(Double(number)))
            }
        } else {
            try await ledger.recordUpload(repository, fingerprint: fingerprint, keyID: "\(number)", etag: nil, uploadedAt: when, secretUpdatedAt: when)
        }
    }

    @Test("a ledger write after the removal is refused and does not make the folder again")
    func writeAfterRemoval() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try await folder.withLedger(secret: "PAT_TOKEN") { ledger in
            try await write(ledger, 1)
            #expect(FileManager.default.fileExists(atPath: folder.ledgerPath + ".journal"))
            await removeFromAnotherThread()
            #expect(!FileManager.default.fileExists(atPath: folder.path))
            // A task the signal has not stopped yet writes once more (a journal line, then a whole ledger).
            await #expect(throws: LedgerError.self) { try await write(ledger, 2) }
            await #expect(throws: LedgerError.self) {
                try await ledger.update { $0.noteToken(fingerprint, login: "garrick0", kind: .classic, scopes: ["repo"], expiresAt: nil, at: when) }
            }
            #expect(!FileManager.default.fileExists(atPath: folder.path))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test("removed while four tasks write the ledger as fast as they can: the folder is gone and stays gone")
    func removalDuringWrites() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        // Set before the removal begins, and once it is done.
        let removing = Locked(false), removed = Locked(false), written = Locked(0)
        try await folder.withLedger(secret: "PAT_TOKEN") { ledger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        // Until the removal is done, then a few writes more, as the demo's tasks would before _exit.
                        var number = writer * 1_000_000, after = 0
                        while after < 5 {
                            if removed.withLock({ $0 }) { after += 1 }
                            number += 1
                            do {
                                try await write(ledger, number)
                                written.withLock { $0 += 1 }
                            } catch is LedgerError {
                                #expect(removing.withLock { $0 }, "a write failed before the removal began")
                            }
                        }
                    }
                }
                // Let the writers get going (journal lines and whole ledgers on disk), then remove while they write.
                while written.withLock({ $0 }) < 12 { await Task.yield() }
                removing.withLock { $0 = true }
                await removeFromAnotherThread()
                removed.withLock { $0 = true }
                try await group.waitForAll()
            }
            #expect(!FileManager.default.fileExists(atPath: folder.path))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test("once the removal has begun, no ledger is opened and no folder made")
    func openAfterRemoval() async throws {
        folder.remove()
        await #expect(throws: DemoFolder.Removed.self) {
            try await folder.withLedger(secret: "PAT_TOKEN") { _ in Issue.record("the ledger was opened") }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test("a demo that ends by itself leaves no folder behind either")
    func normalEnd() async throws {
        try await folder.withLedger(secret: "PAT_TOKEN") { ledger in try await write(ledger, 3) }
        #expect(FileManager.default.fileExists(atPath: folder.ledgerPath))
        folder.remove()
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }
}
