import FoundationEssentials
import PatrolSupport
internal import CSodium

/// A GitHub token, held in memory that libsodium allocates (guard pages, locked from swap, zeroed when freed).
///
/// The type never hands out the token as a `String`: its `description` is `<redacted sha256:xxxxxxxx>`,
/// and the bytes are reachable only through ``withUnsafeBytes(_:)`` for the few places that must send
/// them (sealing, the Authorization header, revocation).
public final class Token: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // @unchecked Sendable: `storage` is written once in init, read-only after, and freed in deinit;
    // no method mutates it, so sharing across threads is safe.
    private let storage: UnsafeMutableRawPointer
    /// Number of bytes of the token.
    public let count: Int
    /// `sha256:` and the first 16 hex digits of the token's SHA-256 — what the ledger stores.
    public let fingerprint: Fingerprint

    /// Copies `bytes` into guarded memory. The caller should zero its own copy afterwards.
    /// Validation of the format is ``TokenFormat``'s job; this only holds bytes.
    public init(bytes: some Collection<UInt8>) {
        Sodium.require()
        count = bytes.count
        // sodium_malloc returns page-guarded memory; a size of 0 is allowed but we keep 1 byte to have a valid pointer.
        guard let pointer = sodium_malloc(max(count, 1)) else {
            fatalError("sodium_malloc failed: out of memory for a \(bytes.count)-byte token")
        }
        storage = pointer
        // Why unsafe: copying into the raw buffer we just allocated, exactly `count` bytes long.
        let buffer = UnsafeMutableRawBufferPointer(start: storage, count: count)
        buffer.copyBytes(from: bytes)
        fingerprint = Fingerprint(of: UnsafeRawBufferPointer(buffer))
        // Read-only from here on: a stray write through a dangling pointer faults instead of corrupting the token.
        sodium_mprotect_readonly(storage)
    }

    deinit {
        // sodium_free zeroes the memory before releasing it; it needs write access back first.
        sodium_mprotect_readwrite(storage)
        sodium_free(storage)
    }

    /// Calls `body` with the token's bytes. The pointer must not escape `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// True when both tokens hold the same bytes, compared in constant time.
    public func isSame(as other: Token) -> Bool {
        guard count == other.count else { return false }
        return withUnsafeBytes { mine in
            other.withUnsafeBytes { theirs in
                sodium_memcmp(mine.baseAddress, theirs.baseAddress, count) == 0
            }
        }
    }

    public var description: String { "<redacted \(fingerprint.short)>" }
    public var debugDescription: String { description }
}

/// A token's public identity: `sha256:` and the first 16 hex digits of its SHA-256.
/// Safe to print, log and store: it cannot be turned back into the token.
public struct Fingerprint: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// `sha256:` followed by 16 lowercase hex digits.
    public let value: String

    public init?(_ value: String) {
        let hex = value.dropFirst("sha256:".count)
        guard value.hasPrefix("sha256:"), hex.count == 16, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        self.value = value
    }

    package init(of bytes: UnsafeRawBufferPointer) {
        Sodium.require()
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
        // Why unsafe: libsodium reads `bytes.count` bytes from the token and writes 32 bytes into `digest`.
        _ = crypto_hash_sha256(&digest, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        value = "sha256:" + digest.prefix(8).map { Hex.padded($0, width: 2) }.joined()
    }

    /// The short form shown in redacted text: `sha256:` and 8 hex digits.
    public var short: String { String(value.prefix("sha256:".count + 8)) }
    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let fingerprint = Fingerprint(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(raw)\" is not a sha256: fingerprint"))
        }
        self = fingerprint
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool { lhs.value < rhs.value }
}
