"""The counts of the summary, fed by events through `record_event` (journal, derived fact,
counter deltas): each report counts exactly once per region level and dimension; a
redelivered event changes nothing; any arrival order gives the same counts; a later transfer
wins; a received event never replaces a decision; a linked report counts as linked."""
import itertools

import pytest

from simpul_reporting import usecases
from simpul_reporting.domain import facts

from reporting_unit_support import (DINKES, DINSOS, FakeRepository, changed, derive, entries,
                                    eod, linked, moved, nonzero, nov, received, record_all,
                                    routed, unroutable)

REGIONS = ("33", "33.25", "33.25.01", "33.25.01.2001")


def test_a_received_report_counts_once_in_every_region_above_its_desa():
    repo = record_all([received()])
    for region in REGIONS:
        summary = usecases.region_summary(region, repo)
        assert summary["total"] == 1, region
        assert summary["by_status"] == {"received": 1}
        assert summary["by_spm_area"] == {"kesehatan": 1}
        assert summary["by_service_type"] == {"kesehatan.balita": 1}
        assert summary["by_kind"] == {"complaint": 1}
        assert summary["by_opd"] == {}


def test_a_report_counts_in_no_other_region():
    repo = record_all([received(), routed()])
    for region in ("33.25.02", "33.25.01.2002", "33.24", "34"):
        assert usecases.region_summary(region, repo)["total"] == 0, region
    assert {scope for scope, _, _ in repo.counters} == set(REGIONS)


def test_each_report_adds_exactly_one_to_each_of_its_counters():
    repo = record_all([received(), routed(), changed("acknowledge", "routed", "acknowledged",
                                                      nov(3), 1, due=eod(9))])
    assert nonzero(repo.counters) == {
        (scope, dim, value): 1 for scope in REGIONS for dim, value in (
            ("total", "all"), ("status", "acknowledged"), ("spm_area", "kesehatan"),
            ("service_type", "kesehatan.balita"), ("kind", "complaint"), ("opd", DINKES))}


def test_a_routed_event_moves_the_report_from_received_to_routed():
    summary = usecases.region_summary("33.25", record_all([received(), routed()]))
    assert summary["total"] == 1
    assert summary["by_status"] == {"routed": 1}
    assert summary["by_opd"] == {DINKES: 1}


def test_an_unroutable_event_counts_the_report_as_unroutable_without_an_opd():
    summary = usecases.region_summary("33.25", record_all([received(), unroutable()]))
    assert summary["by_status"] == {"unroutable": 1}
    assert summary["by_opd"] == {}


def test_a_redelivered_event_is_refused_and_changes_nothing():
    repo = FakeRepository()
    assert usecases.record_event(received(), repo) is True
    assert usecases.record_event(routed(), repo) is True
    fact, counters = dict(repo.facts["r-1"]), nonzero(repo.counters)
    assert usecases.record_event(routed(), repo) is False
    assert usecases.record_event(received(), repo) is False
    assert repo.facts["r-1"] == fact and nonzero(repo.counters) == counters
    assert repo.journal_size() == 2 and fact["events"] == 2
    assert usecases.region_summary("33.25", repo)["by_status"] == {"routed": 1}


def three_reports():
    return [received(), routed(),
            received(report_id="r-2", kind="aspiration"),
            unroutable(report_id="r-2", kind="aspiration"),
            received(report_id="r-3", desa_code="33.25.02.2001",
                     service_type="sosial.anak_terlantar")]


def test_the_order_of_events_does_not_change_the_counters_or_the_facts():
    events = three_reports()
    reference = record_all(events)
    for order in itertools.permutations(events):
        repo = record_all(order)
        assert nonzero(repo.counters) == nonzero(reference.counters)
        assert repo.facts == reference.facts


def test_a_routed_event_arriving_before_its_received_event_counts_the_same():
    early = record_all([routed()])
    summary = usecases.region_summary("33.25", early)
    assert (summary["total"], summary["by_status"], summary["by_opd"]) == (1, {"routed": 1},
                                                                          {DINKES: 1})
    late_received = record_all([received()], early)
    assert nonzero(late_received.counters) == nonzero(record_all([received(), routed()]).counters)


def test_no_counter_goes_negative_in_any_order():
    for order in itertools.permutations(three_reports()):
        assert min(record_all(order).counters.values()) >= 0


def test_counters_of_three_reports_add_up():
    summary = usecases.region_summary("33.25", record_all(three_reports()))
    assert summary["total"] == 3
    assert summary["by_status"] == {"routed": 1, "unroutable": 1, "received": 1}
    assert summary["by_kind"] == {"complaint": 2, "aspiration": 1}
    assert summary["by_spm_area"] == {"kesehatan": 2, "sosial": 1}
    assert summary["by_opd"] == {DINKES: 1}
    kecamatan = usecases.region_summary("33.25.01", record_all(three_reports()))
    assert kecamatan["total"] == 2 and kecamatan["by_spm_area"] == {"kesehatan": 2}


# --- counter keys and deltas ----------------------------------------------------------------

def test_counter_keys_of_a_fact_cover_every_region_level_and_dimension_once():
    keys = facts.counter_keys(derive([received(), routed()]))
    assert keys == {(scope, dim, value) for scope in REGIONS for dim, value in (
        ("total", "all"), ("status", "routed"), ("spm_area", "kesehatan"),
        ("service_type", "kesehatan.balita"), ("kind", "complaint"), ("opd", DINKES))}


def test_no_fact_or_a_fact_without_a_place_has_no_counter():
    assert facts.counter_keys(None) == set()
    assert facts.counter_keys({"_id": "x", "status": "received"}) == set()


def test_counter_deltas_of_a_new_fact_add_one_to_each_of_its_counters():
    after = derive([received()])
    deltas = facts.counter_deltas(None, after)
    assert set(deltas.values()) == {1}
    assert set(deltas) == facts.counter_keys(after)
    assert ("33.25", "total", "all") in deltas
    assert ("33.25.01.2001", "status", "received") in deltas


def test_counter_deltas_of_a_status_change_move_one_count():
    before = derive([received()])
    after = derive([received(), routed()])
    deltas = facts.counter_deltas(before, after)
    assert deltas[("33.25", "status", "received")] == -1
    assert deltas[("33.25", "status", "routed")] == 1
    assert deltas[("33.25", "opd", DINKES)] == 1
    assert ("33.25", "total", "all") not in deltas
    assert len(deltas) == 3 * 4


def test_counter_deltas_of_an_unchanged_fact_are_empty():
    fact = derive([received(), routed()])
    assert facts.counter_deltas(fact, dict(fact)) == {}


def test_summary_leaves_out_zero_counts():
    summary = facts.summary("33.25", [("total", "all", 2), ("status", "received", 0),
                                      ("status", "routed", 2)])
    assert summary["total"] == 2
    assert summary["by_status"] == {"routed": 2}


def test_summary_of_a_region_without_reports_is_all_zero():
    assert facts.summary("21.71", []) == {
        "region": "21.71", "total": 0, "by_status": {}, "by_spm_area": {},
        "by_service_type": {}, "by_kind": {}, "by_opd": {}}


# --- linked reports -------------------------------------------------------------------------

def test_a_report_joined_to_an_open_case_counts_as_linked():
    summary = usecases.region_summary("33.25", record_all([received(), linked()]))
    assert summary["total"] == 1
    assert summary["by_status"] == {"linked": 1}
    assert summary["by_opd"] == {}


def test_a_linked_event_arriving_first_counts_the_same():
    for order in itertools.permutations([received(), linked()]):
        summary = usecases.region_summary("33.25.01", record_all(order))
        assert (summary["total"], summary["by_status"]) == (1, {"linked": 1})


def test_linked_reports_count_beside_routed_and_unroutable_in_any_order():
    events = three_reports() + [received(report_id="r-4"), linked(report_id="r-4")]
    expected = nonzero(record_all(events).counters)
    for order in itertools.permutations(events[-4:]):
        assert nonzero(record_all(events[:-4] + list(order)).counters) == expected
    summary = usecases.region_summary("33.25", record_all(events))
    assert summary["total"] == 4
    assert summary["by_status"] == {"routed": 1, "unroutable": 1, "received": 1, "linked": 1}


def test_a_linked_event_moves_one_count_from_received_to_linked():
    deltas = facts.counter_deltas(derive([received()]), derive([received(), linked()]))
    assert deltas[("33.25", "status", "received")] == -1
    assert deltas[("33.25", "status", "linked")] == 1
    assert len(deltas) == 2 * 4     # two status counters in each of the four regions


# --- transfers and assignments --------------------------------------------------------------

@pytest.mark.parametrize("first", ["routed", "unroutable"])
def test_a_reassigned_report_counts_the_same_in_any_order(first):
    if first == "routed":
        decision = [routed()]
        move = moved("transfer", "routed", nov(3), 1, DINSOS, eod(6), eod(10))
    else:
        decision = [unroutable()]
        move = moved("assign", "unroutable", nov(3), 1, DINSOS, eod(6), eod(10))
    events = [received(), *decision, *move]
    results = {tuple(sorted(nonzero(record_all(order).counters).items()))
               for order in itertools.permutations(events)}
    assert len(results) == 1
    summary = usecases.region_summary("33.25", record_all(events))
    assert (summary["by_status"], summary["by_opd"]) == ({"routed": 1}, {DINSOS: 1})


def test_a_later_transfer_wins_over_an_earlier_one_in_any_order():
    events = [received(), routed(),
              *moved("transfer", "routed", nov(3), 1, DINSOS, eod(6), eod(10)),
              *moved("transfer", "routed", nov(4), 3, DINKES, eod(9), eod(11))]
    for order in itertools.permutations(events):
        repo = record_all(list(order))
        summary = usecases.region_summary("33.25", repo)
        assert summary["by_opd"] == {DINKES: 1}, order
        assert summary["by_status"] == {"routed": 1}, order
        assert repo.facts["r-1"]["routed_at"] == nov(4)


def test_a_received_event_never_replaces_a_decision():
    for later in (routed(), unroutable(), linked()):
        decided = facts.derive("r-1", list(reversed(entries([received(at=nov(9)), later]))))
        assert decided["status"] == later.message.type.split(".")[1], later.message.type
    fact = derive([routed(), received(at=nov(9))])
    assert (fact["status"], fact["opd_code"]) == ("routed", DINKES)
