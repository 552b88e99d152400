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

    /// Replaces the key pair and `key_id`; the old `key_id` stops being accepted.
    mutating func rotateKey(keyID: String) {
        keyPair = SimulatorCrypto.makeKeyPair()
        self.keyID = keyID
        rotateAfterNextKeyFetch = false
    }
}
