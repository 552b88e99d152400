import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolGitHub
@testable import PatrolCore

@Suite("Ledger file writer: record by record, the bytes of one JSONEncoder document")
struct LedgerFileWriterTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-ledger-writer-\(UUID().uuidString)").path
    var path: String { folder + "/ledger.json" }

    static let fingerprint = Fingerprint("sha256:0123456789abcdef")!
    static let other = Fingerprint("sha256:fedcba9876543210")!
    /// A time with a fraction of a second, which the file keeps to the second.
    static let moment = Date(timeIntervalSince1970: 1_790_000_000.734)

    /// Ledgers from empty to a 1,000-repository fleet, with keys that sort differently by bytes than by any locale
    /// (capitals, digits, a non-BMP character, quotes, a slash) and every kind of member.
    static var ledgers: [Ledger] {
        var empty = Ledger(secret: "PAT_TOKEN")
        var one = empty
        one.noteToken(fingerprint, login: "garrick0", kind: .classic, scopes: ["repo", "workflow"], expiresAt: moment, at: moment)
        one.makeCurrent(fingerprint)
        one.targets["repo:garrick0/c3-web"] = TargetRecord(fingerprint: fingerprint, keyID: "568250167242549743", keyETag: "W/\"abc\"",
                                                           uploadedAt: moment, secretUpdatedAt: moment, publicKey: "aGVsbG8/+=")
        one.history = [RunRecord(command: "rollout", startedAt: moment, finishedAt: moment.addingTimeInterval(1.5), fingerprint: fingerprint,
                                 succeeded: 1, failed: 0)]
        var tricky = one
        for key in ["repo:Garrick0/Zeta", "repo:garrick0/zeta", "repo:garrick0/z\u{1F600}", "repo:garrick0/zé", "env:garrick0/c3-web/pro \"d\"",
                    "org:c3-org", "dependabot:garrick0/c3-web", "codespaces:garrick0/c3-web", "repo:garrick0/c3-web2", "repo:garrick0/c3-web10"] {
            tricky.targets[key] = TargetRecord(fingerprint: other, keyID: "1", uploadedAt: moment)
        }
        tricky.targets["org:c3-org"] = TargetRecord(fingerprint: fingerprint, keyID: "2", visibility: .selected, selectedRepositoryIDs: [3, 1, 2])
        tricky.targets["repo:garrick0/empty"] = TargetRecord()
        tricky.repositoryIDs = ["garrick0/c3-web": 10, "garrick0/c3-web10": 2, "garrick0/c3-web2": 1]
        tricky.app.keys = [AppKeyRecord(fingerprint: AppKeyFingerprint(publicKeyDER: [1, 2, 3]), appID: 42, firstRolledOut: moment,
                                        currentSince: moment, retiredAt: moment.addingTimeInterval(0.5), state: .current)]
        tricky.app.targets["env:garrick0/c3-web/production"] = AppKeyHolding(fingerprint: AppKeyFingerprint(publicKeyDER: [1, 2, 3]), appID: 42,
                                                                             variable: "APP_ID", secret: "APP_KEY", uploadedAt: moment,
                                                                             secretUpdatedAt: moment.addingTimeInterval(0.999))
        tricky.app.repositories["garrick0/c3-web"] = AppKeyHolding(fingerprint: AppKeyFingerprint(publicKeyDER: [1, 2, 3]), appID: 42,
                                                                   variable: "APP_ID", secret: "APP_KEY", uploadedAt: moment, secretUpdatedAt: moment)
        var fleet = one
        for index in 1...1_000 {
            let name = String(format: "bench-org/service-%04d", index)
            fleet.targets["repo:" + name] = TargetRecord(fingerprint: index % 7 == 0 ? other : fingerprint, keyID: "\(index)", keyETag: "\"\(index)\"",
                                                         uploadedAt: moment.addingTimeInterval(Double(index) / 3), secretUpdatedAt: moment,
                                                         publicKey: "cHVibGljIGtleQ==")
            fleet.repositoryIDs[name] = 1_000_000 + index
        }
        fleet.history += (0..<40).map { RunRecord(command: "rotate", startedAt: moment, finishedAt: moment, succeeded: $0, failed: 1) }
        empty.history = []
        return [empty, one, tricky, fleet]
    }

    @Test("the file is byte for byte what JSONEncoder writes for the whole ledger, and the ledger returned is the one a reload reads, no date with a fraction",
          arguments: 0..<4)
    func sameBytes(index: Int) throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledger = Self.ledgers[index]
        let returned = try LedgerStore.write(ledger, to: path)
        let written = try #require(FileManager.default.contents(atPath: path))
        let whole = try LedgerStore.encode(ledger)
        #expect(written == whole, "streamed:\n\(String(decoding: written.prefix(3_000), as: UTF8.self))\nJSONEncoder:\n\(String(decoding: whole.prefix(3_000), as: UTF8.self))")
        let reloaded = try #require(try LedgerStore.readFile(path: path, secret: "PAT_TOKEN")).ledger
        #expect(returned == reloaded)
        #expect(reloaded.targets.count == ledger.targets.count)
        // Every date anywhere in the returned ledger (Ledger.asWritten), found by reflection, so that a date field added
        // later is checked too: none keeps a fraction of a second.
        let dates = Self.dates(in: returned)
        #expect(dates.allSatisfy { $0.timeIntervalSince1970 == $0.timeIntervalSince1970.rounded(.down) })
        if index == 2 { #expect(dates.count >= 12) }
    }

    /// Every `Date` reachable from `value`'s stored properties, collections and optionals.
    static func dates(in value: Any) -> [Date] {
        if let date = value as? Date { return [date] }
        return Mirror(reflecting: value).children.flatMap { dates(in: $0.value) }
    }

    @Test("the writer writes every member of the file's shape, in the encoder's order (a member added later fails here)")
    func everyMember() {
        let labels = Mirror(reflecting: LedgerFileV2(Ledger(secret: "PAT_TOKEN"))).children.compactMap(\.label)
        #expect(labels.sorted(by: LedgerFileWriter.encoderOrder) == LedgerFileWriter.members)
    }

    @Test("keys go in JSONEncoder's order: by UTF-8 bytes, capitals before small letters, digits compared one by one")
    func keyOrder() {
        let keys = ["b", "a", "B", "a10", "a2", "\u{1F600}", "é", "a-b", "a/b"]
        #expect(keys.sorted(by: LedgerFileWriter.encoderOrder) == ["B", "a", "a-b", "a/b", "a10", "a2", "b", "é", "\u{1F600}"])
    }
}
