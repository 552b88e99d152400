import FoundationEssentials
import PatrolGitHub

/// Turns a ledger file of any version patrol knows into today's ``Ledger``. The version is decoded
/// first, then the shape of that version, then each step up to the current one.
///
/// Version 1 (repositories keyed by `owner/name`) becomes version 2 (targets keyed by id, its repositories
/// `repo:` targets) in memory; the file is rewritten as version 2 at the first write, and the version-1 file is
/// kept beside it (``version1CopyPath(for:)``). A patrol that reads only version 1 stops at a version-2 file with
/// "ledger version 2 was written by a newer patrol; upgrade patrol to read it" and changes nothing.
package enum LedgerMigration {
    /// The version patrol writes.
    package static let currentVersion = 2

    /// The ledger in `data`, read from `path` (for messages), migrated to the current version.
    package static func ledger(from data: Data, path: String) throws(LedgerError) -> Ledger {
        let version: Int
        do {
            version = try JSONDecoder().decode(LedgerVersion.self, from: data).version
        } catch {
            throw .unreadable(path: path, problem: data.isEmpty ? "the file is empty" : "not a patrol ledger: no \"version\"")
        }
        switch version {
        case 1:
            return try decode(LedgerFileV1.self, from: data, path: path).ledger
        case 2:
            return try decode(LedgerFileV2.self, from: data, path: path).ledger
        case let newer where newer > currentVersion:
            throw .unsupportedVersion(path: path, version: newer)
        default:
            throw .unreadable(path: path, problem: "unknown version \(version)")
        }
    }

    package static func decode<File: Decodable>(_ type: File.Type, from data: Data, path: String) throws(LedgerError) -> File {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(File.self, from: data)
        } catch {
            throw .unreadable(path: path, problem: GitHubClient.describe(error))
        }
    }

    /// The version of the ledger file in `data`, or nil when it has none.
    package static func version(of data: Data) -> Int? {
        try? JSONDecoder().decode(LedgerVersion.self, from: data).version
    }

    /// Where the version-1 file is kept when a ledger is first written as version 2: `ledger.json` →
    /// `ledger.v1.json` (`state` → `state.v1.json`).
    package static func version1CopyPath(for path: String) -> String {
        let base = path.hasSuffix(".json") ? String(path.dropLast(".json".count)) : path
        return base + ".v1.json"
    }
}
