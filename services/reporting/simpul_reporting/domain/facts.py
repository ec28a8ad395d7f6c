"""Reporting's read model: one fact per report, derived from the full, ordered list of that
report's events, and the counters each fact contributes to. Because a fact is a function of
the set of its events (not of their arrival order), replaying the journal reproduces it
exactly. A change of counts is the difference of a fact's counters before and after."""
import datetime as dt

from simpul_common import contracts
from simpul_common.regions import ancestors_and_self, timezone_of
from simpul_common.workdays import local_date, working_days_between

STATUS_RANK = {"received": 0, "routed": 1, "unroutable": 1, "linked": 1}
DIMENSIONS = ("status", "spm_area", "service_type", "kind", "opd")
OPEN = ("routed", "unroutable", "rejected", "acknowledged", "in_progress", "reopened")
TYPE_ORDER = {contracts.ReportReceived.type: 0, contracts.ReportRouted.type: 1,
              contracts.ReportUnroutable.type: 1, contracts.ReportLinked.type: 1,
              contracts.CaseChanged.type: 2, contracts.CaseEscalated.type: 3}
KEPT = tuple(TYPE_ORDER)


def journal_entry(received: contracts.Received) -> dict:
    """What the journal keeps of an event: enough to derive the fact again, nothing more."""
    return {"_id": received.id, "report_id": received.message.report_id,
            "type": received.message.type, "occurred_at": received.occurred_at,
            "data": _data(received.message)}


def _data(message) -> dict:
    import dataclasses
    return dataclasses.asdict(message)


def _order(entry: dict):
    data = entry["data"]
    sequence = -1 if entry["type"] == contracts.ReportReceived.type else data.get("sequence", 0)
    return (sequence, TYPE_ORDER[entry["type"]], entry["occurred_at"], entry["_id"])


def derive(report_id: str, entries: list[dict]) -> dict:
    """The fact of one report from its journal entries, in any order."""
    fact = {"_id": report_id, "status": "received", "opd_code": None, "events": len(entries),
            "received_at": None, "routed_at": None, "first_routed_at": None,
            "acknowledge_due_at": None, "due_at": None, "acknowledged_at": None,
            "resolved_at": None, "closed_at": None, "reopens": 0, "escalations": 0,
            "max_escalation": 0, "escalation_level": 0,
            "ack_due_in_force": None, "resolve_due_in_force": None}
    for entry in sorted(entries, key=_order):
        data, kind = entry["data"], entry["type"]
        fact.update({k: data[k] for k in ("kind", "service_type", "spm_area", "desa_code",
                                          "posyandu_id")})
        if kind == contracts.ReportReceived.type:
            fact["received_at"] = data["received_at"]
        elif kind == contracts.ReportRouted.type:
            fact.update(status="routed", opd_code=data["opd_code"], routed_at=data["routed_at"],
                        due_at=data["due_at"], acknowledge_due_at=data.get("acknowledge_due_at"))
            fact["first_routed_at"] = fact["first_routed_at"] or data["routed_at"]
        elif kind == contracts.ReportUnroutable.type:
            fact["status"] = "unroutable"
        elif kind == contracts.ReportLinked.type:
            fact["status"] = "linked"
        elif kind == contracts.CaseChanged.type:
            _changed(fact, data)
        elif kind == contracts.CaseEscalated.type:
            fact["escalations"] += 1
            fact["max_escalation"] = max(fact["max_escalation"], data["level"])
            fact["escalation_level"] = data["level"]
    fact.update(_places(fact))
    fact.update(_times(fact))
    return fact


def _changed(fact: dict, data: dict) -> None:
    fact["status"] = data["to_status"]
    action, at = data["action"], data["changed_at"]
    if action in ("transfer", "assign"):
        fact["opd_code"] = data.get("opd_code")
        if action == "assign" and not fact["first_routed_at"]:
            fact["first_routed_at"] = at
    elif action == "reject":
        fact["opd_code"] = None
    fact["escalation_level"] = data.get("escalation_level", 0)
    if data.get("due_at"):
        fact["due_at"] = data["due_at"]
    if data.get("acknowledge_due_at"):
        fact["acknowledge_due_at"] = data["acknowledge_due_at"]
    if action == "acknowledge" and not fact["acknowledged_at"]:
        # measured against the deadline in force then, whatever routing gives later
        fact["acknowledged_at"], fact["ack_due_in_force"] = at, fact["acknowledge_due_at"]
    elif action == "resolve":
        fact["resolved_at"], fact["resolve_due_in_force"] = at, fact["due_at"]
    elif action == "reopen":
        fact["reopens"] += 1
    if data["to_status"] == "closed":
        fact["closed_at"] = at


def _places(fact: dict) -> dict:
    if not fact.get("desa_code"):
        return {}
    zone = timezone_of(fact["desa_code"])
    day = local_date(fact["received_at"], zone) if fact["received_at"] else None
    return {"regions": ancestors_and_self(fact["desa_code"]),
            "kabupaten_code": fact["desa_code"][:5], "kecamatan_code": fact["desa_code"][:8],
            "timezone": zone, "day": day.isoformat() if day else None,
            "week": "%d-W%02d" % day.isocalendar()[:2] if day else None,
            "month": day.strftime("%Y-%m") if day else None}


def _times(fact: dict) -> dict:
    """Working days from routing to acknowledgement and to resolution, and whether each came
    within its deadline."""
    start = fact["first_routed_at"]
    zone = fact.get("timezone")
    times = {"ack_wd": None, "resolve_wd": None, "ack_in_sla": None, "resolve_in_sla": None}
    if not (start and zone):
        return times
    if fact["acknowledged_at"]:
        times["ack_wd"] = elapsed(start, fact["acknowledged_at"], zone)
        if fact["ack_due_in_force"]:
            times["ack_in_sla"] = fact["acknowledged_at"] <= fact["ack_due_in_force"]
    if fact["resolved_at"]:
        times["resolve_wd"] = elapsed(start, fact["resolved_at"], zone)
        if fact["resolve_due_in_force"]:
            times["resolve_in_sla"] = fact["resolved_at"] <= fact["resolve_due_in_force"]
    return times


def elapsed(start: str, end: str, zone: str) -> int:
    return working_days_between(local_date(start, zone), local_date(end, zone))


def period_of(day: dt.date, period: str) -> str:
    return {"day": day.isoformat(), "week": "%d-W%02d" % day.isocalendar()[:2],
            "month": day.strftime("%Y-%m")}[period]


# --- counters for the summary ------------------------------------------------------------------

def counter_keys(fact) -> set[tuple[str, str, str]]:
    """(region scope, dimension, value) of every counter a fact adds one to."""
    if not fact or not fact.get("desa_code"):
        return set()
    values = {"total": "all", "status": fact["status"], "spm_area": fact["spm_area"],
              "service_type": fact["service_type"], "kind": fact["kind"],
              "opd": fact.get("opd_code")}
    return {(scope, dim, value) for scope in ancestors_and_self(fact["desa_code"])
            for dim, value in values.items() if value is not None}


def counter_deltas(before, after) -> dict[tuple[str, str, str], int]:
    old, new = counter_keys(before), counter_keys(after)
    return {**{key: 1 for key in new - old}, **{key: -1 for key in old - new}}


def summary(region: str, counters: list[tuple[str, str, int]]) -> dict:
    """Counts of one region from its (dimension, value, n) counters."""
    result = {"region": region, "total": 0, **{f"by_{dim}": {} for dim in DIMENSIONS}}
    for dim, value, n in counters:
        if n == 0:
            continue
        if dim == "total":
            result["total"] = n
        else:
            result[f"by_{dim}"][value] = n
    return result
