"""Reporting keeps the Posyandu counts of regions until the registry says they changed."""
from simpul_common import contracts
from simpul_common.cache import TtlCache
from simpul_reporting import usecases


def change(entity):
    return contracts.RegistryChanged(entity=entity, region="21.71", changed_at=contracts.utc_now())


def test_a_posyandu_change_makes_the_counts_be_asked_again():
    places, asked = TtlCache(300), []
    ask = lambda: asked.append(1) or {"total": len(asked)}  # noqa: E731
    places.get(("posyandu", "21.71"), ask)
    usecases.refresh_places(change("opd"), places)
    assert places.get(("posyandu", "21.71"), ask) == {"total": 1}
    usecases.refresh_places(change("posyandu"), places)
    assert places.get(("posyandu", "21.71"), ask) == {"total": 2}


def test_the_summary_carries_the_posyandu_counts_it_is_given():
    class NoCounters:
        def counters_of(self, region):
            return []
    summary = usecases.region_summary("21.71", NoCounters(), {"total": 574, "ilp": 428})
    assert summary["posyandu"] == {"total": 574, "ilp": 428} and summary["total"] == 0
