"""One delivery of a notification on one channel: its attempts, its retries with exponential
backoff and jitter, and its parking after the last attempt (the dead-letter store an operator
re-delivers from). Pure: times are ISO-8601 UTC text; randomness is passed in."""
import datetime as dt
import random
from dataclasses import dataclass

from simpul_common import contracts

STATUSES = ("pending", "sending", "delivered", "parked")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 10.0      # first retry after about this long
    max_seconds: float = 3600.0     # never wait longer than this between attempts

    def delay(self, failures: int, rand: random.Random | None = None) -> float:
        """Seconds before the next attempt after `failures` failed ones: exponential, capped,
        with jitter (between half and all of it), so many failed deliveries do not all
        retry at the same moment."""
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** min(failures - 1, 40))
        return ceiling * (0.5 + 0.5 * (rand or random).random())


def later(instant: str, seconds: float) -> str:
    moment = dt.datetime.fromisoformat(instant) + dt.timedelta(seconds=seconds)
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")


def claimed(now: str) -> dict:
    """The fields of a delivery a worker has taken for sending. Stored the same way whether
    claimed by a conditional write or at insertion, so a claim older than the claim timeout
    (its worker died) is taken over by the sweep either way."""
    return {"status": "sending", "claimed_at": now}


def outcome(record: dict, result: dict, at: str, policy: RetryPolicy,
            rand: random.Random | None = None) -> tuple[dict, dict]:
    """The fields to set after one attempt, and the attempt as the delivery log keeps it.
    `result`: {"ok": bool, "status_code"?: int, "error"?: str, "latency_ms": float}."""
    attempt = {"at": at, "ok": bool(result["ok"]), "latency_ms": result.get("latency_ms"),
               **{k: result[k] for k in ("status_code", "error") if result.get(k) is not None}}
    failures = record.get("attempt_count", 0) + 1
    if result["ok"]:
        return {"status": "delivered", "delivered_at": at, "attempt_count": failures,
                "next_attempt_at": None, "last_error": None}, attempt
    error = result.get("error") or f"HTTP {result.get('status_code')}"
    if failures >= policy.max_attempts:
        return {"status": "parked", "parked_at": at, "attempt_count": failures,
                "next_attempt_at": None, "last_error": error}, attempt
    return {"status": "pending", "attempt_count": failures, "last_error": error,
            "next_attempt_at": later(at, policy.delay(failures, rand))}, attempt


def masked_destination(record: dict) -> str:
    """Where it went, as other services may read it: an e-mail address is a person's data,
    so only its first letter and its domain show."""
    destination = record["destination"]
    if record["channel"] == "email" and "@" in destination:
        local, domain = destination.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return destination


def delivered_event(record: dict) -> dict:
    """`notification.delivered` for a delivery to an OPD system or person (not the inbox)."""
    event = contracts.NotificationDelivered(
        notification_id=record["_id"], report_id=record["report_id"],
        opd_code=record.get("opd_code") or "", channel=record["channel"],
        destination=masked_destination(record), cause=record["cause"],
        delivered_at=record["delivered_at"])
    return event.envelope(contracts.stable_id(record["_id"], event.type), record["delivered_at"])


def view(record: dict) -> dict:
    """A delivery as the operations API shows it (the payload stays inside)."""
    shown = {k: record.get(k) for k in (
        "cause", "event_type", "kind", "report_id", "kabupaten_code", "opd_code", "posyandu_id",
        "channel", "status", "attempt_count", "next_attempt_at", "created_at", "delivered_at",
        "parked_at", "last_error", "recipient")}
    return {"id": record["_id"], **shown, "destination": masked_destination(record),
            "attempts": list(record.get("attempts", []))}
