"""Notification's use cases: turn each case event into deliveries and inbox items, send them
once, retry what failed, park what keeps failing; let operators look, retry and pause.

Answers to callers follow the error-result shape of the registry (docs/registry-rpc.md)."""
import datetime as dt
import logging
import os

from simpul_common import contracts, metrics
from simpul_common.publishing import publish_all

from .domain import delivery as domain
from .domain.plan import CHANNELS, RABBITMQ, audience, plan

log = logging.getLogger(__name__)
ATTEMPT_OUTCOMES = {"delivered": "delivered", "pending": "retry", "parked": "parked"}
# a delivery claimed by a worker that died is taken over after this long
CLAIM_TIMEOUT = dt.timedelta(seconds=float(os.environ.get("DELIVERY_CLAIM_SECONDS", "60")))
MAX_PER_PAGE = 200
FILTERS = ("status", "opd_code", "kabupaten_code", "channel", "report_id", "kind")


def error(status: int, field: str, message: str) -> dict:
    return {"status": status, "errors": [{"field": field, "message": message}]}


def _stale_before(now: str) -> str:
    return domain.later(now, -CLAIM_TIMEOUT.total_seconds())


# --- events ---------------------------------------------------------------------------------

def handle_events(batch: list[contracts.Received], recipients, deliveries, courier, publish,
                  case_url_base: str, now: str, paused=None) -> list[dict]:
    """Store who is to hear of each event (once, however often it arrives), then send: the
    OPD's queue at once, webhooks and e-mail on the courier's own threads. The messages may be
    acknowledged on return: every delivery is stored and will be sent, retried or parked.
    A few round trips for the whole batch: new queue deliveries are stored already claimed,
    sent, and finished in one write. `paused()` answers the paused channel keys (the service
    keeps them a second, so the hot path does not read them for every batch)."""
    plans = [_plan(received, recipients, case_url_base, now) for received in batch]
    # copies of one event in a batch plan the same records: one of each
    records = list({r["_id"]: r for planned, _ in plans for r in planned}.values())
    paused = (paused or deliveries.paused)() if records else set()
    ready = [r for r in records if r["channel_key"] not in paused]
    claimed = {r["_id"]: {**r, **domain.claimed(now)} for r in ready if r["channel"] == RABBITMQ}
    deliveries.add_to_inbox([item for _, items in plans for item in items])
    seen_before = set(deliveries.add([claimed.get(r["_id"], r) for r in records]))
    # redelivered events: announce again what was delivered (same ids), and send it no more
    delivered = deliveries.delivered_among(sorted(seen_before)) if seen_before else []
    publish_all(publish, [domain.delivered_event(record) for record in delivered])
    fresh = claimed.keys() - seen_before
    send([claimed[nid] for nid in claimed if nid in fresh], deliveries, courier, publish)
    done = fresh | {record["_id"] for record in delivered}
    for record in ready:   # the slow channels, and what a redelivered event stored before
        if record["_id"] not in done:
            dispatch(record["_id"], deliveries, courier, publish, now,
                     inline=record["channel"] == RABBITMQ, destination=record["destination"])
    return records


def _plan(received: contracts.Received, recipients, case_url_base: str,
          now: str) -> tuple[list[dict], list[dict]]:
    event = received.message
    kind, who = audience(event)
    opd_code = getattr(event, "opd_code", None)
    opd = None
    if who.get("opd") and opd_code:   # an OPD the registry does not know still has its queue
        opd = recipients.opd(opd_code) or {"id": opd_code, "channels": [
            {"type": RABBITMQ, "queue": contracts.opd_queue_name(opd_code)}]}
    heads = recipients.people("opd_head", "opd_code", opd_code) if who.get("heads") else []
    tph = recipients.people("tph", "kabupaten_code", event.desa_code[:5]) if who.get("tph") else []
    url = f"{case_url_base.rstrip('/')}/api/v1/reports/{event.report_id}"
    return plan(received, opd, heads, tph, url, now)


def dispatch(notification_id: str, deliveries, courier, publish, now: str, inline: bool,
             destination: str | None = None) -> bool:
    """Claim one due delivery and send it: here and now (`inline`), or on the courier if it
    has room for one more to that `destination` (else the sweep sends it later)."""
    if not inline and (courier.free() <= 0 or courier.busy(destination)):
        return False
    record = deliveries.claim(notification_id, now, _stale_before(now))
    if record is None:
        return False
    if inline:
        send([record], deliveries, courier, publish)
    else:
        courier.spawn(record["destination"], lambda: send([record], deliveries, courier, publish))
    return True


def send(records: list[dict], deliveries, courier, publish) -> list[dict]:
    """One attempt each, logged with its answer and latency, all recorded in one write; then
    each delivered, retried or parked."""
    results = _attempts(records, courier)
    at = contracts.utc_now()
    outcomes = [(record, result, *domain.outcome(record, result, at, courier.policy))
                for record, result in zip(records, results)]
    deliveries.finish([(record["_id"], changes, attempt)
                       for record, _, changes, attempt in outcomes])
    settled = [_settled(record, result, changes) for record, result, changes, _ in outcomes]
    delivered = [domain.delivered_event(done) for done in settled if done["status"] == "delivered"]
    try:
        publish_all(publish, delivered)
    except Exception as exc:   # the deliveries stand; only intake's tracking misses them
        log.warning("%d deliveries: notification.delivered not published (%s)", len(delivered),
                    type(exc).__name__)
    return settled


def _attempts(records: list[dict], courier) -> list[dict]:
    send_all = getattr(courier, "send_all", None)   # the OPD queues' notices together
    return send_all(records) if send_all else [courier.send(record) for record in records]


def _settled(record: dict, result: dict, changes: dict) -> dict:
    metrics.notification_attempted(record["channel"], ATTEMPT_OUTCOMES[changes["status"]],
                                   result.get("latency_ms"))
    done = {**record, **changes}
    if changes["status"] == "parked":
        log.error("delivery %s (%s to %s) parked after %d attempts: %s", record["_id"],
                  record["channel"], record.get("opd_code"), changes["attempt_count"],
                  changes["last_error"])
    else:
        log.warning("delivery %s (%s) failed (%s); next attempt at %s", record["_id"],
                    record["channel"], changes["last_error"], changes["next_attempt_at"])
    return done


def sweep(deliveries, courier, publish, now: str) -> int:
    """Send what is due (retries, and claims of workers that died), skipping paused channels
    and destinations already at their limit; as much as the courier has room for."""
    started = 0
    for notification_id in deliveries.due(now, _stale_before(now), deliveries.paused(),
                                          courier.free()):
        record = deliveries.get(notification_id)
        if record is None or courier.busy(record["destination"]):
            continue
        started += dispatch(notification_id, deliveries, courier, publish, now,
                            inline=record["channel"] == RABBITMQ,
                            destination=record["destination"])
    return started


# --- operations ---------------------------------------------------------------------------------

def _query(filters: dict):
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        return None, error(422, unknown[0], "filter tidak dikenal")
    bad = [f for f, v in filters.items() if v is not None and not isinstance(v, str)]
    if bad:
        return None, error(422, bad[0], "harus teks")
    if filters.get("status") not in (None, *domain.STATUSES):
        return None, error(422, "status", f"harus salah satu dari {', '.join(domain.STATUSES)}")
    if filters.get("channel") not in (None, *CHANNELS):
        return None, error(422, "channel", f"harus salah satu dari {', '.join(CHANNELS)}")
    return {f: v for f, v in filters.items() if v is not None}, None


def find(filters: dict, page: int, per_page: int, deliveries) -> dict:
    query, problem = _query(filters or {})
    if problem:
        return problem
    if not (isinstance(page, int) and page >= 1 and isinstance(per_page, int)
            and 1 <= per_page <= MAX_PER_PAGE):
        return error(422, "page", f"page ≥ 1, per_page 1–{MAX_PER_PAGE}")
    items, total = deliveries.find(query, page, per_page)
    return {"items": [domain.view(r) for r in items], "total": total, "page": page,
            "per_page": per_page}


def retry_one(notification_id: str, deliveries, courier, publish, now: str) -> dict:
    record = deliveries.get(notification_id)
    if record is None:
        return error(404, "id", f"pengiriman {notification_id} tidak ada")
    if record["status"] != "parked":
        return error(409, "status", f"hanya pengiriman yang diparkir yang dapat diulang; "
                                    f"status sekarang {record['status']}")
    deliveries.retry({"_id": notification_id}, now)
    if record["channel_key"] not in deliveries.paused():
        dispatch(notification_id, deliveries, courier, publish, now,
                 inline=record["channel"] == RABBITMQ, destination=record["destination"])
    return {"item": domain.view(deliveries.get(notification_id))}


def retry_parked(filters: dict, deliveries, now: str) -> dict:
    """Every parked delivery matching `filters` back in line; the sweep sends them."""
    query, problem = _query({k: v for k, v in (filters or {}).items() if k != "status"})
    if problem:
        return problem
    return {"retried": deliveries.retry(query, now)}


def set_paused(opd_code: str, channel: str, paused: bool, by, deliveries, now: str) -> dict:
    if channel not in CHANNELS:
        return error(422, "channel", f"harus salah satu dari {', '.join(CHANNELS)}")
    state = deliveries.set_paused(f"{opd_code}|{channel}", bool(paused), now, by)
    log.info("channel %s of %s %s", channel, opd_code, "paused" if paused else "resumed")
    return {"item": channel_view(state)}


def channel_view(state: dict) -> dict:
    owner, channel = state["_id"].split("|", 1)
    return {"owner": owner, "channel": channel, "paused": state.get("paused", False),
            "changed_at": state.get("changed_at"), "changed_by": state.get("changed_by")}


# --- the kader's inbox --------------------------------------------------------------------------

def inbox_refused(posyandu_id: str, actor) -> dict | None:
    """Notification's own check (docs/security.md): a Posyandu's inbox is its kader's only."""
    if not isinstance(actor, dict) or actor.get("role") != "kader" \
            or actor.get("posyandu_id") != posyandu_id:
        return error(403, "posyandu_id", "kotak masuk ini hanya untuk kader Posyandu-nya")
    return None


def inbox(posyandu_id: str, unread_only: bool, page: int, per_page: int, deliveries) -> dict:
    if not (isinstance(page, int) and page >= 1 and isinstance(per_page, int)
            and 1 <= per_page <= MAX_PER_PAGE):
        return error(422, "page", f"page ≥ 1, per_page 1–{MAX_PER_PAGE}")
    items, total, unread = deliveries.inbox_page(posyandu_id, bool(unread_only), page, per_page)
    return {"items": [{"id": i.pop("_id"), **i} for i in items], "total": total,
            "unread": unread, "page": page, "per_page": per_page}


def mark_read(posyandu_id: str, ids: list, deliveries, now: str) -> dict:
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(ids) > 500:
        return error(422, "ids", "daftar id pesan (paling banyak 500)")
    return {"updated": deliveries.mark_read(posyandu_id, ids, now)}
