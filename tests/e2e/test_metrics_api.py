"""End to end: every process of the running system serves Prometheus metrics on the port
`LocalSystem` gave it, and a report filed through the gateway shows in the gateway's, intake's,
routing's and notification's metrics."""
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from simpul_devtools.local import SERVICES
from simpul_devtools.pytest_fixtures import wait_until

KABUPATEN = "33.25"


def scrape(url: str) -> dict:
    """(series name, sorted labels) → value."""
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(scraped: dict, name: str, **labels) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def declares_metrics(service: str) -> bool:
    from importlib import import_module

    from simpul_common.nameko_ext import Metrics
    module = import_module(f"simpul_{service}.service")
    return any(isinstance(dependency, Metrics) for cls in vars(module).values()
               if isinstance(cls, type) and getattr(cls, "name", None) == service
               for dependency in vars(cls).values())


@pytest.fixture(scope="module")
def urls(system):
    """The metrics URL of every process that serves metrics: "gateway", "intake-1", ..."""
    return {name: url for name, url in system.metrics_urls.items()
            if name == "gateway" or declares_metrics(name.rpartition("-")[0])}


@pytest.fixture(scope="module")
def place(api):
    items = api.get("/api/v1/posyandu", params={"kabupaten_code": KABUPATEN, "per_page": 1}).json()
    return items["items"][0]["desa_code"], items["items"][0]["id"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_process_serves_its_metrics_on_its_own_port(system, api, urls, service):
    if not declares_metrics(service):
        pytest.skip(f"{service} declares no Metrics() yet")
    assert len(set(system.metrics_ports.values())) == len(system.metrics_ports)
    assert api.get("/healthz").json()["services"][service] is True   # one RPC call each
    wait_until(lambda: value(scrape(urls[f"{service}-1"]), "simpul_rpc_calls_total",
                             service=service, method="health", outcome="ok") >= 1,
               what=f"{service}'s health call counted")


def test_a_filed_report_shows_in_the_metrics_of_each_process_it_crossed(api, urls, place):
    before = {name: scrape(url) for name, url in urls.items()}
    response = api.post("/api/v1/reports", json={
        "desa_code": place[0], "posyandu_id": place[1], "service_type": "kesehatan.balita",
        "kind": "complaint", "description": "Posyandu kehabisan vitamin A"})
    assert response.status_code == 202, response.text
    report_id = response.json()["id"]
    wait_until(lambda: api.get(f"/api/v1/cases/{report_id}").json().get("status") == "routed",
               seconds=15, interval=0.1, what="the case routed")

    gateway = scrape(urls["gateway"])
    accepted = {"route": "/api/v1/reports"}
    assert value(gateway, "simpul_reports_accepted_total", **accepted) == \
        value(before["gateway"], "simpul_reports_accepted_total", **accepted) + 1
    assert value(gateway, "simpul_http_requests_total", method="POST", route="/api/v1/reports",
                 status="202") >= 1
    assert value(gateway, "simpul_http_requests_total", method="GET",
                 route="/api/v1/cases/{case_id}", status="200") >= 1
    routes = {dict(labels).get("route") for _, labels in gateway}
    assert not any(report_id in str(route) for route in routes), "a route is its template"
    assert "/metrics" not in routes, "scrapes are not counted"

    def grows(process, name, **labels):
        wait_until(lambda: value(scrape(urls[process]), name, **labels)
                   > value(before[process], name, **labels),
                   seconds=15, interval=0.2, what=f"{name} {labels} of {process}")

    submissions = dict(service="intake", queue="intake.submissions", type="report.submit")
    reports = dict(service="routing", queue="routing.reports", type="report.received")
    grows("intake-1", "simpul_events_handled_total", **submissions, outcome="ok")
    grows("intake-1", "simpul_event_lag_seconds_count", **submissions)
    grows("intake-1", "simpul_reports_received_total", kabupaten=KABUPATEN)
    grows("routing-1", "simpul_events_handled_total", **reports, outcome="ok")
    grows("routing-1", "simpul_handler_seconds_count", **reports)
    grows("routing-1", "simpul_routing_outcomes_total", kabupaten=KABUPATEN, outcome="routed")
    grows("notification-1", "simpul_notification_attempts_total", channel="rabbitmq",
          outcome="delivered")
