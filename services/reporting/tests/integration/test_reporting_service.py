"""Reporting in a nameko container: counts fed by events, each event counted once."""
import pytest

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until
from simpul_reporting.service import ReportingService


@pytest.fixture
def reporting(run_service, service_config, db_names, broker):
    """Reporting alone: the registry does not answer, the counts of reports still do."""
    run_service(ReportingService, service_config(db_names["reporting"],
                                                 REGISTRY_RPC_TIMEOUT_SECONDS=0.2))


def events_for(report_id, desa_code, service_type, opd_code):
    common = dict(report_id=report_id, kind="complaint", service_type=service_type,
                  spm_area=service_type.split(".")[0], desa_code=desa_code, posyandu_id="P1")
    received = contracts.ReportReceived(received_at=contracts.utc_now(), **common)
    routed = contracts.ReportRouted(opd_code=opd_code, opd_name="x", rule_id="r",
                                    due_at="2026-12-01T00:00:00+00:00",
                                    routed_at=contracts.utc_now(), **common)
    return [received.envelope(contracts.stable_id(report_id, received.type)),
            routed.envelope(contracts.stable_id(report_id, routed.type))]


def test_counts_by_region_area_type_opd_and_status_exactly_once(reporting, broker, rpc):
    a = events_for("a", "33.25.01.2001", "kesehatan.balita", "33.25/dinkes")
    b = events_for("b", "33.25.02.2001", "pendidikan.dasar", "33.25/disdik")
    c = events_for("c", "21.71.01.1002", "sosial.lansia_terlantar", "21.71/dinsos")
    for envelope in [a[1], a[0], a[0], b[0], c[0], c[1], a[1]]:  # out of order, duplicated
        broker.publish(envelope)

    summary = wait_until(lambda: (s := rpc.reporting.summary("33.25"))["total"] == 2 and
                         s["by_status"].get("routed") == 1 and s, what="Batang counts")
    assert summary["by_status"] == {"routed": 1, "received": 1}
    assert summary["by_spm_area"] == {"kesehatan": 1, "pendidikan": 1}
    assert summary["by_opd"] == {"33.25/dinkes": 1}
    assert summary["posyandu"] is None   # no registry running: the summary did not wait for it
    assert rpc.reporting.summary("33.25.01")["total"] == 1
    assert rpc.reporting.summary("33.25.01.2001")["by_service_type"] == {"kesehatan.balita": 1}
    batam = wait_until(lambda: (s := rpc.reporting.summary("21.71"))["by_status"].get("routed") and s)
    assert batam["total"] == 1 and batam["by_opd"] == {"21.71/dinsos": 1}
    assert rpc.reporting.summary("33")["total"] == 2

    broker.publish(b[1])
    after = wait_until(lambda: (s := rpc.reporting.summary("33.25"))["by_status"].get("routed") == 2 and s)
    assert after["total"] == 2 and "received" not in after["by_status"]
