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


ROUTING_ENTITIES = {"routing_rule", "opd", "service_type"}


def refresh_tables(change: contracts.RegistryChanged, tables) -> None:
    """Forget the cached routing table a registry change touches, so the next report of that
    kabupaten/kota is decided on the new rules."""
    if change.entity in ROUTING_ENTITIES:
        tables.forget(change.region or None)
