"""A report as intake keeps it: what the kader filed, and the tracking of what happened since.

Plain functions over plain dicts; persistence and messaging are the caller's business.
"""
from simpul_common import contracts
from simpul_common.catalogue import spm_area_of

STATUS_RECEIVED = "received"
TRACKED = (contracts.ReportRouted, contracts.ReportUnroutable, contracts.NotificationDelivered)


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
        "submitted_at": cmd.submitted_at,
        "received_at": received_at,
        "status": STATUS_RECEIVED,
        "assigned_opd": None,
        "due_at": None,
        "delivery": {"state": "pending", "channels": []},
        "history": [{"event_id": received_id, "type": contracts.ReportReceived.type,
                     "at": received_at}],
    }


def received_event(report: dict) -> dict:
    """The `report.received` envelope of a stored report; the same id every time."""
    event = contracts.ReportReceived(
        report_id=report["_id"], kind=report["kind"], service_type=report["service_type"],
        spm_area=report["spm_area"], desa_code=report["desa_code"],
        posyandu_id=report["posyandu_id"], received_at=report["received_at"])
    return event.envelope(report["history"][0]["event_id"], occurred_at=report["received_at"])


def tracking_change(received: contracts.Received) -> tuple[dict, dict]:
    """Fields to set on the report, and the history entry, for one downstream event."""
    event = received.message
    entry = {"event_id": received.id, "type": event.type, "at": received.occurred_at}
    if isinstance(event, contracts.ReportRouted):
        entry.update(opd_code=event.opd_code, rule_id=event.rule_id)
        return {"status": "routed", "due_at": event.due_at,
                "assigned_opd": {"code": event.opd_code, "name": event.opd_name}}, entry
    if isinstance(event, contracts.ReportUnroutable):
        entry.update(reason=event.reason, tph_region=event.tph_region)
        return {"status": "unroutable", "assigned_opd": None}, entry
    if isinstance(event, contracts.NotificationDelivered):
        entry.update(opd_code=event.opd_code, channel=event.channel)
        return {"delivery.state": "delivered"}, entry
    raise ValueError(f"intake does not track {event.type}")


def public_view(report: dict, content: dict) -> dict:
    """What the API shows of a report; personal data masked."""
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
        "received_at": report["received_at"],
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
