import Foundation
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

extension FleetHarness {
    /// Writes the ledger as a finished rollout of `token` leaves it: the token current, first seen at
    /// `firstSeen`, expiring at `expiresAt`, held by `holders` (the whole fleet by default).
    func seedLedger(token: String, expiresAt: Date?, firstSeen: Date = Date(), holders: [String] = FleetHarness.fleet) async throws {
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
        let names = try holders.map { try RepositoryName(parsing: $0, defaultOwner: Self.owner) }
        // Scoped, as the commands open it: the lock is released when this returns, not whenever the store is freed.
        try await LedgerStore.withStore({ try LedgerStore(path: ledgerPath, secret: "PAT_TOKEN") }) { store in
            // As a rollout records them: each verified upload a journal line, then the token current in one rewrite.
            for name in names {
                try await store.recordUpload(name, fingerprint: fingerprint, keyID: "1", etag: nil, uploadedAt: firstSeen, secretUpdatedAt: firstSeen)
            }
            try await store.update { ledger in
                ledger.noteToken(fingerprint, login: Self.owner, kind: .classic, scopes: ["repo", "workflow"], expiresAt: expiresAt, at: firstSeen)
                ledger.makeCurrent(fingerprint)
            }
        }
    }

    /// The ledger as it stands on disk.
    func ledger() throws -> Ledger {
        try LedgerStore.load(path: ledgerPath, secret: "PAT_TOKEN")
    }

    /// The platform repository's full name.
    static var platform: String { "\(owner)/c3-platform" }
}

/// `days` whole days from now, plus an hour so that the whole-day count is exactly `days` however long the test takes.
func inDays(_ days: Int) -> Date {
    Date().addingTimeInterval(Double(days) * 86_400 + 3600)
}
