import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// The ledger's on-disk shape, version 1. Kept apart from ``Ledger`` so the domain model can change
/// while old files still decode (a version 2 adds a `LedgerFileV2` and a migration from this one).
package struct LedgerFileV1: Codable {
    package var version: Int = 1
    package var secret: String
    package var tokens: [TokenRecord]
    package var repositories: [String: RepositoryRecord]
    package var history: [RunRecord]
    /// Left out until an App key is rolled out.
    package var app: AppKeyLedger?

    package init(_ ledger: Ledger) {
        secret = ledger.secret
        tokens = ledger.tokens
        repositories = ledger.repositories
        history = ledger.history
        app = ledger.app.isEmpty ? nil : ledger.app
    }

    package var ledger: Ledger {
        var ledger = Ledger(secret: secret)
        ledger.tokens = tokens
        ledger.repositories = repositories
        ledger.history = history
        ledger.app = app ?? AppKeyLedger()
        return ledger
    }
}

/// Only the version, decoded before anything else.
package struct LedgerVersion: Decodable { let version: Int }
