"""One notification of a routed (or escalated) case to one OPD channel, and its delivery record."""
from simpul_common import contracts

CHANNEL_OPD_QUEUE = "rabbitmq"


def notification_id(event_id: str, channel: str) -> str:
    return contracts.stable_id(event_id, channel)


def new_record(event: contracts.ReportEvent, nid: str, channel: str, destination: str) -> dict:
    return {"_id": nid, "report_id": event.report_id, "opd_code": event.opd_code,
            "channel": channel, "destination": destination, "status": "pending", "attempts": []}


def delivered_event(record: dict, cause_event_id: str) -> dict:
    event = contracts.NotificationDelivered(
        notification_id=record["_id"], report_id=record["report_id"],
        opd_code=record["opd_code"], channel=record["channel"],
        destination=record["destination"], cause=cause_event_id,
        delivered_at=record["delivered_at"])
    return event.envelope(contracts.stable_id(record["_id"], event.type), record["delivered_at"])
