"""One delivery on one channel: retries with exponential backoff and jitter, parking after the
last attempt, the attempt log, and what other services and operators see of it. Pure."""
import datetime as dt
import random

import pytest

from simpul_common import contracts
from simpul_notification.domain import delivery
from simpul_notification.domain.delivery import RetryPolicy, outcome

AT = "2026-11-02T03:00:00.000+00:00"


class FixedRandom:
    """A random source that always answers `value` (0 ≤ value < 1)."""

    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


def record(channel="webhook", destination="https://dinkes.example.go.id/hook", **fields):
    return {"_id": "n-1", "cause": "e-1", "event_type": "report.routed", "kind": "new_case",
            "report_id": "r-1", "kabupaten_code": "33.25", "opd_code": "33.25/dinkes",
            "posyandu_id": "P332501200101", "channel": channel, "destination": destination,
            "channel_key": f"33.25/dinkes|{channel}",
            "recipient": {"role": "opd", "id": "33.25/dinkes"},
            "payload": {"secret": "stays inside"}, "status": "sending", "attempts": [],
            "attempt_count": 0, "next_attempt_at": AT, "created_at": AT, **fields}


def seconds_between(earlier, later):
    return (dt.datetime.fromisoformat(later) - dt.datetime.fromisoformat(earlier)).total_seconds()


# --- RetryPolicy.delay ---------------------------------------------------------------------------

def test_the_default_policy_is_eight_attempts_from_ten_seconds_to_an_hour():
    assert RetryPolicy() == RetryPolicy(max_attempts=8, base_seconds=10.0, max_seconds=3600.0)


@pytest.mark.parametrize("failures,ceiling", [(1, 10), (2, 20), (3, 40), (4, 80), (8, 1280),
                                              (9, 2560), (10, 3600), (30, 3600)])
def test_the_delay_is_between_half_and_all_of_the_capped_exponential(failures, ceiling):
    policy = RetryPolicy()
    assert policy.delay(failures, FixedRandom(0.0)) == ceiling / 2
    assert policy.delay(failures, FixedRandom(0.999999)) == pytest.approx(ceiling, rel=1e-5)
    rand = random.Random(failures)
    for _ in range(200):
        assert ceiling / 2 <= policy.delay(failures, rand) <= ceiling


def test_the_delay_never_exceeds_max_seconds():
    policy = RetryPolicy(base_seconds=1, max_seconds=60)
    rand = random.Random(7)
    assert all(policy.delay(n, rand) <= 60 for n in range(1, 40) for _ in range(20))
    assert policy.delay(7, FixedRandom(0.0)) == 30       # 64 capped at 60, halved


def test_the_jitter_spreads_retries_of_the_same_failure_count():
    rand = random.Random(1)
    delays = {RetryPolicy().delay(3, rand) for _ in range(50)}
    assert len(delays) > 40


def test_the_delay_uses_the_global_random_source_by_default(monkeypatch):
    monkeypatch.setattr(random, "random", lambda: 0.0)
    assert RetryPolicy().delay(2) == 10


# --- outcome -------------------------------------------------------------------------------------

def test_a_successful_attempt_delivers():
    changes, attempt = outcome(record(attempt_count=2),
                               {"ok": True, "status_code": 204, "latency_ms": 12.5}, AT,
                               RetryPolicy())
    assert changes == {"status": "delivered", "delivered_at": AT, "attempt_count": 3,
                       "next_attempt_at": None, "last_error": None}
    assert attempt == {"at": AT, "ok": True, "latency_ms": 12.5, "status_code": 204}


def test_a_failed_attempt_is_retried_later_by_the_policys_delay():
    policy = RetryPolicy(base_seconds=10)
    changes, attempt = outcome(record(), {"ok": False, "status_code": 503, "latency_ms": 40.0},
                               AT, policy, FixedRandom(0.5))
    assert changes["status"] == "pending" and changes["attempt_count"] == 1
    assert changes["last_error"] == "HTTP 503"
    assert seconds_between(AT, changes["next_attempt_at"]) == policy.delay(1, FixedRandom(0.5))
    assert changes["next_attempt_at"] == "2026-11-02T03:00:07.500+00:00"
    assert attempt == {"at": AT, "ok": False, "latency_ms": 40.0, "status_code": 503}
    assert "parked_at" not in changes and "delivered_at" not in changes


def test_later_failures_wait_longer():
    policy = RetryPolicy()
    waits = []
    for count in range(0, 5):
        changes, _ = outcome(record(attempt_count=count), {"ok": False, "error": "x"}, AT, policy,
                             FixedRandom(0.0))
        waits.append(seconds_between(AT, changes["next_attempt_at"]))
    assert waits == [5, 10, 20, 40, 80]


def test_an_error_without_a_status_code_is_kept_as_the_last_error():
    changes, attempt = outcome(record(), {"ok": False, "error": "ConnectionRefusedError: nope",
                                          "latency_ms": 1.0}, AT, RetryPolicy(), FixedRandom(0))
    assert changes["last_error"] == "ConnectionRefusedError: nope"
    assert attempt == {"at": AT, "ok": False, "latency_ms": 1.0,
                       "error": "ConnectionRefusedError: nope"}


def test_the_attempt_keeps_status_code_and_error_together():
    _, attempt = outcome(record(), {"ok": False, "status_code": 550, "error": "mailbox unavailable",
                                    "latency_ms": 3.2}, AT, RetryPolicy(), FixedRandom(0))
    assert (attempt["status_code"], attempt["error"], attempt["latency_ms"]) == (
        550, "mailbox unavailable", 3.2)


def test_the_last_attempt_parks_the_delivery():
    policy = RetryPolicy(max_attempts=3)
    changes, attempt = outcome(record(attempt_count=2),
                               {"ok": False, "error": "timed out", "latency_ms": 5000.0}, AT,
                               policy)
    assert changes == {"status": "parked", "parked_at": AT, "attempt_count": 3,
                       "next_attempt_at": None, "last_error": "timed out"}
    assert attempt["ok"] is False and attempt["error"] == "timed out"


def test_the_attempt_before_the_last_is_still_retried():
    changes, _ = outcome(record(attempt_count=1), {"ok": False, "error": "x"}, AT,
                         RetryPolicy(max_attempts=3), FixedRandom(0))
    assert changes["status"] == "pending"


def test_a_success_on_the_last_attempt_delivers():
    changes, _ = outcome(record(attempt_count=7), {"ok": True}, AT, RetryPolicy())
    assert changes["status"] == "delivered"


def test_outcome_is_pure():
    given = record(attempt_count=1)
    kept = dict(given)
    outcome(given, {"ok": False, "error": "x"}, AT, RetryPolicy(), FixedRandom(0))
    assert given == kept


def test_later_answers_utc_text_with_milliseconds():
    assert delivery.later(AT, 90.25) == "2026-11-02T03:01:30.250+00:00"
    assert delivery.later("2026-11-02T10:00:00+07:00", 0) == "2026-11-02T03:00:00.000+00:00"
    assert delivery.later(AT, -60) == "2026-11-02T02:59:00.000+00:00"


# --- what others see -----------------------------------------------------------------------------

@pytest.mark.parametrize("channel,destination,shown", [
    ("email", "kepala.dinas@dinkes.example.go.id", "k***@dinkes.example.go.id"),
    ("email", "a@b.id", "a***@b.id"),
    ("webhook", "https://dinkes.example.go.id/hook", "https://dinkes.example.go.id/hook"),
    ("rabbitmq", "simpul.opd.33.25.dinkes", "simpul.opd.33.25.dinkes"),
])
def test_only_email_addresses_are_masked(channel, destination, shown):
    assert delivery.masked_destination(record(channel, destination)) == shown


def test_the_delivered_event_names_the_notification_with_a_stable_id():
    done = record("email", "kepala@dinkes.example.go.id", status="delivered",
                  delivered_at="2026-11-02T03:00:02.000+00:00")
    envelope = delivery.delivered_event(done)
    assert envelope == delivery.delivered_event(dict(done))
    assert envelope["id"] == contracts.stable_id("n-1", "notification.delivered")
    assert envelope["occurred_at"] == "2026-11-02T03:00:02.000+00:00"
    message = contracts.decode(envelope).message
    assert message == contracts.NotificationDelivered(
        notification_id="n-1", report_id="r-1", opd_code="33.25/dinkes", channel="email",
        destination="k***@dinkes.example.go.id", cause="e-1",
        delivered_at="2026-11-02T03:00:02.000+00:00")


def test_the_delivered_event_of_a_tph_email_has_an_empty_opd_code():
    done = record("email", "tph@batangkab.example.go.id", opd_code=None,
                  delivered_at=AT, status="delivered")
    assert contracts.decode(delivery.delivered_event(done)).message.opd_code == ""


def test_the_view_hides_the_payload_and_the_full_address():
    shown = delivery.view(record("email", "kepala@dinkes.example.go.id",
                                 attempts=[{"at": AT, "ok": False, "error": "x", "latency_ms": 1}],
                                 last_error="x"))
    assert shown["id"] == "n-1" and "_id" not in shown
    assert "payload" not in shown and "channel_key" not in shown
    assert shown["destination"] == "k***@dinkes.example.go.id"
    assert shown["attempts"] == [{"at": AT, "ok": False, "error": "x", "latency_ms": 1}]
    assert set(shown) == {"id", "cause", "event_type", "kind", "report_id", "kabupaten_code",
                          "opd_code", "posyandu_id", "channel", "destination", "status",
                          "attempt_count", "next_attempt_at", "created_at", "delivered_at",
                          "parked_at", "last_error", "recipient", "attempts"}
    assert (shown["delivered_at"], shown["parked_at"]) == (None, None)


def test_the_view_copies_the_attempts():
    given = record(attempts=[{"at": AT, "ok": True}])
    delivery.view(given)["attempts"].append("changed")
    assert given["attempts"] == [{"at": AT, "ok": True}]


def test_statuses():
    assert delivery.STATUSES == ("pending", "sending", "delivered", "parked")
