import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Ledger store")
struct LedgerStoreTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-ledger-\(UUID().uuidString)").path
    var path: String { folder + "/ledger.json" }
    let repository = try! RepositoryName(parsing: "garrick0/c3-shared", defaultOwner: "garrick0")

    @Test("a change is on disk, mode 0600, and reads back equal; the file holds the fingerprint, never the token")
    func roundTrip() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let raw = TestTokens.classic()
        let token = Token(bytes: Array(raw.utf8))
        let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
        try await store.recordUpload(repository, fingerprint: token.fingerprint, keyID: "1", etag: nil, uploadedAt: Date(), secretUpdatedAt: Date())
        try await store.update { ledger in
            ledger.noteToken(token.fingerprint, login: "garrick0", kind: .classic, scopes: ["repo"], expiresAt: nil, at: Date())
            ledger.makeCurrent(token.fingerprint)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(token.fingerprint.value))
        #expect(!text.contains(raw))
        #expect(text.contains(#""version" : 2"#))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let reopened = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(reopened == (await store.snapshot))
        #expect(reopened.currentToken?.fingerprint == token.fingerprint)
        #expect(reopened.holds(repository, token.fingerprint))
    }

    @Test("uploads recorded at once (written together, one fsync for each batch) are each journalled, applied, kept by a rewrite that starts meanwhile, and found by a reload")
    func uploadsRecordedAtOnce() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
        let token = Token(bytes: Array(TestTokens.classic().utf8))
        let names = try (1...60).map { try RepositoryName(parsing: "garrick0/service-\($0)", defaultOwner: "garrick0") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    try await store.recordUpload(name, fingerprint: token.fingerprint, keyID: "1", etag: nil, uploadedAt: Date(), secretUpdatedAt: Date())
                }
            }
            // A rewrite asked for while appends are under way waits for them, and folds in what they wrote.
            group.addTask { try await store.update { $0.noteToken(token.fingerprint, login: "garrick0", kind: .classic, scopes: ["repo"], expiresAt: nil, at: Date()) } }
            try await group.waitForAll()
        }
        let snapshot = await store.snapshot
        #expect(names.allSatisfy { snapshot.holds($0, token.fingerprint) })
        let journal = (try? String(contentsOfFile: LedgerJournal.path(for: path), encoding: .utf8)) ?? ""
        let onDisk = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(names.allSatisfy { onDisk.holds($0, token.fingerprint) }, "the ledger and its journal on disk hold every upload")
        #expect(journal.split(separator: "\n").count <= names.count)
        try await store.update { $0.makeCurrent(token.fingerprint) }
        #expect(!FileManager.default.fileExists(atPath: LedgerJournal.path(for: path)))
        let rewritten = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(names.allSatisfy { rewritten.holds($0, token.fingerprint) })
    }

    @Test("a ledger that does not parse is an error and is left byte for byte as it was", arguments: [
        "", "{", "not json at all", #"{"secret": "PAT_TOKEN"}"#, #"{"version": 1, "secret": "PAT_TOKEN", "tokens": 3}"#,
    ])
    func unreadable(content: String) throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: LedgerError.self) { try LedgerStore(path: path, secret: "PAT_TOKEN") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
    }

    @Test("a newer version is refused with advice to upgrade")
    func newerVersion() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"version": 3}"#.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: LedgerError.unsupportedVersion(path: path, version: 3)) { try LedgerStore(path: path, secret: "PAT_TOKEN") }
    }

    @Test("no file yet is an empty ledger, and nothing is written until something changes")
    func empty() async throws {
        let store = try LedgerStore(path: path, secret: "PAT_TOKEN")
        #expect(await store.snapshot == Ledger(secret: "PAT_TOKEN"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

@Suite("Ledger lock wait")
struct LedgerLockWaitTests {
    @Test("PATROL_LOCK_WAIT sets the wait; absent is 5 s; anything but 0…3600 whole seconds is refused", arguments: [
        ([String: String](), Duration.seconds(5) as Duration?), (["PATROL_LOCK_WAIT": "0"], .seconds(0)),
        (["PATROL_LOCK_WAIT": "120"], .seconds(120)), (["PATROL_LOCK_WAIT": "-1"], nil),
        (["PATROL_LOCK_WAIT": "3601"], nil), (["PATROL_LOCK_WAIT": "1.5"], nil), (["PATROL_LOCK_WAIT": ""], nil),
    ])
    func parse(environment: [String: String], expected: Duration?) throws {
        if let expected {
            #expect(try LedgerStore.lockWait(environment) == expected)
        } else {
            #expect(throws: LedgerError.invalidLockWait(environment["PATROL_LOCK_WAIT"]!)) { try LedgerStore.lockWait(environment) }
        }
    }
}
