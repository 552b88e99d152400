import FoundationEssentials

/// One place secrets live under one key pair: a repository's Actions, Dependabot or Codespaces secrets, one
/// environment's secrets, or an organization's Actions secrets. GitHub gives each its own key, so a value
/// sealed for one place does not open in another.
struct SecretStore: Sendable {
    var keyPair: KeyPair
    var keyID: String
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

    /// A store with a fresh key pair and `keyID`, holding nothing.
    init(keyID: String) {
        keyPair = SimulatorCrypto.makeKeyPair()
        self.keyID = keyID
    }

    /// The secret `name` (upper-cased) as the next read sees it, spending one lagging read if one is due.
    mutating func read(_ name: String) -> StoredSecret? {
        guard var lag = laggingReads[name], lag.remaining > 0 else { return secrets[name] }
        lag.remaining -= 1
        laggingReads[name] = lag.remaining > 0 ? lag : nil
        return lag.before
    }

    /// Every secret as the next list sees it (lagging reads included), sorted by name.
    mutating func readAll() -> [StoredSecret] {
        let names = secrets.keys.sorted() + laggingReads.keys.filter { secrets[$0] == nil }.sorted()
        return names.compactMap { read($0) }.sorted { $0.name < $1.name }
    }

    /// Replaces the key pair and `key_id`; the old `key_id` stops being accepted.
    mutating func rotateKey(keyID: String) {
        keyPair = SimulatorCrypto.makeKeyPair()
        self.keyID = keyID
        rotateAfterNextKeyFetch = false
    }

    /// What a write did.
    enum WriteOutcome: Equatable {
        case created, updated
        /// Answered as a success, kept nothing (`loseNextWrite`); `created` is what the answer claims.
        case lost(created: Bool)

        /// Whether the answer says created (201) rather than updated (204).
        var answersCreated: Bool {
            switch self {
            case .created: true
            case .updated: false
            case .lost(let created): created
            }
        }
    }

    /// Stores `plaintext` under `name` (upper-cased) sealed for `keyID` at `now`, or keeps nothing when a
    /// lost write is due; `lagReads` later reads still see the secret as it was.
    mutating func write(_ name: String, plaintext: [UInt8], keyID: String, now: Date, lagReads: Int) -> WriteOutcome {
        let existed = secrets[name] != nil
        if loseNextWrite {
            loseNextWrite = false
            return .lost(created: !existed)
        }
        if lagReads > 0 { laggingReads[name] = LaggingRead(before: secrets[name], remaining: lagReads) }
        if var existing = secrets[name] {
            existing.plaintextBytes = plaintext
            existing.updatedAt = now
            existing.writes += 1
            existing.keyID = keyID
            secrets[name] = existing
        } else {
            secrets[name] = StoredSecret(name: name, plaintextBytes: plaintext, createdAt: now, updatedAt: now, writes: 1, keyID: keyID)
        }
        return existed ? .updated : .created
    }
}
