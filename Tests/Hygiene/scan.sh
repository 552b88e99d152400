#!/usr/bin/env bash
# Scans every file under the folders given for the marker that test tokens carry (TestTokens.marker), and for any
# RSA private key (the GitHub App keys tests make with openssl: the PKCS#1 armour, or the base64 that begins an RSA
# private key's DER in PKCS#1 or PKCS#8, which a public key never holds), and fails when any file holds either.
# (The TLS tests' throw-away EC keys and their deliberately malformed PEM files are not RSA keys: not matched.)
# Files ending in .token-input hold a token or key on purpose (token-file and key-file inputs) and are skipped.
# Usage: scan.sh FOLDER...    Environment: MARKER (default PATROLMARK).
set -euo pipefail
marker="${MARKER:-PATROLMARK}"
# An RSA private key, PEM armour or body: "-----BEGIN RSA PRIVATE KEY-----", or the DER prefixes version 0 +
# 2048-bit modulus (PKCS#1: MIIE..IBAAKCAQEA) and rsaEncryption PrivateKeyInfo (PKCS#8: ..IBADANBgkqhkiG9w0BAQEFAASC).
private_key='RSA PRIVATE KEY-----|IBAAKCAQEA|IBADANBgkqhkiG9w0BAQEFAASC'
[ "$#" -gt 0 ] || { echo "usage: $0 FOLDER..." >&2; exit 2; }
files=0 bytes=0 hits=()
while IFS= read -r -d '' file; do
    files=$((files + 1))
    bytes=$((bytes + $(stat -c %s "$file")))
    if grep -qaF -- "$marker" "$file" || grep -qaE -- "$private_key" "$file"; then hits+=("$file"); fi
done < <(find "$@" -type f ! -name '*.token-input' -print0)
skipped=$(find "$@" -type f -name '*.token-input' | wc -l)
echo "hygiene scan: $files files, $bytes bytes scanned for the test-token marker and private keys ($skipped deliberate token inputs skipped): ${#hits[@]} hits"
if [ "${#hits[@]}" -gt 0 ]; then
    printf 'hygiene scan: a test token or private key leaked into %s\n' "${hits[@]}" >&2
    exit 1
fi
