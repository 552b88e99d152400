import Foundation

/// One simulated repository: its key pair, its secrets and who may touch them.
struct RepositoryRecord: Sendable {
    /// `owner/name` as added, or as last renamed.
    var fullName: String
    let id: Int
    var keyPair: KeyPair
    var keyID: String
    /// The permission every token has here unless the token overrides it.
    var permission: Permission
    /// Secrets keyed by upper-cased name.
    var secrets: [String: StoredSecret] = [:]
    /// When set, the next public-key fetch is answered and then the key pair rotates (a key changing between GET and PUT).
    var rotateAfterNextKeyFetch = false
    /// Answer the next secret upload as a success without storing it: a write GitHub lost.
    var loseNextWrite = false
    /// This many more public-key fetches are answered and then followed by a rotation (a key that keeps changing).
    var rotationsAfterKeyFetches = 0
    /// Read-after-write lag, by upper-cased secret name: what reads still see, and for how many more reads.
    var laggingReads: [String: LaggingRead] = [:]

    /// A secret as reads see it while a write has not reached them yet.
    struct LaggingRead: Sendable {
        /// The secret before the write (nil: it did not exist).
        let before: StoredSecret?
        var remaining: Int
    }

    /// The secret `name` (upper-cased) as the next read sees it, spending one lagging read if one is due.
    mutating func read(_ name: String) -> StoredSecret? {
        guard var lag = laggingReads[name], lag.remaining > 0 else { return secrets[name] }
        lag.remaining -= 1
        laggingReads[name] = lag.remaining > 0 ? lag : nil
        return lag.before
    }

    /// Replaces the key pair and `key_id`; the old `key_id` stops being accepted.
    mutating func rotateKey(keyID: String) {
        keyPair = SimulatorCrypto.makeKeyPair()
        self.keyID = keyID
        rotateAfterNextKeyFetch = false
    }
}
