"""Sealing of citizens' personal data (UU PDP No. 27/2022) with AES-256-GCM.

The gateway seals what a kader typed about a citizen before it leaves the process; intake
stores the sealed token as it came and opens it only to answer an authorised read. The key
comes from the environment (`SIMPUL_DATA_KEY`, 32 bytes, base64url); demo mode derives one.
"""
import base64
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"s1"


class SealError(ValueError):
    pass


def load_key(value: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        raise SealError("SIMPUL_DATA_KEY is not base64url") from None
    if len(key) != 32:
        raise SealError("SIMPUL_DATA_KEY must decode to 32 bytes")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def seal(key: bytes, data: dict, context: str) -> str:
    """`context` (the report id) is bound as associated data: a token cannot be moved to
    another report."""
    nonce = os.urandom(12)
    plain = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    token = _VERSION + nonce + AESGCM(key).encrypt(nonce, plain, context.encode())
    return base64.urlsafe_b64encode(token).decode()


def open_sealed(key: bytes, token: str, context: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(token)
        if raw[:2] != _VERSION:
            raise SealError("unknown seal version")
        plain = AESGCM(key).decrypt(raw[2:14], raw[14:], context.encode())
    except SealError:
        raise
    except Exception:
        raise SealError("sealed data cannot be opened with this key") from None
    return json.loads(plain)


def reveal_context(report_id: str, part: str = "citizen") -> str:
    """The context of a seal intake makes for one reader's answer (the full citizen, or an
    export's description), so no personal data crosses the broker in clear; the gateway opens
    it with the same key."""
    return f"{report_id}:reveal" if part == "citizen" else f"{report_id}:reveal:{part}"


PERSON_PHONE = "person.phone"   # the context of a staff member's sealed phone number


def looks_sealed(value) -> bool:
    """Whether `value` is a token of `seal`: base64url of the version mark, a nonce and at
    least a tag (not whether it opens)."""
    if not isinstance(value, str) or len(value) < 40 or not value.startswith("cz"):
        return False
    try:
        raw = base64.urlsafe_b64decode(value)
    except (ValueError, TypeError):
        return False
    return raw[:2] == _VERSION and len(raw) >= 2 + 12 + 16


def keyed_hash(key: bytes, purpose: str, value: str) -> str:
    """A look-up handle for a personal value (e.g. NIK) that does not reveal it."""
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
