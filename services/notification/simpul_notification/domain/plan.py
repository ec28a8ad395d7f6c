"""Who hears of an event, on which channel, and what they receive: one delivery record per
(event, channel, destination), with a stable notification id, and one inbox item per
Posyandu. Pure: the caller looks up the recipients in the registry and stores the result."""
from typing import Optional

from simpul_common import contracts
from simpul_common.regions import kabupaten_of

from . import templates

RABBITMQ, WEBHOOK, EMAIL, INBOX = "rabbitmq", "webhook", "email", "inbox"
CHANNELS = (RABBITMQ, WEBHOOK, EMAIL)
NOTICE_CHANNELS = (RABBITMQ, WEBHOOK)   # they carry the `simpul.opd/1` JSON notice


def notification_id(event_id: str, channel: str, destination: str = "") -> str:
    """Stable: the same event on the same channel to the same place is the same notification,
    however often the event is redelivered; receivers de-duplicate on it."""
    if channel == RABBITMQ and not destination:   # the id used before channels had destinations
        return contracts.stable_id(event_id, channel)
    return contracts.stable_id(event_id, channel, destination)


def audience(event: contracts.Message) -> tuple[Optional[str], dict]:
    """The template kind (None: no one outside the inbox hears of it) and who hears of it:
    `opd` (the OPD's own channels), `heads` (the OPD's head), `tph` (the kabupaten's TPH),
    `inbox` (the Posyandu that filed it, with the status it shows)."""
    if isinstance(event, contracts.ReportRouted):
        return "new_case", {"opd": True, "inbox": "routed" if event.sequence == 0 else None}
    if isinstance(event, contracts.ReportUnroutable):
        return "triage", {"tph": True, "inbox": "unroutable"}
    if isinstance(event, contracts.ReportLinked):
        return None, {"inbox": "linked"}
    if isinstance(event, contracts.CaseDueSoon):
        return "due_soon", {"opd": event.opd_code is not None}
    if isinstance(event, contracts.CaseEscalated):
        return "escalated", {"opd": event.opd_code is not None,
                             "heads": event.opd_code is not None and event.level >= 1,
                             "tph": event.level >= 2}
    if isinstance(event, contracts.CaseChanged):
        if event.from_status == event.to_status and event.action != "transfer":
            return None, {}    # a progress note: nothing new to tell
        kind = {"rejected": "triage", "reopened": "reopened"}.get(event.to_status)
        return kind, {"opd": kind == "reopened", "tph": kind == "triage",
                      "inbox": event.to_status}
    return None, {}


def facts_of(event: contracts.Message, case_url: str) -> dict:
    """What the templates may say: codes, names of agencies, dates; never personal data."""
    facts = {"service_type": event.service_type, "desa_code": event.desa_code,
             "posyandu_id": event.posyandu_id, "kind": event.kind, "url": case_url,
             "opd_name": getattr(event, "opd_name", None) or getattr(event, "opd_code", None)}
    for name in ("level", "target", "deadline", "overdue_since"):
        if hasattr(event, name):
            facts[name] = getattr(event, name)
    facts["due"] = getattr(event, "due", None) or getattr(event, "due_at", None)
    facts["status"] = getattr(event, "to_status", None) or \
        {"report.unroutable": "unroutable", "report.linked": "linked"}.get(event.type)
    return facts


def plan(received: contracts.Received, opd: Optional[dict], heads: list[dict], tph: list[dict],
         case_url: str, now: str) -> tuple[list[dict], list[dict]]:
    """The delivery records and inbox items of one event. `opd` is the registry's OPD holding
    the case (with its `channels`), `heads` and `tph` the registry's people to tell."""
    event = received.message
    kind, who = audience(event)
    facts = facts_of(event, case_url)
    kabupaten = kabupaten_of(event.desa_code)
    opd_code = getattr(event, "opd_code", None)
    records = []

    def add(channel, destination, payload, recipient, key_owner):
        nid = notification_id(received.id, channel, "" if channel == RABBITMQ else destination)
        if channel in NOTICE_CHANNELS:
            payload = dict(payload, notification_id=nid)
        records.append({
            "_id": nid, "cause": received.id, "event_type": event.type, "kind": kind,
            "report_id": event.report_id, "kabupaten_code": kabupaten, "opd_code": opd_code,
            "posyandu_id": event.posyandu_id, "channel": channel, "destination": destination,
            "channel_key": f"{key_owner}|{channel}", "recipient": recipient, "payload": payload,
            "status": "pending", "attempts": [], "attempt_count": 0, "next_attempt_at": now,
            "created_at": now})

    if kind and who.get("opd") and opd:
        notice = contracts.opd_case_notice(event, "", case_url, now)
        subject, text = templates.bilingual(kind, facts)
        for channel in opd.get("channels", []):
            if channel["type"] == RABBITMQ:
                add(RABBITMQ, channel["queue"], notice, {"role": "opd", "id": opd["id"]}, opd["id"])
            elif channel["type"] == WEBHOOK:
                add(WEBHOOK, channel["url"], notice, {"role": "opd", "id": opd["id"]}, opd["id"])
            elif channel["type"] == EMAIL:
                add(EMAIL, channel["address"], {"subject": subject, "text": text},
                    {"role": "opd", "id": opd["id"]}, opd["id"])
    if kind:
        subject, text = templates.bilingual(kind, facts)
        for group in ("heads", "tph"):
            if not who.get(group):
                continue
            for person in (heads if group == "heads" else tph):
                if person.get("email") and person.get("active", True):
                    add(EMAIL, person["email"], {"subject": subject, "text": text},
                        {"role": person["role"], "id": person["id"]},
                        opd_code if group == "heads" else kabupaten)
    inbox = []
    if who.get("inbox"):
        status_facts = dict(facts, status=who["inbox"])
        inbox_kind = "resolved" if who["inbox"] == "resolved" else "status"
        title, body = templates.render(inbox_kind, status_facts, "id")
        title_en, body_en = templates.render(inbox_kind, status_facts, "en")
        inbox.append({"_id": notification_id(received.id, INBOX, event.posyandu_id),
                      "posyandu_id": event.posyandu_id, "report_id": event.report_id,
                      "status": who["inbox"], "kind": inbox_kind, "title": title, "body": body,
                      "title_en": title_en, "body_en": body_en, "at": received.occurred_at,
                      "read_at": None})
    return records, inbox
