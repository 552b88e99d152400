import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Ledger journal, lock, migration and file checks")
struct LedgerJournalTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-journal-\(UUID().uuidString)").path
    var path: String { folder + "/ledger.json" }
    var journal: String { path + ".journal" }
    let shared = try! RepositoryName(parsing: "garrick0/c3-shared", defaultOwner: "garrick0")
    let web = try! RepositoryName(parsing: "garrick0/c3-web", defaultOwner: "garrick0")
    let fingerprint = Token(bytes: Array(TestTokens.classic().utf8)).fingerprint

    private func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test("an upload is journalled (0600) and loads before the ledger is rewritten; update folds it in and removes the journal")
    func journalThenCompact() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
        try await store.recordUpload(shared, fingerprint: fingerprint, keyID: "1", etag: nil, uploadedAt: Date(), secretUpdatedAt: Date())
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try mode(journal) == 0o600)
        #expect(try mode(path + ".lock") == 0o600)
        #expect(try LedgerStore.load(path: path, secret: "PAT_TOKEN").holds(shared, fingerprint))

        try await store.update { _ in }
        #expect(!FileManager.default.fileExists(atPath: journal))
        let reloaded = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(reloaded.holds(shared, fingerprint))
        #expect(reloaded == (await store.snapshot))
    }

    @Test("a journal left by a crashed run is folded into the ledger when it is next opened for writing")
    func crashedRunIsCompactedOnOpen() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
            try await store.update { $0.history = [] ; $0.noteToken(fingerprint, login: "garrick0", kind: .classic, scopes: nil, expiresAt: nil, at: Date()) }
            try await store.recordUpload(web, fingerprint: fingerprint, keyID: "7", etag: nil, uploadedAt: Date(), secretUpdatedAt: Date())
        }
        #expect(FileManager.default.fileExists(atPath: journal))
        let reopened = try LedgerStore(path: path, secret: "PAT_TOKEN")
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(await reopened.snapshot.holds(web, fingerprint))
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        #expect(onDisk.contains("garrick0/c3-web"))
    }

    @Test("a torn last journal line (a crash mid-write) is ignored; the lines before it load")
    func tornLastLine() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
            try await store.recordUpload(shared, fingerprint: fingerprint, keyID: "1", etag: nil, uploadedAt: Date(), secretUpdatedAt: Date())
            try await store.recordUpload(web, fingerprint: fingerprint, keyID: "2", etag: nil, uploadedAt: Date(), secretUpdatedAt: Date())
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: journal))
        bytes.removeLast(25)
        try bytes.write(to: URL(fileURLWithPath: journal))
        let ledger = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(ledger.holds(shared, fingerprint))
        #expect(!ledger.holds(web, fingerprint))
        let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
        #expect(await store.snapshot == ledger)
    }

    @Test("a damaged line in the middle of the journal is an error, and the journal is left untouched")
    func damagedMiddleLine() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let content = "garbage\n{\"repository\":\"garrick0/c3-web\",\"record\":{}}\n"
        try content.write(toFile: journal, atomically: false, encoding: .utf8)
        #expect(throws: LedgerError.self) { try LedgerStore(path: path, secret: "PAT_TOKEN") }
        #expect(try String(contentsOfFile: journal, encoding: .utf8) == content)
    }

    @Test("a second store in the same process stops at once, naming the holder; once the first is gone, it opens")
    func lockNamesHolder() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var first: LedgerStore? = try LedgerStore(path: path, secret: "PAT_TOKEN", command: "patrol rollout")
        do {
            _ = try LedgerStore(path: path, secret: "PAT_TOKEN")
            Issue.record("the second store opened while the first held the lock")
        } catch let error as LedgerError {
            guard case .locked(_, let holder, let waited) = error else { Issue.record("\(error)"); return }
            #expect(holder?.pid == getpid())
            #expect(holder?.command == "patrol rollout")
            #expect(waited == .zero)
            #expect("\(error)".contains("already open in this process (pid \(getpid()) (patrol rollout, since "))
        }
        _ = first
        first = nil
        let second = try LedgerStore(path: path, secret: "PAT_TOKEN")
        #expect(await second.snapshot == Ledger(secret: "PAT_TOKEN"))
    }

    @Test("a lock file left by a process that is gone does not block")
    func staleLockFile() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"command":"patrol rollout","pid":999999,"since":"2026-01-01T00:00:00Z"}"#.write(toFile: path + ".lock", atomically: false, encoding: .utf8)
        _ = try LedgerStore(path: path, secret: "PAT_TOKEN")
        let holder = try LedgerLockHolder.decode(Data(contentsOf: URL(fileURLWithPath: path + ".lock")))
        #expect(holder.pid == getpid() && holder.command == "patrol")
    }

    @Test("a version 1 file, as patrol 0.1 wrote it, loads through the migration")
    func version1Loads() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let v1 = LedgerVersion2Tests.version1
        try v1.write(toFile: path, atomically: false, encoding: .utf8)
        let ledger = try LedgerMigration.read(Data(v1.utf8), path: path).ledger
        #expect(ledger.currentToken?.fingerprint.value == "sha256:0123456789abcdef")
        #expect(ledger.targets["repo:garrick0/c3-shared"]?.keyID == "5682")
        #expect(ledger.history.first?.succeeded == 1)
        #expect(try LedgerStore.load(path: path, secret: "PAT_TOKEN") == ledger)
    }

    @Test("a symbolic link is refused and left alone")
    func symbolicLink() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"version": 1, "secret": "PAT_TOKEN", "tokens": [], "repositories": {}, "history": []}"#.write(toFile: folder + "/real.json", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder + "/real.json")
        #expect(throws: LedgerError.symbolicLink(path: path)) { try LedgerStore(path: path, secret: "PAT_TOKEN") }
        #expect(throws: LedgerError.symbolicLink(path: path)) { try LedgerStore.load(path: path, secret: "PAT_TOKEN") }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: path) == folder + "/real.json")
    }

    @Test("a ledger others can read opens with a warning naming the fix, and the next write makes it 0600")
    func readableByOthers() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"version": 1, "secret": "PAT_TOKEN", "tokens": [], "repositories": {}, "history": []}"#.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
        #expect(store.warnings.count == 1)
        #expect(store.warnings.first?.contains("chmod 600") == true)
        try await store.recordUpload(shared, fingerprint: fingerprint, keyID: "1", etag: nil, uploadedAt: Date(), secretUpdatedAt: Date())
        try await store.update { _ in }
        #expect(try mode(path) == 0o600)
    }
}
