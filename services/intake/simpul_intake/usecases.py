"""Intake's use cases: accept a submission, follow what happens to it, show it to whoever
may see it, and erase its personal data when retention ends or the citizen asks
(docs/privacy.md). Answers to callers follow the registry's error-result shape:
`{"status": 403|422, "errors": [{"field", "message"}]}`."""
import logging

from simpul_common import access, contracts, metrics, sealing
from simpul_common.publishing import publish_all
from simpul_common.regions import kabupaten_of

from .domain import report as domain

log = logging.getLogger(__name__)
REASON_CHARS = 200    # of an erasure's justification, as stored


def error(status: int, field: str, message: str) -> dict:
    return {"status": status, "errors": [{"field": field, "message": message}]}


def accept_submission(cmd: contracts.SubmitReport, reports, publish) -> dict:
    return accept_submissions([cmd], reports, publish)[0]


def accept_submissions(cmds: list[contracts.SubmitReport], reports, publish) -> list[dict]:
    """Store each new report once and announce each as stored (a repeated one as stored
    first): one round trip, and one more to read the repeated ones."""
    added = reports.add_many([domain.new_report(cmd, contracts.utc_now()) for cmd in cmds])
    for cmd, (stored, created) in zip(cmds, added):
        if created:
            metrics.report_received(kabupaten_of(cmd.desa_code))
        elif stored["body_hash"] not in (cmd.body_hash, None):   # None: erased since
            log.warning("report %s: idempotency key reused with a different body; first one "
                        "kept", cmd.report_id)
    publish_all(publish, [domain.received_event(stored) for stored, _ in added])
    return [stored for stored, _ in added]


def track(received: contracts.Received, reports) -> bool:
    return reports.apply(*_tracking(received))


def track_many(batch: list[contracts.Received], reports) -> None:
    """Apply tracking events in their order: in one round trip when each is new and in order
    (the usual case). Otherwise, after one read of the events the reports hold, each that did
    not apply goes the single way: out of order, or its report missing (ReportNotFound)."""
    changes = [_tracking(received) for received in batch]
    if reports.apply_in_order(changes) == len(changes):
        return
    held = reports.event_ids([report_id for report_id, *_ in changes])
    for report_id, fields, entry, sequence in changes:
        if entry["event_id"] not in held.setdefault(report_id, set()):
            reports.apply(report_id, fields, entry, sequence)
            held[report_id].add(entry["event_id"])


def _tracking(received: contracts.Received) -> tuple[str, dict, dict, int | None]:
    """The report, the fields to set on it, its history entry and the case's position."""
    return (received.message.report_id, *domain.tracking_change(received))


def show_report(report_id: str, actor, reports, audit, data_key: bytes):
    """The report as `actor` may see it; None when they may not, as for a report that does not
    exist. Audited before it is answered. The citizen is masked; the kader of its Posyandu and
    the staff of its OPD also get the full citizen. What is personal travels sealed for the
    gateway (the description always, free text may hold anything), never in clear."""
    report = reports.get(report_id)
    if report is None or not access.sees_report(_actor(actor), report):
        return None
    content = _content(report, data_key)
    revealed = access.reveals(actor, report) and bool(content.get("citizen"))
    audit.record(actor, "report.read", "report", report_id, revealed=revealed)
    return _reader_view(report, content, data_key, revealed)


def export_citizen(citizen_ref: str, actor, reports, audit, data_key: bytes) -> dict:
    """A citizen's reports (UU PDP right of access), for an admin within their kabupaten/kota:
    each report's public view with its description and full citizen sealed for the gateway."""
    found = _of_citizen(citizen_ref, actor, reports)
    if isinstance(found, dict):
        return found
    ids = [report["_id"] for report in found]
    audit.record(actor, "citizen.export", "citizen", citizen_ref, count=len(ids), report_ids=ids)
    items = [_reader_view(report, _content(report, data_key), data_key, True) for report in found]
    return {"items": items, "total": len(items)}


def erase_citizen(citizen_ref: str, actor, reason, reports, audit, now: str) -> dict:
    """Erase the personal data of every report of one citizen (UU PDP right of erasure), open
    or closed, within the admin's kabupaten/kota: one update, one audit entry."""
    found = _of_citizen(citizen_ref, actor, reports)
    if isinstance(found, dict):
        return found
    if not isinstance(reason, str) or len(reason.strip()) < 5:
        return error(422, "reason", "alasan penghapusan wajib diisi (minimal 5 karakter)")
    reason = reason.strip()[:REASON_CHARS]
    ids = [report["_id"] for report in found]
    erased = reports.erase(ids, domain.erasure(domain.utc(now), f"request: {reason}"))
    audit.record(actor, "citizen.erase", "citizen", citizen_ref, count=erased, report_ids=ids)
    log.info("erased the personal data of %d report(s) on a citizen's request", erased)
    return {"erased": erased, "report_ids": ids}


def apply_retention(months: int, reports, audit, now: str) -> dict:
    """Erase the personal data of the reports whose case ended more than `months` calendar
    months before `now` (0: kept for good): one update; audited when it erased any."""
    try:
        now = domain.utc(str(now))
    except ValueError as exc:
        return error(422, "now", str(exc))
    if months <= 0:
        return {"erased": 0, "months": 0, "closed_before": None}
    before = domain.months_before(now, months)
    erased = reports.erase_closed_before(before, domain.erasure(now, "retention"))
    if erased:
        audit.record(None, "retention.erase", "report", None, count=erased, months=months)
    log.info("retention: erased the personal data of %d report(s) closed before %s", erased, before)
    return {"erased": erased, "months": months, "closed_before": before}


def _actor(actor) -> dict:
    return actor if isinstance(actor, dict) else {}


def _of_citizen(citizen_ref, actor, reports):
    """The citizen's reports an admin may handle, or an error result."""
    if _actor(actor).get("role") != "admin":
        return error(403, "actor", "hanya admin yang boleh mengekspor atau menghapus data warga")
    if not isinstance(citizen_ref, str) or not citizen_ref:
        return error(422, "citizen_ref", "rujukan warga wajib diisi")
    return [report for report in reports.of_citizen(citizen_ref)
            if access.within(actor, kabupaten_of(report["desa_code"]))]


def _content(report: dict, data_key: bytes) -> dict:
    """The sealed description and citizen of a report; {} once erased."""
    if report.get("erased") or not report.get("sealed"):
        return {}
    return sealing.open_sealed(data_key, report["sealed"], report["_id"])


def _reader_view(report: dict, content: dict, data_key: bytes, revealed: bool) -> dict:
    """The public view with the citizen masked and no description in clear, plus
    `sealed_description` ({"text"}) and, when `revealed`, `sealed_citizen` (the full citizen),
    each sealed for this report's reader: the gateway opens them."""
    report_id = report["_id"]
    view = domain.public_view(report, {"citizen": content.get("citizen")})
    if content.get("description") is not None:
        view["sealed_description"] = sealing.seal(
            data_key, {"text": content["description"]},
            sealing.reveal_context(report_id, "description"))
    if revealed and content.get("citizen"):
        view["sealed_citizen"] = sealing.seal(data_key, content["citizen"],
                                              sealing.reveal_context(report_id))
    return view
