import FoundationEssentials
import PatrolSecrets
import PatrolGitHub

/// The ledger's side of a ``Rollout``: what the ledger says a target holds of the value being rolled out, and where a
/// verified upload is recorded. The token's (`rollout`, `rotate`: ``TokenBookkeeping``) and the App key's (`app rollout`,
/// `rotate --app-key-file`: ``AppKeyBookkeeping``) go through the same per-target delivery.
package protocol RolloutBookkeeping: Sendable {
    /// What the ledger recorded of this value in `target`; nil when patrol never wrote it there.
    func recorded(_ target: SecretTarget, in ledger: Ledger) -> RecordedValue?
    /// Records a verified upload: one journal line, on disk before this returns.
    func record(_ upload: VerifiedUpload, in store: LedgerStore) async throws
}

/// What the ledger says of one target before a write.
package struct RecordedValue: Sendable {
    /// The target holds the value being rolled out (per the ledger).
    package var holdsThis: Bool
    /// The secret's `updated_at` read right after patrol's last write there: another `updated_at` means a change outside patrol.
    package var secretUpdatedAt: Date?
    /// The public key patrol sealed for there last, for a conditional fetch.
    package var cachedKey: PublicKey?
}

/// One write the read-back confirmed, with what was learnt on the way.
package struct VerifiedUpload: Sendable {
    package let target: SecretTarget
    package let key: PublicKey
    package let uploadedAt: Date
    package let secretUpdatedAt: Date
    /// An organization secret's visibility and selection after the write.
    package var visibility: SecretVisibility?
    package var selectedRepositoryIDs: [Int]?
    /// Repository ids fetched for an organization secret's selection (`owner/name` in lower case → id).
    package var repositoryIDs: [String: Int]?
}

/// The token's bookkeeping: the ledger's target records (``TargetRecord``), by the token's fingerprint.
package struct TokenBookkeeping: RolloutBookkeeping {
    package let fingerprint: Fingerprint

    package func recorded(_ target: SecretTarget, in ledger: Ledger) -> RecordedValue? {
        recorded(ledger.record(target))
    }

    /// `record` as a ``RecordedValue`` of this token.
    func recorded(_ record: TargetRecord?) -> RecordedValue? {
        record.map { RecordedValue(holdsThis: $0.fingerprint == fingerprint, secretUpdatedAt: $0.secretUpdatedAt, cachedKey: $0.cachedKey) }
    }

    package func record(_ upload: VerifiedUpload, in store: LedgerStore) async throws {
        try await store.recordUpload(upload.target, fingerprint: fingerprint, keyID: upload.key.keyID, etag: upload.key.etag,
                                     uploadedAt: upload.uploadedAt, secretUpdatedAt: upload.secretUpdatedAt, publicKey: upload.key.key,
                                     visibility: upload.visibility, selectedRepositoryIDs: upload.selectedRepositoryIDs,
                                     repositoryIDs: upload.repositoryIDs)
    }
}
