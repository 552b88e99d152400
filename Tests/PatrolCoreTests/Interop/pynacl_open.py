#!/usr/bin/env python3
"""Opens patrol's sealed boxes with PyNaCl, an implementation independent of patrol's.

Protocol (driven by PyNaClInteropTests.swift):
  1. prints a fresh public key, standard base64, on the first line of stdout;
  2. reads sealed values (standard base64), one per line, from stdin until it closes;
  3. for each, prints "<plaintext in standard base64> <check>" where check is, for a ghp_ token,
     "crc-ok" or "crc-bad" (its checksum recomputed with zlib), and "-" otherwise.
Exit 3 when PyNaCl is missing, 4 when a box does not open.
"""
import base64
import binascii
import sys
import zlib

try:
    from nacl.public import PrivateKey, SealedBox
    from nacl.exceptions import CryptoError
except ImportError:
    sys.stderr.write("PyNaCl is not installed (make test installs it with: pip install pynacl)\n")
    sys.exit(3)

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(value):
    digits = ""
    while value:
        digits = BASE62[value % 62] + digits
        value //= 62
    return digits.rjust(6, "0")


def classic_check(plaintext):
    if not plaintext.startswith(b"ghp_"):
        return "-"
    body, checksum = plaintext[4:34], plaintext[34:]
    return "crc-ok" if len(plaintext) == 40 and base62(zlib.crc32(body)) == checksum.decode("ascii", "replace") else "crc-bad"


def main():
    private_key = PrivateKey.generate()
    print(base64.standard_b64encode(bytes(private_key.public_key)).decode("ascii"), flush=True)
    box = SealedBox(private_key)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            plaintext = box.decrypt(base64.b64decode(line, validate=True))
        except (CryptoError, binascii.Error) as error:
            sys.stderr.write(f"a sealed value did not open: {error}\n")
            sys.exit(4)
        print(base64.standard_b64encode(plaintext).decode("ascii"), classic_check(plaintext), flush=True)


if __name__ == "__main__":
    main()
