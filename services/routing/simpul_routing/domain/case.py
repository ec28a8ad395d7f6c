"""A case: the routing decision for one report, followed through its lifecycle; what it
announces, and what the API shows of it. Plain dicts; storage and messaging are the caller's."""
from simpul_common import contracts
from simpul_common.contracts import ESCALATION_TARGETS
from simpul_common.regions import kabupaten_of, timezone_of
from simpul_common.routing_rules import Rule, pick_rule

from . import sla
from .deadlines import local_date
from .lifecycle import SYSTEM, Actor, actor_entry, allowed_actions, apply

ROUTED_BY_RULE = "rule"


def decide(event: contracts.ReportReceived, table: dict, routed_at: str) -> dict:
    """A new case: routed to the responsible OPD with its deadlines, or unroutable."""
    zone = timezone_of(event.desa_code)
    case = {
        "_id": event.report_id, "kind": event.kind, "service_type": event.service_type,
        "spm_area": event.spm_area, "desa_code": event.desa_code,
        "posyandu_id": event.posyandu_id, "kabupaten_code": kabupaten_of(event.desa_code),
        "visit_id": event.visit_id, "household_ref": event.household_ref,
        "routed_at": routed_at, "updated_at": routed_at, "timezone": zone,
        "norms": sla.norms_for(table["norms"].get(event.service_type)),
        "opd_code": None, "opd_name": None, "unit_code": None, "rule_id": None, "reason": None,
        "linked_reports": [], "version": 0,
    }
    if event.household_ref:
        case["open_key"] = open_key(event.household_ref, event.service_type)
    rules = [Rule.from_dict(r) for r in table["rules"]]
    rule = pick_rule(rules, event.service_type, event.desa_code, local_date(routed_at, zone))
    entry = {"action": "route", "from": "received", "at": routed_at, "actor": actor_entry(SYSTEM)}
    if rule is None or rule.opd_code not in table["opds"]:
        case.update(status="unroutable",
                    reason="tidak ada OPD penanggung jawab untuk jenis layanan ini di wilayah ini")
        entry.update(to="unroutable", reason=case["reason"])
    else:
        case.update(status="routed", opd_code=rule.opd_code, opd_name=table["opds"][rule.opd_code],
                    unit_code=rule.unit_code, rule_id=rule.id)
    case.update(sla.schedule(case, routed_at, restart=True))
    if case["status"] == "routed":
        entry.update(to="routed", opd_code=rule.opd_code, opd_name=case["opd_name"],
                     unit_code=rule.unit_code, rule_id=rule.id, due_at=case["due_at"],
                     acknowledge_due_at=case["acknowledge_due_at"])
    case["history"] = [entry]
    return case


def open_key(household_ref: str, service_type: str) -> str:
    """Unique among open cases: one open case per household and service type."""
    return f"{household_ref}|{service_type}"


def linked(event: contracts.ReportReceived, open_case: dict, linked_at: str) -> dict:
    """A report that joins `open_case` (same household, same service type) instead of being
    routed again; it keeps no deadline of its own."""
    return {
        "_id": event.report_id, "kind": event.kind, "service_type": event.service_type,
        "spm_area": event.spm_area, "desa_code": event.desa_code,
        "posyandu_id": event.posyandu_id, "kabupaten_code": kabupaten_of(event.desa_code),
        "visit_id": event.visit_id, "household_ref": event.household_ref,
        "routed_at": linked_at, "updated_at": linked_at, "timezone": timezone_of(event.desa_code),
        "status": "linked", "linked_to": open_case["_id"], "opd_code": open_case.get("opd_code"),
        "opd_name": open_case.get("opd_name"), "deadline": None, "timer_at": None,
        "escalation_level": 0, "linked_reports": [], "version": 0,
        "history": [{"action": "link", "from": "received", "to": "linked", "at": linked_at,
                     "actor": actor_entry(SYSTEM), "case_id": open_case["_id"]}],
    }


def duplicate_entry(report_id: str, at: str) -> dict:
    """What the open case's history says when a duplicate joins it (its status stays)."""
    return {"action": "link_duplicate", "at": at, "actor": actor_entry(SYSTEM),
            "report_id": report_id}


# --- events -----------------------------------------------------------------------------

def _report_fields(case: dict) -> dict:
    return dict(report_id=case["_id"], kind=case["kind"], service_type=case["service_type"],
                spm_area=case["spm_area"], desa_code=case["desa_code"],
                posyandu_id=case["posyandu_id"])


def outcome_event(case: dict) -> dict:
    """The event announcing a new case; the same id however often it is re-emitted."""
    if case["status"] == "linked":
        event = contracts.ReportLinked(case_id=case["linked_to"], linked_at=case["routed_at"],
                                       **_report_fields(case))
        return event.envelope(contracts.stable_id(case["_id"], event.type), case["routed_at"])
    first = case["history"][0]   # the decision as first taken, whatever happened since
    if first["to"] == "routed":
        event = contracts.ReportRouted(opd_code=first["opd_code"], opd_name=first["opd_name"],
                                       rule_id=first["rule_id"], due_at=first["due_at"],
                                       unit_code=first.get("unit_code"), routed_at=case["routed_at"],
                                       acknowledge_due_at=first.get("acknowledge_due_at"),
                                       **_report_fields(case))
    else:
        event = contracts.ReportUnroutable(reason=first["reason"], tph_region=case["kabupaten_code"],
                                           routed_at=case["routed_at"], **_report_fields(case))
    return event.envelope(contracts.stable_id(case["_id"], event.type), case["routed_at"])


def move_events(before: dict, after: dict, entry: dict, seq: int) -> list[dict]:
    """What a move announces: always `case.changed`; a new OPD also gets `report.routed`, so
    it is notified and the report shows who holds it now. `seq` is the entry's position in
    the history, which makes the ids stable."""
    changed = contracts.CaseChanged(
        action=entry["action"], from_status=entry["from"], to_status=entry["to"],
        actor_role=entry["actor"]["role"], kabupaten_code=after["kabupaten_code"],
        escalation_level=after.get("escalation_level", 0), changed_at=entry["at"],
        sequence=seq, opd_code=after.get("opd_code"), opd_name=after.get("opd_name"),
        due_at=after.get("due_at") if after.get("opd_code") else None,
        acknowledge_due_at=after.get("acknowledge_due_at") if after.get("opd_code") else None,
        **_report_fields(after))
    events = [changed.envelope(contracts.stable_id(after["_id"], changed.type, str(seq)), entry["at"])]
    if entry["action"] in ("transfer", "assign"):
        routed = contracts.ReportRouted(
            opd_code=after["opd_code"], opd_name=after["opd_name"], rule_id=f"manual:{entry['action']}",
            due_at=after["due_at"], routed_at=entry["at"], unit_code=None, sequence=seq,
            acknowledge_due_at=after.get("acknowledge_due_at"), **_report_fields(after))
        events.append(routed.envelope(contracts.stable_id(after["_id"], routed.type, str(seq)),
                                      entry["at"]))
    return events


def escalation_event(case: dict, step: dict, at: str, seq: int) -> dict:
    event = contracts.CaseEscalated(
        level=step["level"], target=step["target"], deadline=step["deadline"],
        overdue_since=step["overdue_since"], kabupaten_code=case["kabupaten_code"],
        escalated_at=at, sequence=seq, opd_code=case.get("opd_code"), **_report_fields(case))
    return event.envelope(contracts.stable_id(case["_id"], event.type, str(seq)), at)


def due_soon_event(case: dict, warning: dict, at: str, seq: int) -> dict:
    event = contracts.CaseDueSoon(
        deadline=warning["deadline"], due=warning["due"], kabupaten_code=case["kabupaten_code"],
        warned_at=at, sequence=seq, opd_code=case.get("opd_code"), **_report_fields(case))
    return event.envelope(contracts.stable_id(case["_id"], event.type, str(seq)), at)


def escalation_entry(case: dict, step: dict, at: str) -> dict:
    return {"action": "escalate", "from": case["status"], "to": case["status"], "at": at,
            "actor": actor_entry(SYSTEM), "level": step["level"], "target": step["target"],
            "deadline": step["deadline"], "overdue_since": step["overdue_since"]}


# --- moves and timers ----------------------------------------------------------------------

def move(case: dict, action: str, actor: Actor, at: str, details: dict,
         opds: dict | None = None) -> tuple[dict, list[dict], list[dict]]:
    """The case after one move by a person, its history entry and its events (IllegalMove
    if the move is not allowed: nothing changes)."""
    after, entry = apply(case, action, actor, at, details, opds)
    return after, [entry], move_events(case, after, entry, len(case["history"]))


def timer_steps(case: dict, now: str) -> tuple[dict, list[dict], list[dict]]:
    """The case after everything its deadlines owe at `now` (escalations, rung by rung, or the
    deemed closing), with the history entries and events; no entries when nothing is due."""
    after, entries, events = case, [], []
    seq = len(case["history"])
    while True:
        warning = sla.warning(after, now)
        if warning is not None:
            following = dict(after, **warning["fields"])
            if not warning["announce"]:
                after = following
                continue
            entry = {"action": "remind", "from": after["status"], "to": after["status"], "at": now,
                     "actor": actor_entry(SYSTEM), "deadline": warning["deadline"],
                     "due": warning["due"]}
            events.append(due_soon_event(following, warning, now, seq))
        elif sla.deem_close_due(after, now):
            following, entry = apply(after, "deem_closed", SYSTEM, now, {})
            events += move_events(after, following, entry, seq)
        else:
            step = sla.escalation(after, now)
            if step is None:
                break
            following = dict(after, updated_at=now, **step["fields"])
            entry = escalation_entry(after, step, now)
            events.append(escalation_event(following, step, now, seq))
        entries.append(entry)
        after, seq = following, seq + 1
    if after.get("timer_at") and after["timer_at"] < now:   # nothing more can happen
        after = dict(after, timer_at=None)
    return after, entries, events


# --- what the API shows -------------------------------------------------------------------

def view(case: dict, now: str, with_history: bool = False) -> dict:
    """A case as its readers see it: where it is, who holds it, what is due, what may happen."""
    level = case.get("escalation_level", 0)
    shown = {
        "id": case["_id"], "status": case["status"], "kind": case["kind"],
        "spm_area": case["spm_area"], "service_type": case["service_type"],
        "desa_code": case["desa_code"], "posyandu_id": case["posyandu_id"],
        "kabupaten_code": case["kabupaten_code"], "visit_id": case.get("visit_id"),
        "household_ref": case.get("household_ref"),
        "opd": {"code": case["opd_code"], "name": case.get("opd_name"),
                "unit_code": case.get("unit_code")} if case.get("opd_code") else None,
        "reason": case.get("reason"),
        "routed_at": case["routed_at"], "updated_at": case.get("updated_at", case["routed_at"]),
        "deadline": case.get("deadline"),
        "acknowledge_due_at": case.get("acknowledge_due_at"), "due_at": case.get("due_at"),
        "triage_due_at": case.get("triage_due_at"), "deem_closed_at": case.get("deem_closed_at"),
        "overdue": sla.overdue(case, now),
        "escalation_level": level,
        "escalation_target": ESCALATION_TARGETS[level] if level else None,
        "linked_to": case.get("linked_to"), "linked_reports": list(case.get("linked_reports", [])),
        "allowed_actions": [a for a in allowed_actions(case) if a != "deem_closed"],
    }
    if with_history:
        shown["history"] = history_view(case)
    return shown


def history_view(case: dict) -> list[dict]:
    return [{"seq": i, **entry} for i, entry in enumerate(case["history"])]
