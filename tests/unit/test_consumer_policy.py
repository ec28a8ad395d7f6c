import pytest
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError

from simpul_common import messaging
from simpul_common.nameko_ext.consumer import next_step

LAST = len(messaging.RETRY_DELAYS_MS)


def test_a_failing_message_climbs_the_retry_ladder_one_step_per_attempt():
    steps = [next_step(attempt, ValueError("bad")) for attempt in range(1, LAST + 1)]
    assert steps == [("retry", n) for n in range(1, LAST + 1)]


def test_after_the_last_retry_a_failing_message_is_dead_lettered():
    assert next_step(LAST + 1, ValueError("bad")) == ("dead", 0)
    assert next_step(LAST + 10, KeyError("x")) == ("dead", 0)


@pytest.mark.parametrize("error", [ConnectionError("broker down"), TimeoutError(),
                                   AutoReconnect("mongo"), ServerSelectionTimeoutError("mongo"),
                                   ConnectionRefusedError()])
def test_an_outage_is_never_dead_lettered(error):
    for attempt in (1, LAST, LAST + 1, 100):
        where, step = next_step(attempt, error)
        assert where == "retry"
        assert 1 <= step <= LAST


def test_an_outage_waits_at_most_the_longest_delay():
    assert next_step(100, ConnectionError()) == ("retry", LAST)


def test_every_retry_step_has_a_retry_queue():
    queues = {q.name for q in messaging.retry_queues("routing.reports")}
    for attempt in range(1, LAST + 1):
        _, step = next_step(attempt, ValueError())
        assert messaging.retry_queue_name("routing.reports", step) in queues
