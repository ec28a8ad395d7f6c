"""Notification counts every attempt by what became of the delivery, and times it
(simpul_notification_attempts_total, simpul_notification_latency_seconds)."""
import pytest
from prometheus_client import REGISTRY

from simpul_notification import usecases
from simpul_notification.domain.delivery import RetryPolicy


class Deliveries:
    def finish(self, outcomes):
        self.outcomes = outcomes


class Courier:
    policy = RetryPolicy(max_attempts=2)

    def __init__(self, ok):
        self.ok = ok

    def send(self, record):
        return {"ok": self.ok, "status_code": 200 if self.ok else 503, "latency_ms": 40.0}


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.mark.parametrize("ok, attempts_before, outcome", [
    (True, 0, "delivered"), (False, 0, "retry"), (False, 1, "parked")])
def test_an_attempt_counts_by_what_became_of_the_delivery(ok, attempts_before, outcome):
    record = {"_id": "n-1", "channel": "webhook", "destination": "https://opd.example/hook",
              "opd_code": "33.25/dinkes", "report_id": "r-1", "cause": "report.routed",
              "attempt_count": attempts_before}
    before = value("simpul_notification_attempts_total", channel="webhook", outcome=outcome)
    seconds = value("simpul_notification_latency_seconds_sum", channel="webhook")

    usecases.send([record], Deliveries(), Courier(ok), lambda envelope: None)

    assert value("simpul_notification_attempts_total", channel="webhook",
                 outcome=outcome) == before + 1
    assert value("simpul_notification_latency_seconds_sum",
                 channel="webhook") == pytest.approx(seconds + 0.04)
