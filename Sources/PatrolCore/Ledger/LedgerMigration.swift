import FoundationEssentials
import PatrolGitHub

/// Turns a ledger file of any version patrol knows into today's ``Ledger``. The version is decoded
/// first, then the shape of that version (in the same pass), then each step up to the current one.
///
/// Version 1 (repositories keyed by `owner/name`) becomes version 2 (targets keyed by id, its repositories
/// `repo:` targets) in memory; the file is rewritten as version 2 at the first write, and the version-1 file is
/// kept beside it (``version1CopyPath(for:)``). A patrol that reads only version 1 stops at a version-2 file with
/// "ledger version 2 was written by a newer patrol; upgrade patrol to read it" and changes nothing.
package enum LedgerMigration {
    /// The version patrol writes.
    package static let currentVersion = 2

    /// The ledger in `data`, read from `path` (for messages), migrated to the current version, and the version the
    /// file was. One pass over the text: the version is read first, then the shape it names, from the same decoder
    /// (a ledger of 1,000 repositories is about 400 KB, and `JSONDecoder` scans the whole text for every decode).
    package static func read(_ data: Data, path: String) throws(LedgerError) -> (ledger: Ledger, version: Int) {
        let file: AnyVersion
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            file = try decoder.decode(AnyVersion.self, from: data)
        } catch is AnyVersion.NoVersion {
            throw noVersion(data, path: path)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Not JSON at all.
            throw noVersion(data, path: path)
        } catch {
            throw .unreadable(path: path, problem: GitHubClient.describe(error))
        }
        guard let ledger = file.ledger else {
            throw file.version > currentVersion ? .unsupportedVersion(path: path, version: file.version)
                                                : .unreadable(path: path, problem: "unknown version \(file.version)")
        }
        return (ledger, file.version)
    }

    private static func noVersion(_ data: Data, path: String) -> LedgerError {
        .unreadable(path: path, problem: data.isEmpty ? "the file is empty" : "not a patrol ledger: no \"version\"")
    }

    /// A ledger file of any version: its `version`, and the ledger when patrol knows that version.
    private struct AnyVersion: Decodable {
        /// The text is JSON but not an object with a whole-number `version`.
        struct NoVersion: Error {}
        let version: Int
        let ledger: Ledger?

        private enum Key: String, CodingKey { case version }

        init(from decoder: any Decoder) throws {
            guard let container = try? decoder.container(keyedBy: Key.self),
                  let version = try? container.decode(Int.self, forKey: .version) else { throw NoVersion() }
            self.version = version
            switch version {
            case 1: ledger = try LedgerFileV1(from: decoder).ledger
            case 2: ledger = try LedgerFileV2(from: decoder).ledger
            default: ledger = nil
            }
        }
    }

    /// Where the version-1 file is kept when a ledger is first written as version 2: `ledger.json` →
    /// `ledger.v1.json` (`state` → `state.v1.json`).
    package static func version1CopyPath(for path: String) -> String {
        let base = path.hasSuffix(".json") ? String(path.dropLast(".json".count)) : path
        return base + ".v1.json"
    }
}
