import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore

@Suite("Ledger version 2: targets, migration from version 1")
struct LedgerVersion2Tests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-ledger2-\(UUID().uuidString)").path
    var path: String { folder + "/ledger.json" }
    let fingerprint = Fingerprint("sha256:0123456789abcdef")!
    let shared = try! RepositoryName(parsing: "garrick0/c3-shared", defaultOwner: "garrick0")

    /// A version-1 ledger as patrol wrote it before secret targets.
    static let version1 = """
        {
          "history" : [ { "command" : "rollout", "failed" : 0, "fingerprint" : "sha256:0123456789abcdef",
                          "finishedAt" : "2026-05-01T10:00:05Z", "startedAt" : "2026-05-01T10:00:00Z", "succeeded" : 1 } ],
          "repositories" : { "garrick0/c3-shared" : { "fingerprint" : "sha256:0123456789abcdef", "keyID" : "5682",
                             "secretUpdatedAt" : "2026-05-01T10:00:03Z", "uploadedAt" : "2026-05-01T10:00:03Z" } },
          "secret" : "PAT_TOKEN",
          "tokens" : [ { "expiresAt" : "2026-07-30T10:00:00Z", "fingerprint" : "sha256:0123456789abcdef", "firstSeen" : "2026-05-01T10:00:00Z",
                         "kind" : "classic", "lastSeen" : "2026-05-01T10:00:00Z", "login" : "garrick0", "scopes" : [ "repo", "workflow" ], "state" : "current" } ],
          "version" : 1
        }
        """

    @Test("the first write over a version-1 file writes version 2 keyed by target and keeps the old file as ledger.v1.json, byte for byte")
    func migratesOnFirstWrite() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.version1.write(toFile: path, atomically: false, encoding: .utf8)
        try await LedgerStore.withStore({ try LedgerStore(path: path, secret: "PAT_TOKEN") }) { store in
            // Opening reads it; nothing is written yet.
            #expect(!FileManager.default.fileExists(atPath: folder + "/ledger.v1.json"))
            let organization = SecretTarget(.organization("c3-org"))
            try await store.recordUpload(organization, fingerprint: fingerprint, keyID: "9", etag: nil, uploadedAt: Date(),
                                         secretUpdatedAt: Date(), visibility: .selected, selectedRepositoryIDs: [11, 12],
                                         repositoryIDs: ["garrick0/c3-shared": 11])
            try await store.update { _ in }
        }
        #expect(try String(contentsOfFile: folder + "/ledger.v1.json", encoding: .utf8) == Self.version1)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""version" : 2"#))
        #expect(text.contains(#""repo:garrick0/c3-shared""#))
        #expect(!text.contains(#""repositories""#))
        let ledger = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(ledger.holds(shared, fingerprint))
        #expect(ledger.targets["repo:garrick0/c3-shared"]?.keyID == "5682")
        #expect(ledger.targets["org:c3-org"]?.visibility == .selected)
        #expect(ledger.targets["org:c3-org"]?.selectedRepositoryIDs == [11, 12])
        #expect(ledger.repositoryIDs["garrick0/c3-shared"] == 11)
        #expect(ledger.history.count == 1)
        // A second write leaves the kept copy alone: it is the version-1 file, not a copy of version 2.
        try await LedgerStore.withStore({ try LedgerStore(path: path, secret: "PAT_TOKEN") }) { store in
            try await store.update { $0.history.removeAll() }
        }
        #expect(try String(contentsOfFile: folder + "/ledger.v1.json", encoding: .utf8) == Self.version1)
    }

    @Test("a journal line a version-1 patrol wrote (a crashed run) replays as the repository's repo: target")
    func version1JournalLine() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.version1.write(toFile: path, atomically: false, encoding: .utf8)
        let line = #"{"record":{"fingerprint":"sha256:fedcba9876543210","keyID":"7","secretUpdatedAt":"2026-05-02T10:00:03Z","uploadedAt":"2026-05-02T10:00:03Z"},"repository":"garrick0/c3-web"}"#
        try (line + "\n").write(toFile: path + ".journal", atomically: false, encoding: .utf8)
        let ledger = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(ledger.targets["repo:garrick0/c3-web"]?.fingerprint == Fingerprint("sha256:fedcba9876543210"))
        #expect(ledger.targets["repo:garrick0/c3-shared"]?.keyID == "5682")
    }

    @Test("each kind's record is keyed by its target id, and the ids read back as the same targets")
    func targetIDs() throws {
        let web = try RepositoryName(parsing: "garrick0/c3-web", defaultOwner: "garrick0")
        let targets: [SecretTarget] = [.repository(web), SecretTarget(.environment(web, "production")), SecretTarget(.dependabot(web)),
                                       SecretTarget(.codespaces(web)), SecretTarget(.organization("c3-org")),
                                       SecretTarget(.environment(web, "pre prod/eu"))]
        #expect(targets.map(\.id) == ["repo:garrick0/c3-web", "env:garrick0/c3-web/production", "dependabot:garrick0/c3-web",
                                      "codespaces:garrick0/c3-web", "org:c3-org", "env:garrick0/c3-web/pre prod/eu"])
        for target in targets { #expect(try SecretTarget(id: target.id) == target) }
        #expect(targets.map(\.publicKeyPath) == [
            "/repos/garrick0/c3-web/actions/secrets/public-key", "/repos/garrick0/c3-web/environments/production/secrets/public-key",
            "/repos/garrick0/c3-web/dependabot/secrets/public-key", "/repos/garrick0/c3-web/codespaces/secrets/public-key",
            "/orgs/c3-org/actions/secrets/public-key", "/repos/garrick0/c3-web/environments/pre%20prod%2Feu/secrets/public-key",
        ])
        #expect(targets.map(\.kind.permission) == ["secrets", "environments", "dependabot_secrets", "codespaces_secrets",
                                                   "organization_secrets", "environments"])
        #expect(throws: SecretTargetError.self) { try SecretTarget(id: "garrick0/c3-web") }
        #expect(throws: SecretTargetError.self) { try SecretTarget(id: "env:garrick0/c3-web") }
    }
}
