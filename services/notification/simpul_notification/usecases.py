"""Notification's use case: deliver each routed case to its OPD once, and say so."""
import datetime as dt
import time

from simpul_common import contracts

from .domain import delivery as domain

CLAIM_TIMEOUT = dt.timedelta(seconds=30)


class DeliveryInProgress(RuntimeError):
    """Another worker is sending this notification now; the message is retried later."""


def deliver_to_opd(received: contracts.Received, deliveries, opd_queue, publish,
                   case_url_base: str):
    """Deliver a routed case, or an escalation of it, to the OPD holding it; once per event.
    An escalation of a case no OPD holds (TPH triage) has no OPD queue to go to (None)."""
    event = received.message
    if event.opd_code is None:
        return None
    nid = domain.notification_id(received.id, domain.CHANNEL_OPD_QUEUE)
    record = domain.new_record(event, nid, domain.CHANNEL_OPD_QUEUE,
                               opd_queue.destination(event.opd_code))
    mine, stored = deliveries.claim(record, dt.datetime.now(dt.timezone.utc), CLAIM_TIMEOUT)
    if not mine and stored["status"] != "delivered":
        raise DeliveryInProgress(nid)
    if mine:
        sent_at = contracts.utc_now()
        notice = contracts.opd_case_notice(
            event, nid, f"{case_url_base.rstrip('/')}/api/v1/reports/{event.report_id}", sent_at)
        started = time.perf_counter()
        try:
            opd_queue.send(event.opd_code, notice)
        except Exception:
            deliveries.release(nid)  # the retry may send at once
            raise
        attempt = {"at": sent_at, "ok": True,
                   "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
        stored = deliveries.record_success(record, attempt)
    publish(domain.delivered_event(stored, received.id))
    return stored
