"""Events recorded a batch at a time (`record_events`, as the consumer hands them) give the same
journal, facts and counts as one at a time, whatever the batches and however often an event
comes again, within a batch or after it."""
import random

import pytest

from simpul_reporting import usecases

from reporting_unit_support import (FakeRepository, life_events, nonzero, received, record_all,
                                    routed)


def every_event() -> list:
    return [*life_events("a"), *life_events("b", desa_code="51.71.01.1001"),
            received(report_id="c"), routed(report_id="c")]


def in_batches(events, size: int) -> FakeRepository:
    repo = FakeRepository()
    for start in range(0, len(events), size):
        usecases.record_events(events[start:start + size], repo)
    return repo


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("size", [1, 7, 50])
def test_batches_count_as_events_one_at_a_time(seed, size):
    events = every_event()
    shuffled = events + events[::4]                  # with redeliveries
    random.Random(seed).shuffle(shuffled)
    one_by_one, batched = record_all(events), in_batches(shuffled, size)
    assert batched.journal == one_by_one.journal
    assert batched.facts == one_by_one.facts
    assert nonzero(batched.counters) == nonzero(one_by_one.counters)


def test_a_batch_answers_how_many_events_were_new():
    repo = FakeRepository()
    assert usecases.record_events([received(), routed(), received()], repo) == 2
    assert usecases.record_events([routed(), routed(report_id="r-2")], repo) == 1
    assert usecases.record_events([received(), routed()], repo) == 0
    assert repo.facts["r-1"]["events"] == 2
