import FoundationEssentials
internal import CCrypto

extension GitHubSimulator {
    /// A new 2048-bit RSA key pair, as "Generate a private key" in an App's settings makes one: the private key as
    /// GitHub downloads it (PKCS#1 PEM, `BEGIN RSA PRIVATE KEY`), as bytes for the caller to keep in guarded memory
    /// and wipe, and the public half (`BEGIN PUBLIC KEY`) for ``addApp(id:slug:publicKeyPEM:permissions:)``.
    /// For `patrol demo`, which has no `openssl` command to call; nil when libcrypto fails.
    public static func generateAppKeyPair() -> (privateKeyPEM: [UInt8], publicKeyPEM: String)? {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2048) == 1 else { return nil }
        // Why unsafe: libcrypto allocates the key into `key`; it is freed below.
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(context, &key) == 1, let key else { return nil }
        defer { EVP_PKEY_free(key) }
        guard let privateKey = pem({ PEM_write_bio_PrivateKey_traditional($0, key, nil, nil, 0, nil, nil) }),
              let publicKey = pem({ PEM_write_bio_PUBKEY($0, key) }) else { return nil }
        return (privateKey, String(decoding: publicKey, as: UTF8.self))
    }

    /// What `write` puts into a memory BIO, read back as bytes.
    private static func pem(_ write: (OpaquePointer) -> Int32) -> [UInt8]? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        // The BIO is ours; freeing it clears its buffer (OpenSSL frees a memory BIO with OPENSSL_clear_free).
        defer { BIO_free_all(bio) }
        guard write(bio) == 1 else { return nil }
        let count = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: count)
        // Why unsafe: libcrypto copies at most `count` bytes into the array it was given.
        guard BIO_read(bio, &bytes, Int32(count)) == Int32(count) else { return nil }
        return bytes
    }
}
