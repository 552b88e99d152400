import Foundation
import PatrolGitHub

/// Turns a ledger file of any version patrol knows into today's ``Ledger``. The version is decoded
/// first, then the shape of that version, then each step up to the current one. A version 2 adds its
/// `LedgerFileV2`, a `case 2` here, and a step from version 1.
package enum LedgerMigration {
    /// The version patrol writes.
    package static let currentVersion = 1

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
}
