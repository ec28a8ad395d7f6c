"""The metrics of simpul_common.metrics: defined once, with the labels docs/metrics.md lists;
recorded as the services and the gateway record them; and the only metrics the Prometheus
rules and the Grafana dashboard in deploy/ ask for."""
import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY, Counter, Histogram

from simpul_common import metrics

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "simpul-dashboard.json"
METRIC_NAME = re.compile(r"\bsimpul_[a-z_]+")

LABELS = {
    "simpul_events_handled": ("service", "queue", "type", "outcome"),
    "simpul_handler_seconds": ("service", "queue", "type"),
    "simpul_event_lag_seconds": ("service", "queue", "type"),
    "simpul_rpc_calls": ("service", "method", "outcome"),
    "simpul_rpc_seconds": ("service", "method"),
    "simpul_reports_received": ("kabupaten",),
    "simpul_routing_outcomes": ("kabupaten", "outcome"),
    "simpul_case_moves": ("action",),
    "simpul_sla_breaches": ("kabupaten", "deadline", "level"),
    "simpul_notification_attempts": ("channel", "outcome"),
    "simpul_notification_latency_seconds": ("channel",),
    "simpul_http_requests": ("method", "route", "status"),
    "simpul_http_request_seconds": ("method", "route"),
    "simpul_reports_accepted": ("route",),
    "simpul_gateway_rate_limited": ("limit",),
}


def defined() -> dict:
    """Every metric object of simpul_common.metrics, by the name Prometheus families have."""
    found = [value for value in vars(metrics).values() if isinstance(value, (Counter, Histogram))]
    return {m._name: m for m in found}


def series_names() -> set[str]:
    """The names of the series the defined metrics expose (`_total`, `_bucket`, ...)."""
    names = set()
    for name, metric in defined().items():
        suffixes = ("_total",) if isinstance(metric, Counter) else ("_bucket", "_sum", "_count")
        names.update(name + suffix for suffix in suffixes)
    return names


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- definitions -----------------------------------------------------------------------------

def test_every_metric_is_defined_once_with_its_labels():
    assert {name: metric._labelnames for name, metric in defined().items()} == LABELS


def test_every_metric_is_documented():
    documented = (ROOT / "docs" / "metrics.md").read_text()
    for name, metric in defined().items():
        exposed = name + "_total" if isinstance(metric, Counter) else name
        assert f"`{exposed}`" in documented, exposed


# --- recording ---------------------------------------------------------------------------------

def test_a_handled_message_counts_its_outcome_its_time_and_its_lag():
    labels = dict(service="unit", queue="routing.reports", type="report.received")
    occurred = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=3)).isoformat()
    before = sample("simpul_event_lag_seconds_bucket", **labels, le="2.5")

    done = metrics.handling("unit", "routing.reports", "report.received", occurred)
    metrics.handled(done, "retry")

    assert sample("simpul_events_handled_total", **labels, outcome="retry") >= 1
    assert sample("simpul_handler_seconds_count", **labels) >= 1
    assert sample("simpul_event_lag_seconds_count", **labels) >= 1
    assert sample("simpul_event_lag_seconds_bucket", **labels, le="2.5") == before, \
        "three seconds late is not under 2.5 s"
    assert sample("simpul_event_lag_seconds_bucket", **labels, le="5.0") >= 1


def test_a_message_outside_the_contract_counts_as_invalid():
    before = sample("simpul_events_handled_total", service="unit", queue="intake.submissions",
                    type=metrics.INVALID, outcome="dead")
    metrics.rejected("unit", "intake.submissions")
    assert sample("simpul_events_handled_total", service="unit", queue="intake.submissions",
                  type=metrics.INVALID, outcome="dead") == before + 1


@pytest.mark.parametrize("instant, seconds", [
    ("2026-11-02T03:00:00.000+00:00", 60.0), ("2026-11-02T03:00:00Z", 60.0),
    ("2026-11-02T10:00:00+07:00", 60.0), ("2026-11-02T03:02:00+00:00", 0.0),
    ("2026-11-02T03:00:00", None), ("None", None), ("", None)])
def test_lag_is_measured_from_an_instant_with_a_time_zone(instant, seconds):
    now = dt.datetime(2026, 11, 2, 3, 1, tzinfo=dt.timezone.utc)
    assert metrics.seconds_since(instant, now) == seconds


def test_a_notification_attempt_is_timed_in_seconds():
    before = sample("simpul_notification_latency_seconds_sum", channel="unit")
    metrics.notification_attempted("unit", "delivered", 250.0)
    metrics.notification_attempted("unit", "retry", None)   # a sender that did not say
    assert sample("simpul_notification_latency_seconds_sum", channel="unit") == before + 0.25
    assert sample("simpul_notification_attempts_total", channel="unit", outcome="retry") >= 1


def test_sla_breach_levels_are_labelled_as_text():
    metrics.deadline_missed("99.01", "acknowledge", 2)
    assert sample("simpul_sla_breaches_total", kabupaten="99.01", deadline="acknowledge",
                  level="2") >= 1


# --- what deploy/ asks for ---------------------------------------------------------------------

def alert_expressions() -> list[str]:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def test_the_alert_rules_ask_only_for_defined_metrics():
    used = {name for expr in alert_expressions() for name in METRIC_NAME.findall(expr)}
    assert used and used <= series_names()


def test_the_dashboard_asks_only_for_defined_metrics_and_shows_every_one():
    dashboard = json.loads(DASHBOARD.read_text())
    queries = dashboard_expressions() + [v["definition"] for v in dashboard["templating"]["list"]]
    used = {name for expr in queries for name in METRIC_NAME.findall(expr)}
    assert used <= series_names()
    shown = {re.sub(r"_(total|bucket|sum|count)$", "", name) for name in used}
    assert shown == set(defined())


def test_the_dashboard_is_a_grafana_dashboard():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["schemaVersion"] >= 39 and dashboard["uid"] and dashboard["title"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert 0 <= grid["x"] and grid["x"] + grid["w"] <= 24, panel["title"]
        if panel["type"] != "row":
            assert panel["targets"] and all(t["expr"] for t in panel["targets"]), panel["title"]


def test_the_quantiles_are_taken_of_histogram_buckets():
    for expr in alert_expressions() + dashboard_expressions():
        for quantile in re.findall(r"histogram_quantile\([^,]+,(.*)", expr):
            assert re.search(r"simpul_[a-z_]+_bucket", quantile) and "le" in quantile, expr


def test_prometheus_configs_parse():
    for name in ("prometheus.yml", "local.yml"):
        config = yaml.safe_load((PROMETHEUS / name).read_text())
        assert config["scrape_configs"] and config["rule_files"], name
