"""Intake's use cases: accept a submission, follow what happens to it, show it."""
import logging

from simpul_common import contracts, metrics, sealing
from simpul_common.regions import kabupaten_of

from .domain import report as domain

log = logging.getLogger(__name__)


def accept_submission(cmd: contracts.SubmitReport, reports, publish) -> dict:
    stored, created = reports.add(domain.new_report(cmd, contracts.utc_now()))
    if created:
        metrics.report_received(kabupaten_of(cmd.desa_code))
    elif stored["body_hash"] != cmd.body_hash:
        log.warning("report %s: idempotency key reused with a different body; first one kept",
                    cmd.report_id)
    publish(domain.received_event(stored))
    return stored


def track(received: contracts.Received, reports) -> bool:
    changes, entry, sequence = domain.tracking_change(received)
    return reports.apply(received.message.report_id, changes, entry, sequence)


def show_report(report_id: str, reports, data_key: bytes):
    report = reports.get(report_id)
    if report is None:
        return None
    content = sealing.open_sealed(data_key, report["sealed"], report["_id"])
    return domain.public_view(report, content)
