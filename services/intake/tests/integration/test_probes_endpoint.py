"""Intake in a nameko container answers the liveness and readiness probes of deploy/ on its
metrics port: both once it has started (its consumers consume), neither once it stopped."""
import urllib.request

from simpul_devtools.local import free_port, port_open
from simpul_devtools.pytest_fixtures import wait_until
from simpul_intake.service import IntakeService


def status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status


def test_a_started_service_is_live_and_ready_until_it_stops(run_service, service_config, db_names):
    port = free_port()
    container = run_service(IntakeService, service_config(
        db_names["intake"], METRICS_PORT=port, METRICS_HOST="127.0.0.1"))
    base = f"http://127.0.0.1:{port}"

    assert status(f"{base}/healthz") == 200
    assert status(f"{base}/readyz") == 200
    assert status(f"{base}/metrics") == 200

    container.stop()
    wait_until(lambda: not port_open("127.0.0.1", port), what="probes gone with the container")
