"""Reporting's use cases: fold an event into the counts; answer a summary."""
from functools import partial

from simpul_common import contracts

from .domain import facts


def record_event(received: contracts.Received, repo) -> bool:
    return repo.apply(received.message.report_id, received.id,
                      partial(facts.project, received=received), facts.counter_deltas)


def region_summary(region: str, repo) -> dict:
    return facts.summary(region, repo.counters_of(region))
