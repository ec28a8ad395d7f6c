"""The routing decision for one report, kept as a case and announced as an event."""
from simpul_common import contracts
from simpul_common.regions import kabupaten_of, timezone_of

from .deadlines import due_at, local_date
from simpul_common.routing_rules import Rule, pick_rule

DEFAULT_FOLLOW_UP_WORKING_DAYS = 5


def decide(event: contracts.ReportReceived, table: dict, routed_at: str) -> dict:
    """A new case: routed to the responsible OPD with its deadline, or unroutable."""
    case = {
        "_id": event.report_id, "kind": event.kind, "service_type": event.service_type,
        "spm_area": event.spm_area, "desa_code": event.desa_code,
        "posyandu_id": event.posyandu_id, "kabupaten_code": kabupaten_of(event.desa_code),
        "routed_at": routed_at,
    }
    rules = [Rule.from_dict(r) for r in table["rules"]]
    zone = timezone_of(event.desa_code)
    rule = pick_rule(rules, event.service_type, event.desa_code, local_date(routed_at, zone))
    if rule is None or rule.opd_code not in table["opds"]:
        case.update(status="unroutable",
                    reason="tidak ada OPD penanggung jawab untuk jenis layanan ini di wilayah ini")
        return case
    norms = table["norms"].get(event.service_type, {})
    days = norms.get("follow_up_working_days", DEFAULT_FOLLOW_UP_WORKING_DAYS)
    case.update(status="routed", opd_code=rule.opd_code, opd_name=table["opds"][rule.opd_code],
                unit_code=rule.unit_code, rule_id=rule.id,
                due_at=due_at(routed_at, days, zone))
    return case


def outcome_event(case: dict) -> dict:
    """The event announcing a case's routing; the same id however often it is re-emitted."""
    common = dict(report_id=case["_id"], kind=case["kind"], service_type=case["service_type"],
                  spm_area=case["spm_area"], desa_code=case["desa_code"],
                  posyandu_id=case["posyandu_id"], routed_at=case["routed_at"])
    if case["status"] == "routed":
        event = contracts.ReportRouted(opd_code=case["opd_code"], opd_name=case["opd_name"],
                                       rule_id=case["rule_id"], due_at=case["due_at"],
                                       unit_code=case["unit_code"], **common)
    else:
        event = contracts.ReportUnroutable(reason=case["reason"],
                                           tph_region=case["kabupaten_code"], **common)
    return event.envelope(contracts.stable_id(case["_id"], event.type), case["routed_at"])
