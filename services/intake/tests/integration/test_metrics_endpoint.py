"""Intake in a nameko container with METRICS_PORT serves its Prometheus metrics over HTTP:
what its handlers did with each message, how long they took and how late the message was,
its RPC calls, and the reports it stored."""
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from simpul_common import contracts, messaging, sealing
from simpul_devtools.local import free_port, port_open
from simpul_devtools.pytest_fixtures import wait_until
from simpul_intake.service import IntakeService

SUBMISSIONS = {"service": "intake", "queue": "intake.submissions", "type": "report.submit"}
TRACKING = {"service": "intake", "queue": "intake.tracking", "type": "report.routed"}


@pytest.fixture
def intake(run_service, service_config, db_names, broker):
    """The container, and the URL of its metrics."""
    port = free_port()
    container = run_service(IntakeService, service_config(
        db_names["intake"], METRICS_PORT=port, METRICS_HOST="127.0.0.1"))
    return container, f"http://127.0.0.1:{port}/metrics"


def scrape(url: str) -> dict:
    """(series name, sorted labels) → value, as Prometheus reads them."""
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(scraped: dict, name: str, **labels) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def submission(data_key, report_id):
    sealed = sealing.seal(sealing.load_key(data_key), {"description": "Balita belum imunisasi"},
                          report_id)
    cmd = contracts.SubmitReport(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        desa_code="33.25.01.2001", posyandu_id="P332501200101", sealed=sealed,
        body_hash="h1", submitted_at=contracts.utc_now())
    return cmd.envelope(contracts.stable_id(report_id, cmd.type))


def test_a_handled_submission_shows_on_the_metrics_endpoint(intake, broker, data_key, rpc):
    _, url = intake
    before = scrape(url)
    envelope = submission(data_key, "21111111-2222-4333-8444-555555555555")
    broker.publish(envelope)
    broker.publish(envelope)   # a redelivery: handled again, stored (and counted) once

    after = wait_until(lambda: (s := scrape(url)) and value(
        s, "simpul_events_handled_total", **SUBMISSIONS, outcome="ok") - value(
        before, "simpul_events_handled_total", **SUBMISSIONS, outcome="ok") >= 2 and s,
        what="two handled submissions")
    assert value(after, "simpul_reports_received_total", kabupaten="33.25") == \
        value(before, "simpul_reports_received_total", kabupaten="33.25") + 1
    for histogram in ("simpul_handler_seconds_count", "simpul_event_lag_seconds_count"):
        assert value(after, histogram, **SUBMISSIONS) >= value(before, histogram, **SUBMISSIONS) + 2

    rpc.intake.health()   # counted once the reply is sent
    calls = wait_until(lambda: (s := scrape(url)) and value(
        s, "simpul_rpc_calls_total", service="intake", method="health", outcome="ok") >= 1 and s,
        what="the RPC call counted")
    assert value(calls, "simpul_rpc_seconds_count", service="intake", method="health") >= 1


def test_retries_dead_letters_and_invalid_messages_are_counted(intake, broker):
    _, url = intake
    before = scrape(url)
    routed = contracts.ReportRouted(   # for a report intake does not have: fails every time
        report_id="00000000-0000-4000-8000-00000000beef", kind="complaint",
        service_type="sosial.anak_terlantar", spm_area="sosial", desa_code="21.71.01.1002",
        posyandu_id="P217101100101", opd_code="21.71/dinsos", opd_name="Dinas Sosial",
        rule_id="r", due_at="2026-12-01T16:59:59+00:00", routed_at=contracts.utc_now())
    broker.publish(routed.envelope("poison-metrics-1"))
    broker.publish({"type": "report.submit", "version": 99, "id": "bad-metrics-1", "data": {}})

    def grown(outcome, labels, by):
        scraped = scrape(url)
        return value(scraped, "simpul_events_handled_total", **labels, outcome=outcome) - value(
            before, "simpul_events_handled_total", **labels, outcome=outcome) >= by
    wait_until(lambda: grown("dead", TRACKING, 1), seconds=15, what="the poison message dead")
    assert grown("retry", TRACKING, len(messaging.RETRY_DELAYS_MS))
    invalid = {"service": "intake", "queue": "intake.submissions", "type": "invalid"}
    assert grown("dead", invalid, 1)


def test_the_endpoint_closes_when_the_container_stops(intake):
    container, url = intake
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert port_open("127.0.0.1", port)
    container.stop()
    wait_until(lambda: not port_open("127.0.0.1", port), what="metrics port closed")


def test_containers_of_one_process_share_the_port_until_the_last_one_stops():
    from simpul_common.nameko_ext.metrics import serve, unserve
    port = free_port()
    serve("127.0.0.1", port)
    serve("127.0.0.1", port)
    unserve(port)
    assert "simpul_" in urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    unserve(port)
    wait_until(lambda: not port_open("127.0.0.1", port), what="metrics port closed")
