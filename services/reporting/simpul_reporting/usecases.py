"""Reporting's use cases: fold an event into the counts; answer a summary."""
from functools import partial

from simpul_common import contracts

from .domain import facts


def record_event(received: contracts.Received, repo) -> bool:
    return repo.apply(received.message.report_id, received.id,
                      partial(facts.project, received=received), facts.counter_deltas)


def region_summary(region: str, repo, posyandu_counts=None) -> dict:
    """The counts of a region, with how many Posyandu it has (from the registry)."""
    return {**facts.summary(region, repo.counters_of(region)), "posyandu": posyandu_counts}


def refresh_places(change: contracts.RegistryChanged, places) -> None:
    """A Posyandu added, moved, (de)activated or re-labelled ILP changes the counts of its
    regions: forget them all (they are cheap to ask again)."""
    if change.entity in ("posyandu", "region"):
        places.forget()
