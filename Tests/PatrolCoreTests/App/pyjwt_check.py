#!/usr/bin/env python3
"""The independent RS256 implementation patrol's App JWTs are checked against: PyJWT with `cryptography`.

    pyjwt_check.py verify PUBLIC_KEY.pem APP_ID   < JWT    -> the claims as JSON, after PyJWT verified them
    pyjwt_check.py sign PRIVATE_KEY.pem APP_ID [EXP_SECONDS]  -> a JWT as GitHub's docs make one (iat now-60)

`make test` installs PyJWT into .build/venv. The JWT travels on stdin/stdout, never in argv.
"""
import json
import sys
import time

import jwt  # PyJWT


def main() -> int:
    mode, key_path, app_id = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(key_path, "rb") as handle:
        key = handle.read()
    if mode == "verify":
        token = sys.stdin.readline().strip()
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, key, algorithms=["RS256"], issuer=app_id,
                            options={"require": ["iat", "exp", "iss"]})
        print(json.dumps({"header": header, "claims": claims, "now": int(time.time())}))
        return 0
    if mode == "sign":
        lifetime = int(sys.argv[4]) if len(sys.argv) > 4 else 540
        now = int(time.time())
        print(jwt.encode({"iat": now - 60, "exp": now + lifetime, "iss": app_id}, key, algorithm="RS256"))
        return 0
    print(f"unknown mode {mode}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
