internal import CCrypto

/// The few libcrypto calls patrol makes, for RS256 only: read an RSA private key from PEM, sign with it,
/// and export its public half. Each C object has one owner here and is freed before the call returns.
enum LibCrypto {
    /// The oldest error libcrypto queued on this thread, as text, and the queue cleared; "unknown error" when empty.
    static func takeError() -> String {
        let code = ERR_get_error()
        defer { ERR_clear_error() }
        guard code != 0 else { return "unknown error" }
        var buffer = [CChar](repeating: 0, count: 256)
        // Why unsafe: ERR_error_string_n writes at most `buffer.count` bytes, NUL included, into the array's storage.
        buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // "error:1E08010C:DECODER routines::unsupported" → "DECODER routines::unsupported"
        return text.split(separator: ":", maxSplits: 2).last.map(String.init) ?? text
    }

    /// Parses the PEM private key in `pem` (PKCS#1 or PKCS#8, unencrypted) and calls `body` with it.
    /// The key object lives only for the call; OpenSSL clears its private numbers when it frees it.
    /// Returns nil (with the reason in ``takeError()``) when the bytes hold no key libcrypto can read.
    static func withPrivateKey<R>(pem: UnsafeRawBufferPointer, _ body: (OpaquePointer) throws -> R) rethrows -> R? {
        guard let base = pem.baseAddress, pem.count > 0, pem.count < Int(Int32.max) else { return nil }
        ERR_clear_error()
        // Why unsafe: a read-only memory BIO over the caller's buffer (no copy), alive only inside this function,
        // which the buffer outlives.
        guard let bio = BIO_new_mem_buf(base, Int32(pem.count)) else { return nil }
        defer { BIO_free(bio) }
        // The password callback refuses: an encrypted key must fail here, never prompt on the terminal.
        // Why unsafe: OpenSSL reads the PEM from the BIO and returns a key we own (freed below) or NULL.
        guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil) else { return nil }
        defer { EVP_PKEY_free(key) }
        return try body(key)
    }

    /// True when `key` is an RSA key; its size in bits.
    static func rsaBits(_ key: OpaquePointer) -> Int? {
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else { return nil }
        return Int(EVP_PKEY_get_bits(key))
    }

    /// The key's public half as DER `SubjectPublicKeyInfo` (what `openssl rsa -pubout -outform DER` writes).
    static func publicKeyDER(_ key: OpaquePointer) -> [UInt8]? {
        // Why unsafe: with a NULL output pointer i2d_PUBKEY only returns the length it needs.
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            // Why unsafe: i2d_PUBKEY writes exactly `length` bytes at `cursor` (the array's storage) and advances it.
            return i2d_PUBKEY(key, &cursor)
        }
        return written == length ? der : nil
    }

    /// RS256: the RSASSA-PKCS1-v1_5 signature of `message` with SHA-256, or nil (reason in ``takeError()``).
    static func signRS256(_ message: [UInt8], with key: OpaquePointer) -> [UInt8]? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        // RSA keys sign with PKCS#1 v1.5 padding unless told otherwise, which is what RS256 is.
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else { return nil }
        var length = 0
        // Why unsafe: with a NULL signature buffer EVP_DigestSign only reports the size it needs in `length`.
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1, length > 0 else { return nil }
        var signature = [UInt8](repeating: 0, count: length)
        // Why unsafe: EVP_DigestSign writes at most `length` bytes into the array's storage and sets `length` to the count.
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else { return nil }
        return Array(signature.prefix(length))
    }
}
