import FoundationEssentials
import PatrolSecrets
internal import CSodium

/// A GitHub App's private key: the PEM bytes in memory that libsodium allocates (guard pages, locked from
/// swap, zeroed when freed), never a Swift `String`, and never printed (`description` shows the fingerprint).
///
/// The PEM is parsed by libcrypto only for as long as one operation takes (``sign(_:)``), so no parsed copy
/// of the key outlives the call; OpenSSL clears the private numbers when it frees them.
public final class AppPrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // Sendable: every stored property is immutable; the PEM sits in a `Token`, the one owner of guarded memory.
    private let pem: Token
    /// The SHA-256 of the key's public half, as GitHub shows it in the App's settings.
    public let fingerprint: AppKeyFingerprint
    /// The RSA modulus size in bits (GitHub makes 2048-bit keys).
    public let bits: Int

    /// Copies `pem` into guarded memory and checks that libcrypto reads an unencrypted RSA private key from it.
    /// The caller zeroes its own copy afterwards.
    public init(pem: some Collection<UInt8>, origin: AppKeyOrigin) throws(AppKeyError) {
        // Guarded, read-only memory zeroed when freed: the same owner as a token's bytes.
        let held = Token(bytes: pem)
        self.pem = held
        let checked: Result<(bits: Int, der: [UInt8]), AppKeyError> = held.withUnsafeBytes { view in
            guard Self.contains(Array("-----BEGIN ".utf8), in: view) else { return .failure(.notPEM(origin)) }
            if Self.contains(Array("ENCRYPTED".utf8), in: view) { return .failure(.encrypted(origin)) }
            let parsed = LibCrypto.withPrivateKey(pem: view) { key -> (bits: Int?, der: [UInt8]?) in
                (LibCrypto.rsaBits(key), LibCrypto.publicKeyDER(key))
            }
            guard let parsed else { return .failure(.unreadable(origin, reason: LibCrypto.takeError())) }
            guard let bits = parsed.bits else { return .failure(.notRSA(origin)) }
            guard let der = parsed.der else { return .failure(.unreadable(origin, reason: LibCrypto.takeError())) }
            return .success((bits, der))
        }
        let (bits, der) = try checked.get()
        self.bits = bits
        fingerprint = AppKeyFingerprint(publicKeyDER: der)
    }

    /// The RS256 signature of `message` (RSASSA-PKCS1-v1_5 over SHA-256).
    public func sign(_ message: [UInt8]) throws(AppKeyError) -> [UInt8] {
        // Why unsafe: libcrypto reads the PEM straight from guarded memory; the pointer does not escape the call.
        let signature = pem.withUnsafeBytes { view in
            LibCrypto.withPrivateKey(pem: view) { key in LibCrypto.signRS256(message, with: key) }
        }
        guard let signature = signature.flatMap({ $0 }) else { throw .signingFailed(reason: LibCrypto.takeError()) }
        return signature
    }

    /// Calls `body` with the PEM bytes (to seal them as a secret). The pointer must not escape `body`.
    public func withUnsafePEM<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try pem.withUnsafeBytes(body)
    }

    public var description: String { "<redacted private key \(fingerprint)>" }
    public var debugDescription: String { description }

    private static func contains(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if needle.indices.allSatisfy({ haystack[start + $0] == needle[$0] }) { return true }
        }
        return false
    }
}

/// An App key's public identity, `SHA256:` and the standard base64 of the SHA-256 of its public half (DER
/// `SubjectPublicKeyInfo`) — the string GitHub lists beside each private key in the App's settings, so a
/// user can tell which key to delete. Safe to print and store.
public struct AppKeyFingerprint: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    init(publicKeyDER der: [UInt8]) {
        Sodium.require()
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
        // Why unsafe: libsodium reads `der.count` bytes and writes 32 bytes into `digest`.
        _ = crypto_hash_sha256(&digest, der, UInt64(der.count))
        value = "SHA256:" + AppBase64.encode(digest, urlSafe: false)
    }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
}
