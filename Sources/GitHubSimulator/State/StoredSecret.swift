import FoundationEssentials

/// A repository secret as the simulator holds it, with its value already decrypted.
public struct StoredSecret: Sendable, Equatable {
    /// The name, upper-cased as GitHub stores it.
    public let name: String
    /// The decrypted value (lossy UTF-8 decoding of `plaintextBytes`).
    public var plaintext: String { String(decoding: plaintextBytes, as: UTF8.self) }
    /// The decrypted bytes exactly as they came out of the sealed box.
    public internal(set) var plaintextBytes: [UInt8]
    public internal(set) var createdAt: Date
    public internal(set) var updatedAt: Date
    /// How many successful writes this secret has seen.
    public internal(set) var writes: Int
    /// The `key_id` the last write was sealed for.
    public internal(set) var keyID: String
}
