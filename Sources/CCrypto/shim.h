// OpenSSL's libcrypto, as Swift sees it, for one purpose only: RS256 (RSA PKCS#1 v1.5 with SHA-256)
// signatures of GitHub App JWTs and their verification in the simulator (spec §1, §10).
//
// Nothing here is wrapped: every call patrol makes (PEM_read_bio_PrivateKey, EVP_DigestSign*,
// EVP_DigestVerify*, i2d_PUBKEY, ERR_*) is a plain C function Swift can call directly. The one macro
// patrol needs, EVP_PKEY_RSA, is a plain integer and imports as is. All logic is Swift
// (Sources/PatrolCore/App, Sources/GitHubSimulator/Apps).
#ifndef PATROL_CCRYPTO_SHIM_H
#define PATROL_CCRYPTO_SHIM_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#endif
