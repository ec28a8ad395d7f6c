"""A report as intake keeps it: what the kader filed, and the tracking of what happened since.

Plain functions over plain dicts; persistence and messaging are the caller's business.
"""
import calendar
import datetime as dt

from simpul_common import contracts
from simpul_common.catalogue import spm_area_of

STATUS_RECEIVED = "received"
# where a case ends (routing's lifecycle.CLOSED): confirmed or deemed closed, or a duplicate
# joined to another case; `rejected` is not one, it waits in the TPH's triage queue
TERMINAL = ("closed", "linked")
# what erasure removes (retention, a citizen's request): the sealed description and citizen
# and every keyed hash made from them; status, place, service type and history stay for SPM
ERASED_FIELDS = ("sealed", "citizen_ref", "household_ref", "body_hash")
# what the case's events set on the report, each part guarded by the history position it was
# last set from: an escalation changes the level only, so a status change of an earlier
# position arriving after it still applies, and an older level never replaces a newer one
GUARDS = {"escalation_level": "level_sequence"}
STATE_GUARD = "case_sequence"


def guarded(changes: dict) -> dict[str, dict]:
    """`changes` split by the position field that guards each part."""
    parts: dict[str, dict] = {}
    for field, value in changes.items():
        parts.setdefault(GUARDS.get(field, STATE_GUARD), {})[field] = value
    return parts
TRACKED = (contracts.ReportRouted, contracts.ReportUnroutable, contracts.ReportLinked,
           contracts.CaseChanged, contracts.CaseEscalated, contracts.NotificationDelivered)


def new_report(cmd: contracts.SubmitReport, received_at: str) -> dict:
    received_id = contracts.stable_id(cmd.report_id, contracts.ReportReceived.type)
    return {
        "_id": cmd.report_id,
        "kind": cmd.kind,
        "service_type": cmd.service_type,
        "spm_area": spm_area_of(cmd.service_type),
        "desa_code": cmd.desa_code,
        "posyandu_id": cmd.posyandu_id,
        "sealed": cmd.sealed,
        "body_hash": cmd.body_hash,
        "idempotency_key_hash": cmd.idempotency_key_hash,
        "visit_id": cmd.visit_id,
        "household_ref": cmd.household_ref,
        "citizen_ref": cmd.citizen_ref,
        "submitted_at": cmd.submitted_at,
        "received_at": received_at,
        "status": STATUS_RECEIVED,
        "case_sequence": None,   # history position of the latest case state applied
        "level_sequence": None,  # ... and of the latest escalation level
        "escalation_level": 0,
        "linked_to": None,
        "assigned_opd": None,
        "due_at": None,
        "closed_at": None,       # when the case reached a terminal status; None while open
        "erased": None,          # {"at", "reason"} once its personal data is erased
        "delivery": {"state": "pending", "channels": []},
        "history": [{"event_id": received_id, "type": contracts.ReportReceived.type,
                     "at": received_at}],
    }


def received_event(report: dict) -> dict:
    """The `report.received` envelope of a stored report; the same id every time."""
    event = contracts.ReportReceived(
        report_id=report["_id"], kind=report["kind"], service_type=report["service_type"],
        spm_area=report["spm_area"], desa_code=report["desa_code"],
        posyandu_id=report["posyandu_id"], received_at=report["received_at"],
        visit_id=report.get("visit_id"), household_ref=report.get("household_ref"))
    return event.envelope(report["history"][0]["event_id"], occurred_at=report["received_at"])


def tracking_change(received: contracts.Received) -> tuple[dict, dict, int | None]:
    """Fields to set on the report, the history entry, and the case's history position the
    fields describe (None for facts outside the case): they apply only over an older position,
    so events arriving out of order (after a retry, from an outbox) never set the report back."""
    event = received.message
    entry = {"event_id": received.id, "type": event.type, "at": received.occurred_at}
    if isinstance(event, contracts.ReportRouted):
        entry.update(opd_code=event.opd_code, rule_id=event.rule_id)
        return {**_state("routed", received), "due_at": event.due_at,
                "assigned_opd": {"code": event.opd_code, "name": event.opd_name}}, entry, \
            event.sequence
    if isinstance(event, contracts.ReportUnroutable):
        entry.update(reason=event.reason, tph_region=event.tph_region)
        return {**_state("unroutable", received), "assigned_opd": None}, entry, 0
    if isinstance(event, contracts.ReportLinked):
        entry.update(case_id=event.case_id)
        return {**_state("linked", received), "linked_to": event.case_id}, entry, 0
    if isinstance(event, contracts.CaseChanged):
        entry.update(action=event.action, status=event.to_status, actor_role=event.actor_role)
        holder = {"code": event.opd_code, "name": event.opd_name} if event.opd_code else None
        return {**_state(event.to_status, received), "due_at": event.due_at,
                "assigned_opd": holder, "escalation_level": event.escalation_level}, entry, \
            event.sequence
    if isinstance(event, contracts.CaseEscalated):
        entry.update(level=event.level, target=event.target, deadline=event.deadline)
        return {"escalation_level": event.level}, entry, event.sequence
    if isinstance(event, contracts.NotificationDelivered):
        entry.update(opd_code=event.opd_code, channel=event.channel)
        return {"delivery.state": "delivered"}, entry, None
    raise ValueError(f"intake does not track {event.type}")


def _state(status: str, received: contracts.Received) -> dict:
    """The status and when the case ended (a terminal status) or None (open again): set
    together, under the same history position."""
    return {"status": status,
            "closed_at": utc(received.occurred_at) if status in TERMINAL else None}


def utc(instant: str) -> str:
    """An ISO-8601 instant as UTC text with milliseconds, so stored instants compare as text."""
    moment = dt.datetime.fromisoformat(instant.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{instant!r} has no time zone")
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")


def months_before(instant: str, months: int) -> str:
    """The same moment `months` calendar months earlier (the 31st becomes the month's last
    day): what closed before it is past retention."""
    moment = dt.datetime.fromisoformat(utc(instant))
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day).isoformat(timespec="milliseconds")


def erasure(at: str, reason: str) -> dict:
    """The fields to set on a report to erase its personal data."""
    return {**dict.fromkeys(ERASED_FIELDS), "erased": {"at": at, "reason": reason}}


def public_view(report: dict, content: dict) -> dict:
    """What the API shows of a report; personal data masked (`content` is {} once erased)."""
    return {
        "id": report["_id"],
        "status": report["status"],
        "kind": report["kind"],
        "spm_area": report["spm_area"],
        "service_type": report["service_type"],
        "desa_code": report["desa_code"],
        "posyandu_id": report["posyandu_id"],
        "description": content.get("description"),
        "citizen": mask_citizen(content.get("citizen")),
        "assigned_opd": report["assigned_opd"],
        "due_at": report["due_at"],
        "escalation_level": report.get("escalation_level", 0),
        "linked_to": report.get("linked_to"),
        "visit_id": report.get("visit_id"),
        "household_ref": report.get("household_ref"),
        "received_at": report["received_at"],
        "erased_at": (report.get("erased") or {}).get("at"),
        "delivery": _delivery_view(report),
        "history": [dict(entry) for entry in report["history"]],
    }


def _delivery_view(report: dict) -> dict:
    channels = [{"channel": h["channel"], "opd_code": h["opd_code"], "delivered_at": h["at"]}
                for h in report["history"] if h["type"] == contracts.NotificationDelivered.type]
    return {"state": report["delivery"]["state"], "deliveries": channels}


def mask_citizen(citizen):
    if not citizen:
        return None
    masked = {}
    for field, value in citizen.items():
        if value is None:
            continue
        text = str(value)
        if field == "nik":
            masked[field] = text[:4] + "*" * 10 + text[-2:]
        elif field == "phone":
            masked[field] = text[:4] + "*" * max(len(text) - 7, 0) + text[-3:]
        elif field == "name":
            masked[field] = " ".join(part[:1] + "***" for part in text.split())
        else:
            masked[field] = "***"
    return masked
