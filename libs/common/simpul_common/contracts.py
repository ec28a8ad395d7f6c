"""Simpul message contracts, version 1: the one place every event and command is defined.

Every message travels as a JSON envelope:

    {"type": "report.routed", "version": 1, "id": "<uuid>", "occurred_at": "<ISO-8601 UTC>",
     "data": {...the payload fields below...}}

`id` is stable for the same fact: a service that re-emits an event after a redelivery emits
it with the same id, so every consumer de-duplicates on it. Payloads carry references and
codes only, never a citizen's personal data (NIK, phone, name, health details): those stay,
encrypted, in intake. See docs/contracts.md for the contract as OPD integrators read it.
"""
from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar, Optional

CONTRACT_VERSION = 1
EVENTS_EXCHANGE = "simpul.events"      # topic exchange; routing key = event type
COMMANDS_EXCHANGE = "simpul.commands"  # direct exchange; routing key = command type
OPD_EXCHANGE = "simpul.opd"            # topic exchange; routing key = "<kabupaten>.<opd>.<type>"
DEAD_LETTER_QUEUE = "simpul.dead-letters"
_ID_NAMESPACE = uuid.UUID("6f1c2a0e-5b1e-4c43-9d56-5e0b1a2d7c11")


def stable_id(*parts: str) -> str:
    """A UUID that is the same every time for the same parts (idempotent re-emission)."""
    return str(uuid.uuid5(_ID_NAMESPACE, "|".join(parts)))


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Message:
    type: ClassVar[str]

    def envelope(self, message_id: str, occurred_at: Optional[str] = None) -> dict:
        return {
            "type": self.type,
            "version": CONTRACT_VERSION,
            "id": message_id,
            "occurred_at": occurred_at or utc_now(),
            "data": dataclasses.asdict(self),
        }


# --- commands (one sender, one receiver) --------------------------------------------------

@dataclass(frozen=True)
class SubmitReport(Message):
    """Gateway → intake. `sealed` is the AES-GCM token of {description, citizen}; only
    intake and the gateway hold the key, so no personal data crosses the broker in clear."""
    type: ClassVar[str] = "report.submit"
    report_id: str
    kind: str
    service_type: str
    desa_code: str
    posyandu_id: str
    sealed: str
    body_hash: str
    submitted_at: str
    idempotency_key_hash: Optional[str] = None
    visit_id: Optional[str] = None        # the needs of one visit share it
    household_ref: Optional[str] = None   # keyed hash of the household id: a reference, not data
    citizen_ref: Optional[str] = None     # keyed hash of the NIK (export, erasure); never in an event


# --- events (published once, subscribed by any number of queues) -------------------------

@dataclass(frozen=True)
class ReportEvent(Message):
    """The facts every report event repeats, so each consumer can act on any one alone."""
    report_id: str
    kind: str
    service_type: str
    spm_area: str
    desa_code: str
    posyandu_id: str


@dataclass(frozen=True)
class ReportReceived(ReportEvent):
    type: ClassVar[str] = "report.received"
    received_at: str
    visit_id: Optional[str] = None
    household_ref: Optional[str] = None


@dataclass(frozen=True)
class ReportRouted(ReportEvent):
    type: ClassVar[str] = "report.routed"
    opd_code: str
    opd_name: str
    rule_id: str
    due_at: str
    routed_at: str
    unit_code: Optional[str] = None   # field unit of the OPD, e.g. the kecamatan's Puskesmas
    sequence: int = 0   # the case's history position: 0 when first routed, later on transfer/assign
    acknowledge_due_at: Optional[str] = None   # the acknowledge deadline of this routing


@dataclass(frozen=True)
class ReportUnroutable(ReportEvent):
    """No routing rule covers this service type in this region: the TPH triages it."""
    type: ClassVar[str] = "report.unroutable"
    reason: str
    tph_region: str
    routed_at: str


@dataclass(frozen=True)
class ReportLinked(ReportEvent):
    """The household already has an open case of this service type: the report joins that
    case (`case_id`) instead of being routed again."""
    type: ClassVar[str] = "report.linked"
    case_id: str
    linked_at: str


@dataclass(frozen=True)
class CaseChanged(ReportEvent):
    """A case moved in its lifecycle (see docs/case-lifecycle.md). `report_id` is the case's
    id; `sequence` its history position, so a consumer keeps the latest state whatever order
    events arrive in. Notes, resolutions and reasons stay in the case's history, never here."""
    type: ClassVar[str] = "case.changed"
    action: str
    from_status: str
    to_status: str
    actor_role: str
    kabupaten_code: str
    escalation_level: int
    changed_at: str
    sequence: int
    opd_code: Optional[str] = None        # who holds the case now (None in TPH triage)
    opd_name: Optional[str] = None
    due_at: Optional[str] = None          # the follow-up (resolve) deadline, if an OPD holds it
    acknowledge_due_at: Optional[str] = None   # the acknowledge deadline, if an OPD holds it


ESCALATION_TARGETS = ("opd_officer", "opd_head", "tph", "sekda")   # by escalation level 0..3


@dataclass(frozen=True)
class CaseEscalated(ReportEvent):
    """A case missed its `deadline` (`acknowledge`, `resolve` or `triage`, due at
    `overdue_since`) and climbed one rung of the ladder: `level` 1 = OPD head, 2 = TPH,
    3 = Sekda; `target` names that rung."""
    type: ClassVar[str] = "case.escalated"
    level: int
    target: str
    deadline: str
    overdue_since: str
    kabupaten_code: str
    escalated_at: str
    sequence: int
    opd_code: Optional[str] = None        # None for a case in TPH triage


@dataclass(frozen=True)
class CaseDueSoon(ReportEvent):
    """The case's `deadline` (`acknowledge` or `resolve`) ends at `due`, at the end of the
    next working day: the OPD holding it is reminded once."""
    type: ClassVar[str] = "case.due_soon"
    deadline: str
    due: str
    kabupaten_code: str
    warned_at: str
    sequence: int
    opd_code: Optional[str] = None


@dataclass(frozen=True)
class NotificationDelivered(Message):
    type: ClassVar[str] = "notification.delivered"
    notification_id: str
    report_id: str
    opd_code: str
    channel: str
    destination: str
    cause: str
    delivered_at: str


REGISTRY_ENTITIES = ("region", "service_type", "posyandu", "opd", "routing_rule", "person", "api_key")


@dataclass(frozen=True)
class RegistryChanged(Message):
    """Master data changed and is stored; caches of `entity` must refresh. `region` is the
    kabupaten/kota concerned, "" for national data (regions, the SPM catalogue); `ids` are the
    changed keys (never personal data). A broadcast: every running replica that caches
    registry data receives it on a queue of its own."""
    type: ClassVar[str] = "registry.changed"
    entity: str
    region: str
    changed_at: str
    ids: tuple = ()


MESSAGES: dict[str, type[Message]] = {
    cls.type: cls
    for cls in (SubmitReport, ReportReceived, ReportRouted, ReportUnroutable, ReportLinked,
                CaseChanged, CaseEscalated, CaseDueSoon, NotificationDelivered, RegistryChanged)
}
COMMANDS = frozenset({SubmitReport.type})
# Broadcasts go to transient per-replica queues; with no replica running nobody needs them,
# so they are not published mandatory (see docs/contracts.md).
BROADCASTS = frozenset({RegistryChanged.type})


class ContractError(ValueError):
    """A message that does not follow the contract (unknown type, version or fields)."""


@dataclass(frozen=True)
class Received:
    """A decoded envelope: the message plus its id and time."""
    id: str
    occurred_at: str
    message: Message


def decode(envelope: dict) -> Received:
    if not isinstance(envelope, dict):
        raise ContractError("envelope is not a JSON object")
    message_type = envelope.get("type")
    cls = MESSAGES.get(message_type) if isinstance(message_type, str) else None
    if cls is None:
        raise ContractError(f"unknown message type {message_type!r}")
    if envelope.get("version") != CONTRACT_VERSION:
        raise ContractError(f"unsupported version {envelope.get('version')!r} of {cls.type}")
    message_id = envelope.get("id")
    if not isinstance(message_id, str) or not message_id:
        raise ContractError(f"{cls.type}: the envelope has no id")
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise ContractError(f"{cls.type}: data is not a JSON object")
    unexpected = set(data) - {f.name for f in dataclasses.fields(cls)}
    if unexpected:
        raise ContractError(f"{cls.type}: unexpected fields {sorted(unexpected)}")
    try:
        message = cls(**data)
    except TypeError as exc:
        raise ContractError(f"{cls.type}: {exc}") from None
    return Received(id=message_id, occurred_at=str(envelope.get("occurred_at")), message=message)


# --- topology: which durable queue receives which messages ---------------------------------
# Declared by every process before it publishes or consumes, so no message is ever
# published to an exchange with nobody bound to it.

QUEUES: dict[str, tuple[str, ...]] = {
    "intake.submissions": (SubmitReport.type,),
    "intake.tracking": (ReportRouted.type, ReportUnroutable.type, ReportLinked.type,
                        CaseChanged.type, CaseEscalated.type, NotificationDelivered.type),
    "routing.reports": (ReportReceived.type,),
    "notification.cases": (ReportRouted.type, ReportUnroutable.type, ReportLinked.type,
                           CaseChanged.type, CaseEscalated.type, CaseDueSoon.type),
    "reporting.facts": (ReportReceived.type, ReportRouted.type, ReportUnroutable.type,
                        ReportLinked.type, CaseChanged.type, CaseEscalated.type),
}


def opd_queue_name(opd_code: str) -> str:
    """`33.25/dinkes` → `simpul.opd.33.25.dinkes`, the OPD's own durable queue."""
    return "simpul.opd." + opd_code.replace("/", ".")


def opd_routing_key(opd_code: str, message_type: str) -> str:
    return opd_code.replace("/", ".") + "." + message_type


# --- what an OPD system receives on its own queue (external contract, see docs/contracts.md)

OPD_CONTRACT = "simpul.opd/1"


OPD_NOTICE_TYPES = {"report.routed": "case.routed", "case.escalated": "case.escalated",
                    "case.due_soon": "case.due_soon", "case.changed": "case.reopened"}


def opd_case_notice(event: ReportEvent, notification_id: str, case_url: str, sent_at: str) -> dict:
    """The notice for the OPD's queue (and webhook) of a `report.routed` (`case.routed`),
    `case.escalated`, `case.due_soon` or reopening `case.changed` (`case.reopened`) event.
    `notification_id` is stable: a receiver that sees it twice has already handled it."""
    notice = {
        "contract": OPD_CONTRACT,
        "type": OPD_NOTICE_TYPES[event.type],
        "notification_id": notification_id,
        "sent_at": sent_at,
        "case": {
            "report_id": event.report_id, "kind": event.kind,
            "service_type": event.service_type, "spm_area": event.spm_area,
            "desa_code": event.desa_code, "posyandu_id": event.posyandu_id,
            "opd_code": event.opd_code, "url": case_url,
        },
    }
    if isinstance(event, ReportRouted):
        notice["case"].update(unit_code=event.unit_code, due_at=event.due_at,
                              routed_at=event.routed_at)
    if isinstance(event, CaseDueSoon):
        notice["reminder"] = {"deadline": event.deadline, "due": event.due,
                              "warned_at": event.warned_at}
    if isinstance(event, CaseChanged):
        notice["case"]["due_at"] = event.due_at
        notice["change"] = {"action": event.action, "from_status": event.from_status,
                            "to_status": event.to_status, "changed_at": event.changed_at}
    if isinstance(event, CaseEscalated):
        notice["escalation"] = {"level": event.level, "target": event.target,
                                "deadline": event.deadline, "overdue_since": event.overdue_since,
                                "escalated_at": event.escalated_at}
    return notice
