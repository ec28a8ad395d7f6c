"""Signed webhooks, as Simpul sends them and an OPD checks them (docs/notifications.md).

Each POST carries `X-Simpul-Signature: t=<unix seconds>,v1=<hex>` where the hex is
HMAC-SHA256 over `"<t>.<raw body>"` with the OPD's webhook secret. A receiver recomputes it,
compares in constant time, and refuses a timestamp outside its replay window (default 5
minutes), so a captured request cannot be replayed later. The OPD's secret is derived from
Simpul's `SIMPUL_WEBHOOK_KEY` and the OPD code: nothing secret is stored in a database."""
import hashlib
import hmac
import time
from typing import Optional

SIGNATURE_HEADER = "X-Simpul-Signature"
NOTIFICATION_HEADER = "X-Simpul-Notification-Id"
TYPE_HEADER = "X-Simpul-Event"
REPLAY_WINDOW_SECONDS = 300


def opd_secret(master_key: str, opd_code: str) -> str:
    """The webhook secret of one OPD (hex), derived from Simpul's master key."""
    return hmac.new(master_key.encode(), f"webhook:{opd_code}".encode(), hashlib.sha256).hexdigest()


def signature(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def sign(secret: str, body: bytes, now: Optional[float] = None) -> str:
    return signature(secret, body, int(now if now is not None else time.time()))


class BadSignature(ValueError):
    pass


def verify(secret: str, body: bytes, header: Optional[str], now: Optional[float] = None,
           window: int = REPLAY_WINDOW_SECONDS) -> int:
    """The signed timestamp if `header` signs `body` with `secret` within the replay window;
    BadSignature saying why otherwise."""
    if not header:
        raise BadSignature(f"no {SIGNATURE_HEADER} header")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise BadSignature("malformed signature header") from None
    current = now if now is not None else time.time()
    if abs(current - timestamp) > window:
        raise BadSignature("timestamp outside the replay window")
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        raise BadSignature("signature does not match")
    return timestamp
