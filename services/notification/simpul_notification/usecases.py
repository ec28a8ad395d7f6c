"""Notification's use case: deliver each routed case to its OPD once, and say so."""
import time

from simpul_common import contracts

from .domain import delivery as domain


def deliver_routed_case(received: contracts.Received, deliveries, opd_queue, publish,
                        case_url_base: str) -> dict:
    event = received.message
    nid = domain.notification_id(received.id, domain.CHANNEL_OPD_QUEUE)
    record = deliveries.get(nid)
    if record is None or record["status"] != "delivered":
        record = domain.new_record(event, nid, domain.CHANNEL_OPD_QUEUE,
                                   opd_queue.destination(event.opd_code))
        sent_at = contracts.utc_now()
        notice = contracts.opd_case_notice(
            event, nid, f"{case_url_base.rstrip('/')}/api/v1/reports/{event.report_id}", sent_at)
        started = time.perf_counter()
        opd_queue.send(event.opd_code, notice)
        attempt = {"at": sent_at, "ok": True,
                   "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
        record = deliveries.record_success(record, attempt)
    publish(domain.delivered_event(record, received.id))
    return record
