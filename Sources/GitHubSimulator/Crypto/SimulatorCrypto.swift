internal import CSodium
import FoundationEssentials

/// The simulator's own libsodium calls: key pairs, opening sealed boxes, strict base64.
///
/// Written independently of PatrolCore so that the simulator checks patrol's sealing rather than sharing it.
public enum SimulatorCrypto {
    /// `sodium_init` once, thread-safely, on first use (a `static let` is initialised atomically).
    static let ready: Bool = sodium_init() >= 0

    static func require() {
        precondition(ready, "libsodium failed to initialise (sodium_init returned -1)")
    }

    /// A fresh Curve25519 key pair from `crypto_box_keypair`.
    static func makeKeyPair() -> KeyPair {
        require()
        var publicKey = [UInt8](repeating: 0, count: crypto_box_publickeybytes())
        var secretKey = [UInt8](repeating: 0, count: crypto_box_secretkeybytes())
        // why: both buffers are preallocated to the sizes libsodium reports for these outputs.
        let status = crypto_box_keypair(&publicKey, &secretKey)
        precondition(status == 0, "crypto_box_keypair failed")
        return KeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// Opens a sealed box with the key pair it was sealed for; `nil` when it does not open.
    static func open(_ ciphertext: [UInt8], with keyPair: KeyPair) -> [UInt8]? {
        require()
        let overhead = crypto_box_sealbytes()
        guard ciphertext.count >= overhead else { return nil }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count - overhead)
        // why: the output buffer is exactly ciphertext length minus the seal overhead, as libsodium requires.
        let status = crypto_box_seal_open(
            &plaintext, ciphertext, UInt64(ciphertext.count), keyPair.publicKey, keyPair.secretKey
        )
        return status == 0 ? plaintext : nil
    }

    /// Seals `plaintext` for a standard-base64 public key and returns the standard-base64 ciphertext.
    ///
    /// Only the simulator's own tests use this; patrol seals with its own code.
    public static func seal(_ plaintext: String, publicKeyBase64: String) -> String? {
        require()
        guard let publicKey = decodeBase64(publicKeyBase64), publicKey.count == crypto_box_publickeybytes() else {
            return nil
        }
        let message = Array(plaintext.utf8)
        var ciphertext = [UInt8](repeating: 0, count: message.count + crypto_box_sealbytes())
        // why: the output buffer is message length plus the seal overhead; the key length was checked above.
        let status = crypto_box_seal(&ciphertext, message, UInt64(message.count), publicKey)
        guard status == 0 else { return nil }
        return encodeBase64(ciphertext)
    }

    /// Decodes standard base64 with padding (GitHub's alphabet); `nil` for anything else, URL-safe included.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        require()
        let encoded = Array(text.utf8)
        guard !encoded.isEmpty else { return [] }
        var decoded = [UInt8](repeating: 0, count: encoded.count / 4 * 3 + 3)
        var length = 0
        // why: `decoded` is large enough for any decoding of `encoded`; a nil end pointer makes libsodium
        // reject input it cannot parse completely.
        let status = encoded.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { chars in
                sodium_base642bin(
                    &decoded, decoded.count, chars.baseAddress, chars.count,
                    nil, &length, nil, Int32(sodium_base64_VARIANT_ORIGINAL)
                )
            }
        }
        guard status == 0 else { return nil }
        return Array(decoded.prefix(length))
    }

    /// Encodes bytes as standard base64 with padding.
    static func encodeBase64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}

/// A repository's Curve25519 key pair.
///
/// The secret key sits in ordinary memory: the simulator is a test double and holds no real secret.
struct KeyPair: Sendable, Equatable {
    let publicKey: [UInt8]
    let secretKey: [UInt8]
}
