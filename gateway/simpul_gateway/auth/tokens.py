"""Access tokens: JSON Web Tokens signed with HMAC-SHA256 (RFC 7519), made with the standard
library. Only our own tokens are accepted: the header must be exactly `{"alg": "HS256",
"typ": "JWT"}` (never `none`, never another algorithm), the signature is compared in constant
time, `exp` is required and `iat` may not lie in the future."""
import base64
import binascii
import hashlib
import hmac
import json
import re

HEADER = {"alg": "HS256", "typ": "JWT"}
SKEW_SECONDS = 30   # clocks of the gateway's replicas may differ this much
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class InvalidToken(ValueError):
    """The token is malformed, not ours, tampered with or expired."""


def issue(person: dict, secret: str, minutes: int, now: float) -> str:
    """A token for `person` (its `id` and `role`), valid `minutes` from `now` (epoch seconds)."""
    issued = int(now)
    claims = {"sub": person["id"], "role": person["role"], "iat": issued,
              "exp": issued + minutes * 60}
    signing_input = f"{_encode(HEADER)}.{_encode(claims)}"
    return f"{signing_input}.{_b64(_signature(signing_input, secret))}"


def verify(token: str, secret: str, now: float) -> dict:
    """The claims of a valid token; else InvalidToken."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise InvalidToken("not a JWT")
    header, body, signature = parts
    if _decode(header) != HEADER:
        raise InvalidToken("only HS256 JWTs are accepted")
    if not hmac.compare_digest(_signature(f"{header}.{body}", secret), _unb64(signature)):
        raise InvalidToken("bad signature")
    claims = _decode(body)
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise InvalidToken("no subject")
    if not _instant(claims.get("exp")) or now >= claims["exp"]:
        raise InvalidToken("expired")
    if not _instant(claims.get("iat")) or claims["iat"] > now + SKEW_SECONDS:
        raise InvalidToken("issued in the future")
    return claims


def _signature(signing_input: str, secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()


def _instant(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _encode(part: dict) -> str:
    return _b64(json.dumps(part, separators=(",", ":")).encode("utf-8"))


def _decode(part: str):
    try:
        return json.loads(_unb64(part))
    except (ValueError, UnicodeDecodeError):
        raise InvalidToken("undecodable part") from None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text):
        raise InvalidToken("not base64url")
    try:
        return base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("not base64url") from None
