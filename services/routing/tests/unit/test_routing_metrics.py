"""Routing counts each new case's decision once, the moves people make, and the escalation
rungs it saved (simpul_routing_outcomes_total, simpul_case_moves_total,
simpul_sla_breaches_total)."""
import pytest
from prometheus_client import REGISTRY

from simpul_common import contracts
from simpul_routing import usecases
from simpul_routing.repository import OpenCaseExists

MON = "2026-11-02T03:00:00.000+00:00"
FAR = "2027-02-01T00:00:00.000+00:00"
TABLE = {"rules": [{"id": "kab-kes", "region_prefix": "33.25", "service_type": "kesehatan.*",
                    "opd_code": "33.25/dinkes", "unit_code": None, "valid_from": "2000-01-01",
                    "valid_to": None}],
         "opds": {"33.25/dinkes": "Dinas Kesehatan"}, "norms": {}}


class Cases:
    """Stores what it is given; `wins` False: another replica always saved first."""

    def __init__(self, wins=True):
        self.cases, self.wins = {}, wins

    def get(self, case_id, with_history=True):
        return self.cases.get(case_id)

    def add(self, case):
        for other in self.cases.values():
            if case.get("open_key") and other.get("open_key") == case["open_key"]:
                raise OpenCaseExists(other)
        return self.cases.setdefault(case["_id"], case)

    add_linked = add

    def get_many(self, case_ids):
        return {i: self.cases[i] for i in case_ids if i in self.cases}

    def add_many(self, cases):
        refused = set()
        for case in cases:
            try:
                if self.add(case) is not case:
                    refused.add(case["_id"])
            except OpenCaseExists:
                refused.add(case["_id"])
        return refused

    def note_duplicate(self, open_case_id, entry):
        pass

    def save(self, before, after, entries, events, now):
        if self.wins:
            self.cases[before["_id"]] = dict(after, history=before["history"] + entries)
        return self.wins

    def due(self, now, limit):
        return [c for c in self.cases.values() if c.get("timer_at") and c["timer_at"] <= now]

    def unsent(self, before, limit):
        return []

    def outbox_sent(self, case_id, version):
        pass


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(contracts, "utc_now", lambda: MON)


def report(report_id, service_type="kesehatan.balita", household_ref=None):
    return contracts.ReportReceived(
        report_id=report_id, kind="complaint", service_type=service_type, spm_area="kesehatan",
        desa_code="33.25.01.2001", posyandu_id="P332501200101", received_at=MON,
        household_ref=household_ref)


def route(cases, *reports):
    for event in reports:
        usecases.route_report(event, cases, lambda kabupaten: TABLE, lambda envelope: None)


def outcomes():
    return {o: value("simpul_routing_outcomes_total", kabupaten="33.25", outcome=o)
            for o in ("routed", "unroutable", "linked")}


def test_each_new_case_counts_its_decision_once():
    before, cases = outcomes(), Cases()

    route(cases, report("m-1"), report("m-1"), report("m-2", "pendidikan.dasar"),
          report("m-3", household_ref="hh"), report("m-4", household_ref="hh"))

    after = outcomes()
    assert {o: after[o] - before[o] for o in after} == {"routed": 2, "unroutable": 1, "linked": 1}


def test_each_new_case_of_a_batch_counts_its_decision_once():
    before, cases = outcomes(), Cases()
    batch = [report("b-1"), report("b-1"), report("b-2", "pendidikan.dasar"),
             report("b-3", household_ref="hh-b"), report("b-4", household_ref="hh-b")]

    for _ in range(2):   # and redelivered
        usecases.route_reports(batch, cases, lambda kabupaten: TABLE, lambda envelope: None)

    after = outcomes()
    assert {o: after[o] - before[o] for o in after} == {"routed": 2, "unroutable": 1, "linked": 1}


def test_a_case_stored_by_another_replica_meanwhile_is_not_counted_again():
    cases, before = Cases(), outcomes()
    route(cases, report("m-5"))
    stored = cases.cases["m-5"]
    cases.get = lambda case_id, with_history=True: None   # read before the other replica wrote

    route(cases, report("m-5"))

    assert cases.cases["m-5"] is stored
    assert outcomes()["routed"] == before["routed"] + 1


@pytest.mark.parametrize("wins, counted", [(True, 1), (False, 0)])
def test_only_saved_escalation_rungs_count_as_sla_breaches(wins, counted):
    cases = Cases()
    route(cases, report("m-6"))
    cases.wins = wins
    rungs = [value("simpul_sla_breaches_total", kabupaten="33.25", deadline="acknowledge",
                   level=str(level)) for level in (1, 2, 3)]

    usecases.sweep(cases, lambda envelope: None, FAR)

    assert [value("simpul_sla_breaches_total", kabupaten="33.25", deadline="acknowledge",
                  level=str(level)) - rungs[level - 1] for level in (1, 2, 3)] == [counted] * 3
