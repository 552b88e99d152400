import FoundationEssentials
internal import CCrypto

/// RS256 verification with libcrypto, the simulator's own (it shares no code with patrol's signing).
enum SimulatorRSA {
    /// True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message` under the PEM public key.
    static func verify(_ signature: [UInt8], of message: [UInt8], publicKeyPEM: String) -> Bool {
        let pem = Array(publicKeyPEM.utf8)
        return pem.withUnsafeBytes { buffer -> Bool in
            // Why unsafe: a read-only memory BIO over `pem`'s bytes, alive only inside this closure.
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return false }
            defer { BIO_free(bio) }
            // Why unsafe: OpenSSL parses the public key from the BIO; we own the result and free it below.
            guard let key = PEM_read_bio_PUBKEY(bio, nil, nil, nil) else {
                ERR_clear_error()
                return false
            }
            defer { EVP_PKEY_free(key) }
            guard let context = EVP_MD_CTX_new() else { return false }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else {
                ERR_clear_error()
                return false
            }
            // Why unsafe: libcrypto reads exactly `signature.count` and `message.count` bytes from the arrays.
            let result = EVP_DigestVerify(context, signature, signature.count, message, message.count)
            ERR_clear_error()
            return result == 1
        }
    }
}
