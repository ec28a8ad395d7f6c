"""How people and machine clients prove who they are: scrypt password hashes, usernames, and
API keys `sk_<key id>_<secret>` stored only as a SHA-256 (see docs/security.md)."""
import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import uuid

from .checks import Problems

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
SCRYPT_MAX_MEMORY = 64 * 1024 * 1024
MIN_PASSWORD, MAX_PASSWORD = 10, 200
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,62}")
SCOPES = ("cases:read", "cases:act")
_KEY = re.compile(r"sk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")

# The hash of a password nobody knows: checked when the username does not exist, so a
# refusal takes as long for an unknown user as for a wrong password.
DUMMY_HASH = ("scrypt$16384$8$1$m7ig2OO0kTd8I0penaf/Dw==$"
              "bVFTv63Qkuo1hiNAs2NeO9nraTg77ZiOswlOiEJh0fo=")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash; a malformed hash matches nothing."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p),
                         len(expected))
    except (AttributeError, TypeError, ValueError, binascii.Error, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = HASH_BYTES) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=SCRYPT_MAX_MEMORY, dklen=length)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def checked_password(value, problems: Problems, field: str = "password"):
    """A password as given (never stripped: spaces count), or None with a problem."""
    if not isinstance(value, str) or not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        problems.add(field, f"kata sandi harus {MIN_PASSWORD}–{MAX_PASSWORD} karakter")
        return None
    return value


def checked_username(value, problems: Problems, field: str = "username"):
    if not isinstance(value, str) or not USERNAME.fullmatch(value):
        problems.add(field, "nama pengguna harus 3–63 huruf kecil, angka, titik, garis bawah "
                            "atau tanda hubung, diawali huruf atau angka")
        return None
    return value


def checked_scopes(value, problems: Problems, field: str = "scopes"):
    """A non-empty subset of SCOPES, in SCOPES order."""
    if not isinstance(value, list) or not value or not all(s in SCOPES for s in value):
        problems.add(field, f"harus daftar tak kosong dari {', '.join(SCOPES)}")
        return None
    return [s for s in SCOPES if s in value]


def new_api_key() -> tuple[str, str, str]:
    """(key id, secret, the whole key `sk_<key id>_<secret>`), shown to the client once."""
    key_id, secret = uuid.uuid4().hex[:12], secrets.token_urlsafe(32)
    return key_id, secret, f"sk_{key_id}_{secret}"


def key_hash(full_key: str) -> str:
    """A random 32-byte secret needs no slow hash: SHA-256 of the whole key."""
    return hashlib.sha256(full_key.encode("utf-8")).hexdigest()


def parse_key(full_key) -> str | None:
    """The key id of a well-formed key, else None."""
    match = _KEY.fullmatch(full_key) if isinstance(full_key, str) else None
    return match.group(1) if match else None


def key_matches(full_key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(full_key), stored_hash)
