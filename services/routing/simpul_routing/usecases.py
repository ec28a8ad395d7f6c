"""Routing's use case: decide who is responsible for a received report, once."""
from simpul_common import contracts
from simpul_common.regions import kabupaten_of

from .domain.case import decide, outcome_event


def route_report(event: contracts.ReportReceived, cases, routing_table, publish) -> dict:
    """`routing_table(kabupaten_code)` gives the registry's rules; a redelivered report
    re-announces the stored decision instead of deciding again."""
    case = cases.get(event.report_id)
    if case is None:
        table = routing_table(kabupaten_of(event.desa_code))
        case = cases.add(decide(event, table, contracts.utc_now()))
    publish(outcome_event(case))
    return case
