"""Independent check of an evidence token with jwcrypto (Debian python3-jwcrypto).

Usage: /usr/bin/python3 verify_evidence.py PUBLIC_JWK_JSON AUDIENCE < token
Prints the verified header and claims as JSON; exits 1 with a message on any failure.
"""
import json
import sys

from jwcrypto import jwk, jws, jwt


def main() -> int:
    public = jwk.JWK.from_json(sys.argv[1])
    audience = sys.argv[2]
    token = sys.stdin.read().strip()
    try:
        verified = jwt.JWT(
            jwt=token,
            key=public,
            algs=["ES256"],
            check_claims={"aud": audience, "exp": None, "iat": None, "jti": None},
        )
    except (jws.InvalidJWSSignature, jwt.JWTExpired, jwt.JWTMissingClaim, jwt.JWTInvalidClaimValue, ValueError) as e:
        print(f"verification failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    header = json.loads(verified.header)
    claims = json.loads(verified.claims)
    print(json.dumps({"header": header, "claims": claims, "thumbprint": public.thumbprint()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
