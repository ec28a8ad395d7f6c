import pytest
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError

from simpul_common import messaging
from simpul_common.nameko_ext.consumer import next_step

LAST = len(messaging.RETRY_DELAYS_MS)
OUTAGES = [ConnectionError("broker down"), TimeoutError(), AutoReconnect("mongo"),
           ServerSelectionTimeoutError("mongo"), ConnectionRefusedError()]


def test_a_failing_message_climbs_the_retry_ladder_one_step_per_failure():
    steps = [next_step(before, ValueError("bad")) for before in range(LAST)]
    assert steps == [("retry", n, n) for n in range(1, LAST + 1)]


def test_after_the_last_retry_a_failing_message_is_dead_lettered():
    assert next_step(LAST, ValueError("bad")) == ("dead", 0, LAST + 1)
    assert next_step(LAST + 9, KeyError("x")) == ("dead", 0, LAST + 10)


@pytest.mark.parametrize("error", OUTAGES)
def test_an_outage_waits_on_the_longest_delay_and_uses_up_no_attempt(error):
    for before in (0, 1, LAST, 100):
        assert next_step(before, error) == ("retry", LAST, before)


def test_a_real_error_after_outages_still_gets_every_retry():
    failures = 0
    for error in OUTAGES:
        _, _, failures = next_step(failures, error)
    assert next_step(failures, ValueError("bad")) == ("retry", 1, 1)


def test_every_retry_step_has_a_retry_queue():
    queues = {q.name for q in messaging.retry_queues("routing.reports")}
    for before in range(LAST):
        _, step, _ = next_step(before, ValueError())
        assert messaging.retry_queue_name("routing.reports", step) in queues
