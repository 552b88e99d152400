import PatrolSecrets
internal import CSodium

/// Base64 through libsodium: the URL-safe alphabet without padding that JWTs use (RFC 7515), or the
/// standard alphabet with padding for key fingerprints.
enum AppBase64 {
    static func encode(_ bytes: [UInt8], urlSafe: Bool) -> String {
        Array(encodedBytes(bytes, urlSafe: urlSafe)).withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// The encoding as bytes, for a JWT that must not become a `String`.
    static func encodedBytes(_ bytes: [UInt8], urlSafe: Bool) -> [UInt8] {
        Sodium.require()
        let variant = urlSafe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL
        let length = sodium_base64_encoded_len(bytes.count, variant)
        var output = [UInt8](repeating: 0, count: length)
        // Why unsafe: sodium_bin2base64 writes at most `length` bytes (NUL included) into `output`'s storage.
        output.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                _ = sodium_bin2base64(characters.baseAddress!, length, bytes, bytes.count, variant)
            }
        }
        return Array(output.prefix { $0 != 0 })
    }
}
