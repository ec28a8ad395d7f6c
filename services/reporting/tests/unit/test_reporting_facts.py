import itertools
from collections import Counter

import pytest

from simpul_common import contracts
from simpul_reporting import usecases
from simpul_reporting.domain import facts

COMMON = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")


class FakeReportingRepository:
    """In memory, with the semantics of repository.ReportingRepository."""

    def __init__(self):
        self.facts = {}
        self.counters = Counter()

    def apply(self, report_id, event_id, project, deltas):
        before = self.facts.get(report_id)
        if before and event_id in before["applied"]:
            return False
        after = project(before)
        self.facts[report_id] = after
        for key, n in deltas(before, after).items():
            self.counters[key] += n
        return True

    def counters_of(self, region):
        return [(dim, value, n) for (scope, dim, value), n in self.counters.items()
                if scope == region]


def envelope(message, event_id):
    return contracts.decode(message.envelope(event_id, "2026-11-02T03:00:00+00:00"))


def received_event(**overrides):
    fields = {**COMMON, **overrides}
    return envelope(contracts.ReportReceived(received_at="t", **fields),
                    "received-" + fields["report_id"])


def routed_event(**overrides):
    fields = {**COMMON, **overrides}
    return envelope(contracts.ReportRouted(opd_code="33.25/dinkes", opd_name="Dinkes",
                                           rule_id="x", due_at="d", routed_at="t", **fields),
                    "routed-" + fields["report_id"])


def unroutable_event(**overrides):
    fields = {**COMMON, **overrides}
    return envelope(contracts.ReportUnroutable(reason="x", tph_region="33.25", routed_at="t",
                                               **fields),
                    "unroutable-" + fields["report_id"])


def record_all(events):
    repo = FakeReportingRepository()
    for event in events:
        usecases.record_event(event, repo)
    return repo


def nonzero(counters):
    return {key: n for key, n in counters.items() if n}


def test_a_received_report_counts_once_in_every_region_above_its_desa():
    repo = record_all([received_event()])
    for region in ("33", "33.25", "33.25.01", "33.25.01.2001"):
        summary = usecases.region_summary(region, repo)
        assert summary["total"] == 1, region
        assert summary["by_status"] == {"received": 1}
        assert summary["by_spm_area"] == {"kesehatan": 1}
        assert summary["by_service_type"] == {"kesehatan.balita": 1}
        assert summary["by_kind"] == {"complaint": 1}
        assert summary["by_opd"] == {}


def test_a_report_does_not_count_in_a_neighbouring_kecamatan():
    repo = record_all([received_event()])
    assert usecases.region_summary("33.25.02", repo)["total"] == 0


def test_a_routed_event_moves_the_report_from_received_to_routed():
    repo = record_all([received_event(), routed_event()])
    summary = usecases.region_summary("33.25", repo)
    assert summary["total"] == 1
    assert summary["by_status"] == {"routed": 1}
    assert summary["by_opd"] == {"33.25/dinkes": 1}


def test_an_unroutable_event_counts_the_report_as_unroutable_without_an_opd():
    repo = record_all([received_event(), unroutable_event()])
    summary = usecases.region_summary("33.25", repo)
    assert summary["by_status"] == {"unroutable": 1}
    assert summary["by_opd"] == {}


def test_an_event_applied_twice_counts_once():
    repo = FakeReportingRepository()
    assert usecases.record_event(received_event(), repo) is True
    assert usecases.record_event(routed_event(), repo) is True
    assert usecases.record_event(routed_event(), repo) is False
    assert usecases.record_event(received_event(), repo) is False
    assert usecases.region_summary("33.25", repo)["by_status"] == {"routed": 1}


def three_reports():
    return [received_event(), routed_event(),
            received_event(report_id="r-2", kind="aspiration"), unroutable_event(report_id="r-2",
                                                                                 kind="aspiration"),
            received_event(report_id="r-3", desa_code="33.25.02.2001",
                           service_type="sosial.anak_terlantar", spm_area="sosial")]


def test_the_order_of_events_does_not_change_the_counters():
    events = three_reports()
    expected = nonzero(record_all(events).counters)
    for order in itertools.permutations(events):
        assert nonzero(record_all(order).counters) == expected


def test_a_routed_event_arriving_before_its_received_event_counts_the_same():
    early = record_all([routed_event()])
    assert usecases.region_summary("33.25", early)["by_status"] == {"routed": 1}
    assert usecases.region_summary("33.25", early)["total"] == 1


def test_no_counter_goes_negative_in_any_order():
    for order in itertools.permutations(three_reports()):
        assert min(record_all(order).counters.values()) >= 0


def test_counters_of_three_reports_add_up():
    summary = usecases.region_summary("33.25", record_all(three_reports()))
    assert summary["total"] == 3
    assert summary["by_status"] == {"routed": 1, "unroutable": 1, "received": 1}
    assert summary["by_kind"] == {"complaint": 2, "aspiration": 1}
    assert summary["by_spm_area"] == {"kesehatan": 2, "sosial": 1}


def test_project_keeps_the_ids_of_applied_events():
    fact = facts.project(None, received_event())
    fact = facts.project(fact, routed_event())
    assert fact["applied"] == ["received-r-1", "routed-r-1"]


def test_project_does_not_change_the_fact_it_was_given():
    before = facts.project(None, received_event())
    snapshot = dict(before, applied=list(before["applied"]))
    facts.project(before, routed_event())
    assert before == snapshot


def test_counter_deltas_of_a_new_fact_add_one_to_each_of_its_counters():
    after = facts.project(None, received_event())
    deltas = facts.counter_deltas(None, after)
    assert set(deltas.values()) == {1}
    assert ("33.25", "total", "all") in deltas
    assert ("33.25.01.2001", "status", "received") in deltas


def test_counter_deltas_of_a_status_change_move_one_count():
    before = facts.project(None, received_event())
    after = facts.project(before, routed_event())
    deltas = facts.counter_deltas(before, after)
    assert deltas[("33.25", "status", "received")] == -1
    assert deltas[("33.25", "status", "routed")] == 1
    assert deltas[("33.25", "opd", "33.25/dinkes")] == 1
    assert ("33.25", "total", "all") not in deltas


def test_summary_leaves_out_zero_counts():
    summary = facts.summary("33.25", [("total", "all", 2), ("status", "received", 0),
                                      ("status", "routed", 2)])
    assert summary["total"] == 2
    assert summary["by_status"] == {"routed": 2}


def test_summary_of_a_region_without_reports_is_all_zero():
    assert facts.summary("21.71", []) == {
        "region": "21.71", "total": 0, "by_status": {}, "by_spm_area": {},
        "by_service_type": {}, "by_kind": {}, "by_opd": {}}


def linked_event(**overrides):
    fields = {**COMMON, **overrides}
    return envelope(contracts.ReportLinked(case_id="r-0", linked_at="t", **fields),
                    "linked-" + fields["report_id"])


def test_a_report_joined_to_an_open_case_counts_as_linked():
    repo = record_all([received_event(), linked_event()])
    summary = usecases.region_summary("33.25", repo)
    assert summary["total"] == 1
    assert summary["by_status"] == {"linked": 1}
    assert summary["by_opd"] == {}


def test_a_linked_event_arriving_first_counts_the_same():
    for order in itertools.permutations([received_event(), linked_event()]):
        summary = usecases.region_summary("33.25.01", record_all(order))
        assert (summary["total"], summary["by_status"]) == (1, {"linked": 1})


def test_linked_reports_count_beside_routed_and_unroutable_in_any_order():
    events = three_reports() + [received_event(report_id="r-4"), linked_event(report_id="r-4")]
    expected = nonzero(record_all(events).counters)
    for order in itertools.permutations(events[-4:]):
        assert nonzero(record_all(events[:-4] + list(order)).counters) == expected
    summary = usecases.region_summary("33.25", record_all(events))
    assert summary["total"] == 4
    assert summary["by_status"] == {"routed": 1, "unroutable": 1, "received": 1, "linked": 1}


def test_a_linked_event_moves_one_count_from_received_to_linked():
    before = facts.project(None, received_event())
    after = facts.project(before, linked_event())
    deltas = facts.counter_deltas(before, after)
    assert deltas[("33.25", "status", "received")] == -1
    assert deltas[("33.25", "status", "linked")] == 1
    assert len(deltas) == 2 * 4     # two status counters in each of the four regions


def manual_routed_event(action, opd_code, sequence=1, **overrides):
    """The report.routed routing re-emits on a transfer or assign, at that move's position
    in the case's history (after the first decision, at 0)."""
    fields = {**COMMON, **overrides}
    return envelope(contracts.ReportRouted(opd_code=opd_code, opd_name=opd_code,
                                           rule_id=f"manual:{action}", due_at="d2",
                                           routed_at="t2", sequence=sequence, **fields),
                    f"{action}-{sequence}-" + fields["report_id"])


@pytest.mark.parametrize("first,then", [
    ("routed", ("transfer", "33.25/dinsos")),
    ("unroutable", ("assign", "33.25/dinsos")),
])
def test_a_reassigned_report_counts_the_same_in_any_order(first, then):
    decision = routed_event() if first == "routed" else unroutable_event()
    events = [received_event(), decision, manual_routed_event(*then)]
    results = {tuple(sorted(nonzero(record_all(order).counters).items()))
               for order in itertools.permutations(events)}
    assert len(results) == 1
    summary = usecases.region_summary("33.25", record_all(events))
    assert (summary["by_status"], summary["by_opd"]) == ({"routed": 1}, {"33.25/dinsos": 1})


def test_a_later_transfer_wins_over_an_earlier_one_in_any_order():
    events = [received_event(), routed_event(), manual_routed_event("transfer", "33.25/dinsos"),
              manual_routed_event("transfer", "33.25/dinkes", sequence=3)]
    for order in itertools.permutations(events):
        summary = usecases.region_summary("33.25", record_all(list(order)))
        assert summary["by_opd"] == {"33.25/dinkes": 1}, order
        assert summary["by_status"] == {"routed": 1}, order


def test_a_received_event_never_replaces_a_decision():
    decided = facts.project(facts.project(None, routed_event()), received_event())
    assert (decided["status"], decided["opd_code"]) == ("routed", "33.25/dinkes")
