internal import CSodium

/// libsodium's sealed box, the encryption GitHub requires for an Actions secret's value.
public enum SealedBox {
    /// Seals `token` for the repository whose Actions public key (standard base64 of 32 bytes) is `publicKey`,
    /// and returns the sealed value in standard base64, ready for `encrypted_value`.
    public static func seal(_ token: Token, publicKey: String) throws(SealingError) -> String {
        Sodium.require()
        let key = try decodePublicKey(publicKey)
        var sealed = [UInt8](repeating: 0, count: token.count + crypto_box_sealbytes())
        let status = token.withUnsafeBytes { message in
            // Why unsafe: libsodium reads `message.count` bytes of the token and the 32-byte key, and writes
            // exactly `count + crypto_box_sealbytes()` bytes into `sealed`, which is that long.
            crypto_box_seal(&sealed, message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count), key)
        }
        guard status == 0 else { throw .sealFailed }
        return StandardBase64.encode(sealed)
    }

    /// The 32 key bytes in `publicKey`, or why GitHub's key is unusable.
    package static func decodePublicKey(_ publicKey: String) throws(SealingError) -> [UInt8] {
        let key: [UInt8]
        do {
            key = try StandardBase64.decode(publicKey)
        } catch .urlSafeAlphabet {
            throw .urlSafeAlphabet
        } catch {
            throw .notBase64(detail: describe(error))
        }
        guard key.count == crypto_box_publickeybytes() else { throw .wrongKeyLength(actual: key.count) }
        return key
    }

    private static func describe(_ error: StandardBase64.DecodingError) -> String {
        switch error {
        case .empty: "it is empty"
        case .whitespace(let position): "it contains whitespace at position \(position)"
        case .urlSafeAlphabet: "it uses the URL-safe alphabet"
        case .invalidCharacter(let position): "the character at position \(position) is not in the base64 alphabet"
        case .missingPadding(let length): "its length, \(length), is not a multiple of 4 (the '=' padding is missing)"
        case .misplacedPadding(let position): "its '=' padding is misplaced at position \(position)"
        case .nonCanonical: "its last character has bits set that base64 padding leaves zero"
        }
    }
}

/// Why a token could not be sealed. The public key is not secret, but messages quote none of it anyway.
public enum SealingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key is not strict standard base64; `detail` says where.
    case notBase64(detail: String)
    /// The key uses `-` or `_`, the URL-safe alphabet, which GitHub never sends.
    case urlSafeAlphabet
    /// The key decodes to `actual` bytes instead of 32.
    case wrongKeyLength(actual: Int)
    /// libsodium refused to seal.
    case sealFailed

    public var description: String {
        switch self {
        case .notBase64(let detail):
            "the Actions public key GitHub sent is malformed: it is not standard base64 (\(detail)); nothing was uploaded — retry, and report it if it persists"
        case .urlSafeAlphabet:
            "the Actions public key GitHub sent is malformed: it uses the URL-safe base64 alphabet ('-' or '_') instead of the standard one; nothing was uploaded — retry, and report it if it persists"
        case .wrongKeyLength(let actual):
            "the Actions public key GitHub sent is malformed: it decodes to \(actual) bytes, not the 32 of a sealed-box key; nothing was uploaded — retry, and report it if it persists"
        case .sealFailed:
            "libsodium could not seal the token with the repository's public key; nothing was uploaded — retry, and report it if it persists"
        }
    }
}
