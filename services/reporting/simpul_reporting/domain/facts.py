"""Reporting's read model: one fact per report, projected from events, and the counters each
fact contributes to. A change of counts is the difference of a fact's counters before and
after an event, so events may arrive in any order and each is applied once."""
from simpul_common import contracts
from simpul_common.regions import ancestors_and_self

STATUS_RANK = {"received": 0, "routed": 1, "unroutable": 1, "linked": 1}
DIMENSIONS = ("status", "spm_area", "service_type", "kind", "opd")


def project(fact, received: contracts.Received) -> dict:
    event = received.message
    fact = dict(fact or {"_id": event.report_id, "applied": [], "status": "received"})
    fact.update(kind=event.kind, service_type=event.service_type, spm_area=event.spm_area,
                desa_code=event.desa_code, posyandu_id=event.posyandu_id)
    status = {contracts.ReportReceived.type: "received", contracts.ReportRouted.type: "routed",
              contracts.ReportUnroutable.type: "unroutable",
              contracts.ReportLinked.type: "linked"}[event.type]
    # a decision (routed, unroutable, linked) replaces an older one: a later position in the
    # case's history (transfer, assignment) wins, and at the same position the higher rank
    sequence = getattr(event, "sequence", 0) if status != "received" else -1
    latest = fact.get("sequence", -1)
    if sequence > latest or (sequence == latest and STATUS_RANK[status] > STATUS_RANK[fact["status"]]):
        fact["status"], fact["sequence"] = status, sequence
        if isinstance(event, contracts.ReportRouted):
            fact["opd_code"] = event.opd_code
    fact["applied"] = fact["applied"] + [received.id]
    return fact


def counter_keys(fact) -> set[tuple[str, str, str]]:
    """(region scope, dimension, value) of every counter a fact adds one to."""
    if not fact:
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
