import Foundation

/// The ledger's on-disk shape, version 1. Kept apart from ``Ledger`` so the domain model can change
/// while old files still decode (a version 2 adds a `LedgerFileV2` and a migration from this one).
struct LedgerFileV1: Codable {
    var version: Int = 1
    var secret: String
    var tokens: [TokenRecord]
    var repositories: [String: RepositoryRecord]
    var history: [RunRecord]

    init(_ ledger: Ledger) {
        secret = ledger.secret
        tokens = ledger.tokens
        repositories = ledger.repositories
        history = ledger.history
    }

    var ledger: Ledger {
        var ledger = Ledger(secret: secret)
        ledger.tokens = tokens
        ledger.repositories = repositories
        ledger.history = history
        return ledger
    }
}

/// Only the version, decoded before anything else.
struct LedgerVersion: Decodable { let version: Int }
