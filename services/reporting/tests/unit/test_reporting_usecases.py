"""Reporting's use cases on in-memory fakes: `table` (validation into error results, the
instant it counts at, the facts it asks for), `dhis2` (the `areas` table of the month for the
region and each child), and `rebuild` (the journal alone gives back every fact and counter)."""
import copy
import datetime as dt
import random

import pytest

from simpul_common import contracts
from simpul_reporting import usecases
from simpul_reporting.domain import figures

from reporting_unit_support import (DESA, DESA_WITA, DINKES, DINSOS, FakePlaces,
                                    FakeRepository, changed, eod, escalated, fact, life_events,
                                    linked, moved, nonzero, nov, received, record_all, routed,
                                    unroutable)

AS_OF = "2026-11-30T05:00:00.000+00:00"
PLACES = FakePlaces(children={"33": ["33.25", "33.26"],
                              "33.25": ["33.25.01", "33.25.02", "33.25.03"]},
                    posyandu={"33.25": {"total": 10, "ilp": 7, "six_spm": 3},
                              "33.26": None})


def reports():
    """Reports of Batang (and one of Denpasar) in October, November and December 2026."""
    def life(rid, desa, st, received_at, moves, ack_due=eod(19), due=eod(23)):
        kw = dict(report_id=rid, desa_code=desa, service_type=st)
        return [received(at=received_at, **kw),
                routed(at=received_at, ack_due=ack_due, due=due, **kw),
                *[changed(action, before, after, at, seq, due=due, **kw)
                  for seq, (action, before, after, at) in enumerate(moves, 1)]]
    ack = ("acknowledge", "routed", "acknowledged", nov(17))
    resolve = ("resolve", "acknowledged", "resolved", nov(19))
    late = ("resolve", "acknowledged", "resolved", nov(26))
    return [
        *life("n1", "33.25.01.2001", "kesehatan.balita", nov(16), [ack, resolve]),
        *life("n2", "33.25.01.2002", "kesehatan.balita", nov(16), [ack, late]),
        *life("n3", "33.25.02.2001", "kesehatan.usia_lanjut", nov(16), [ack]),
        *life("n4", "33.25.02.2001", "pendidikan.dasar", nov(16), []),
        *life("o1", "33.25.01.2001", "kesehatan.balita", "2026-10-31T16:30:00.000+00:00", [],
              eod(4), eod(6)),
        # 00:30 WIB on 1 November: a November report although UTC says October
        *life("o2", "33.25.01.2001", "sosial.anak_terlantar", "2026-10-31T17:30:00.000+00:00",
              [], eod(4), eod(6)),
        # 00:30 WIB on 1 December: not November
        *life("d1", "33.25.02.2001", "kesehatan.balita", "2026-11-30T17:30:00.000+00:00", [],
              eod(3, 12), eod(7, 12)),
        received(report_id="u1", at=nov(18), service_type="perumahan.relokasi"),
        unroutable(report_id="u1", at=nov(18), service_type="perumahan.relokasi"),
        received(report_id="l1", at=nov(18)), linked(report_id="l1", at=nov(18)),
        *life("w1", DESA_WITA, "kesehatan.balita", nov(16), [ack]),
    ]


@pytest.fixture
def repo():
    return record_all(reports())


# --- table: validation --------------------------------------------------------------------------

def test_an_unknown_table_is_404_and_names_the_tables(repo):
    answer = usecases.table("nope", "33.25", {}, repo, PLACES)
    assert answer["status"] == 404
    assert answer["errors"][0]["field"] == "table"
    assert all(name in answer["errors"][0]["message"] for name in usecases.TABLES)
    assert usecases.table("nope", "not a region", {"colour": 1}, repo, PLACES)["status"] == 404
    assert repo.asked == []


@pytest.mark.parametrize("region,options,field", [
    ("33.2", {}, "region"), ("Batang", {}, "region"), (None, {}, "region"),
    (3325, {}, "region"), ("33.25.01.20011", {}, "region"),
    ("33.25", {"colour": "red"}, "colour"),
    ("33.25", {"by": "spm_area", "zzz": 1, "aaa": 2}, "aaa"),
    ("33.25", {"since": "2026/11/01"}, "since"), ("33.25", {"since": 20261101}, "since"),
    ("33.25", {"until": "yesterday"}, "until"), ("33.25", {"until": "2026-11"}, "until"),
    ("33.25", {"by": "colour"}, "by"), ("33.25", {"by": "opd_code"}, "by"),
    ("33.25", {"period": "year"}, "period"), ("33.25", {"period": "Week"}, "period"),
    ("33.25", {"limit": 0}, "limit"), ("33.25", {"limit": 1001}, "limit"),
    ("33.25", {"limit": "10"}, "limit"), ("33.25", {"limit": True}, "limit"),
    ("33.25", {"limit": 1.5}, "limit"),
    ("33.25", {"as_of": "2026-11-30"}, "as_of"),                # no time zone
    ("33.25", {"as_of": "2026-11-30T12:00:00"}, "as_of"),       # no time zone
    ("33.25", {"as_of": "not a time"}, "as_of"), ("33.25", {"as_of": 12345}, "as_of"),
    ("33.25", {"as_of": ""}, "as_of"),
])
@pytest.mark.parametrize("name", ["counts", "overdue", "areas"])
def test_a_bad_region_or_option_is_422_naming_it(repo, name, region, options, field):
    answer = usecases.table(name, region, options, repo, PLACES)
    assert answer["status"] == 422
    assert answer["errors"][0]["field"] == field
    assert answer["errors"][0]["message"]
    assert repo.asked == []


@pytest.mark.parametrize("region", ["33", "33.25.01", "33.25.01.2001"])
def test_the_kecamatan_ranking_is_of_a_kabupaten_or_kota(repo, region):
    answer = usecases.table("kecamatan", region, {}, repo, PLACES)
    assert (answer["status"], answer["errors"][0]["field"]) == (422, "region")


@pytest.mark.parametrize("options", [{"limit": 1}, {"limit": 1000}, {"limit": None}, {"since": None},
                                     {"by": None, "period": None}, {"as_of": None}])
def test_edge_values_of_the_options_are_accepted(repo, options):
    answer = usecases.table("counts", "33.25", options, repo, PLACES)
    assert "errors" not in answer and answer["table"] == "counts"


@pytest.mark.parametrize("field,value", [("since", "2026-02-30"), ("until", "2026-13-01"),
                                         ("since", "2026-00-10")])
def test_an_impossible_date_is_422(repo, field, value):
    answer = usecases.table("counts", "33.25", {field: value}, repo, PLACES)
    assert answer.get("status") == 422 and answer["errors"][0]["field"] == field
    assert repo.asked == []


@pytest.mark.parametrize("field", ["since", "until"])
def test_a_date_with_a_trailing_newline_is_422(repo, field):
    answer = usecases.table("counts", "33.25", {field: "2026-11-02\n"}, repo, PLACES)
    assert answer.get("status") == 422 and answer["errors"][0]["field"] == field
    assert repo.asked == []


def test_a_leap_day_is_a_date(repo):
    answer = usecases.table("counts", "33.25", {"since": "2028-02-29", "until": "2028-03-01"},
                            repo, PLACES)
    assert "errors" not in answer
    assert repo.asked == [("33.25", "2028-02-29", "2028-03-01")]


def test_the_options_given_are_not_changed(repo):
    options = {"as_of": "2026-11-30T12:00:00+07:00", "by": "status"}
    usecases.table("counts", "33.25", options, repo, PLACES)
    assert options == {"as_of": "2026-11-30T12:00:00+07:00", "by": "status"}


# --- table: what it counts ------------------------------------------------------------------------

def test_a_table_answers_its_shape_and_asks_for_the_facts_of_its_region_and_days(repo):
    answer = usecases.table("counts", "33.25.02", {"by": "status", "since": "2026-11-01",
                                                   "until": "2026-11-30", "as_of": AS_OF},
                            repo, PLACES)
    assert repo.asked == [("33.25.02", "2026-11-01", "2026-11-30")]
    assert answer == {"table": "counts", "region": "33.25.02", "as_of": AS_OF,
                      "filters": {"by": "status", "since": "2026-11-01", "until": "2026-11-30"},
                      "columns": ["status", "reports"],
                      "rows": [["acknowledged", 1], ["routed", 1]]}    # n3, n4; d1 is December


def test_counts_default_to_the_spm_area(repo):
    answer = usecases.table("counts", "33.25", {"as_of": AS_OF}, repo, PLACES)
    assert answer["columns"] == ["spm_area", "reports"]
    assert answer["rows"] == [["kesehatan", 6], ["pendidikan", 1], ["perumahan", 1],
                              ["sosial", 1]]
    assert answer["filters"] == {}


def test_the_days_are_local_days_of_receipt(repo):
    november = usecases.table("counts", "33.25", {"by": "spm_area", "period": "month",
                                                  "since": "2026-11-01", "until": "2026-11-30"},
                              repo, PLACES)
    assert november["rows"] == [["kesehatan", "2026-11", 4], ["pendidikan", "2026-11", 1],
                                ["perumahan", "2026-11", 1],
                                ["sosial", "2026-11", 1]]    # o2 (1 Nov WIB) in, o1 and d1 out


@pytest.mark.parametrize("given,normalised", [
    ("2026-11-30T12:00:00+07:00", "2026-11-30T05:00:00.000+00:00"),
    ("2026-11-30T05:00:00Z", "2026-11-30T05:00:00.000+00:00"),
    ("2026-11-30T13:00:00.5+08:00", "2026-11-30T05:00:00.500+00:00"),
])
def test_as_of_is_the_instant_given_in_utc(repo, given, normalised):
    answer = usecases.table("areas", "33.25", {"as_of": given}, repo, PLACES)
    assert answer["as_of"] == normalised
    assert "as_of" not in answer["filters"]


def test_the_table_counts_as_of_the_instant_given(repo):
    """n4 (routed 16 Nov) must be acknowledged by the end of 19 Nov (16:59:59.999 UTC)."""
    def overdue_ids(as_of):
        return [row[0] for row in usecases.table("overdue", "33.25.02", {"as_of": as_of}, repo,
                                                 PLACES)["rows"]]
    assert overdue_ids("2026-11-19T23:59:59+07:00") == []
    assert overdue_ids("2026-11-20T00:00:00+07:00") == ["n4"]
    assert overdue_ids("2026-11-23T23:59:59+07:00") == ["n4"]
    assert overdue_ids("2026-11-24T00:00:00+07:00") == ["n4", "n3"]    # n3's follow-up: 23 Nov
    rows = usecases.table("overdue", "33.25.02", {"as_of": AS_OF}, repo, PLACES)["rows"]
    assert [(r[0], r[4], r[6]) for r in rows] == [("n4", "acknowledge", 7), ("n3", "resolve", 5)]


def test_without_as_of_the_table_counts_as_of_now(repo):
    before = contracts.utc_now()
    answer = usecases.table("areas", "33.25", {}, repo, PLACES)
    after = contracts.utc_now()
    assert before <= answer["as_of"] <= after


def test_the_overdue_table_is_limited(repo):
    many = FakeRepository()
    for i in range(120):
        many.facts[f"x{i:03d}"] = fact(f"x{i:03d}", status="routed", acknowledge_due_at=eod(5))
    assert len(usecases.table("overdue", "33.25", {"as_of": AS_OF}, many, PLACES)["rows"]) == 100
    assert len(usecases.table("overdue", "33.25", {"as_of": AS_OF, "limit": 7}, many,
                              PLACES)["rows"]) == 7


@pytest.mark.parametrize("name", ["accountability", "opd", "posyandu", "areas", "overdue"])
def test_each_table_is_its_figure_over_the_facts_of_the_region(repo, name):
    answer = usecases.table(name, "33.25.01", {"as_of": AS_OF, "since": "2026-11-01"}, repo,
                            PLACES)
    chosen = [f for f in repo.facts.values()
              if "33.25.01" in f["regions"] and f["day"] >= "2026-11-01"]
    assert {f["_id"] for f in chosen} == {"n1", "n2", "o2", "u1", "l1"}
    chosen.sort(key=lambda f: f["_id"])
    expected = {"accountability": lambda: figures.accountability(chosen, AS_OF, True),
                "opd": lambda: figures.accountability(chosen, AS_OF, False),
                "posyandu": lambda: figures.posyandu(chosen),
                "areas": lambda: figures.areas(chosen, AS_OF),
                "overdue": lambda: figures.overdue(chosen, AS_OF, 100)}[name]()
    assert (answer["columns"], answer["rows"]) == (list(expected[0]), expected[1])


def test_the_kecamatan_ranking_lists_the_registry_s_kecamatan(repo):
    answer = usecases.table("kecamatan", "33.25", {"as_of": AS_OF}, repo, PLACES)
    assert answer["columns"] == ["rank", "kecamatan_code", "reports", "resolved_pct",
                                 "in_sla_pct", "overdue"]
    assert answer["rows"] == [
        [1, "33.25.01", 6, 33.3, 50.0, 2],      # n1 in SLA, n2 late; o1 and o2 overdue
        [2, "33.25.02", 3, 0.0, None, 2],       # n3 and n4 overdue, nothing resolved
        [3, "33.25.03", 0, None, None, 0]]      # no report: last


def test_coverage_asks_the_registry_not_the_facts(repo):
    answer = usecases.table("coverage", "33", {}, repo, PLACES)
    assert repo.asked == []
    assert answer["rows"] == [["33.25", 10, 7, 70.0, 3, 30.0],
                              ["33.26", None, None, None, None, None]]
    assert usecases.table("coverage", "33.25.01", {}, repo, PLACES)["rows"] == [
        ["33.25", 10, 7, 70.0, 3, 30.0]]


# --- DHIS2 ------------------------------------------------------------------------------------

ELEMENTS = {"REPORTS": "reports", "OPEN": "open", "RESOLVED": "resolved",
            "RESOLVED_IN_SLA_PCT": "resolved_in_sla_pct", "OVERDUE": "overdue"}


def test_dhis2_values_are_the_areas_of_the_month_for_the_region_and_each_child(repo):
    answer = usecases.dhis2("33.25", "202611", repo, PLACES, AS_OF)
    got = {(v["dataElement"], v["orgUnit"]): v["value"] for v in answer["dataValues"]}
    assert len(got) == len(answer["dataValues"])
    assert {v["period"] for v in answer["dataValues"]} == {"202611"}
    expected = {}
    for unit in ("33.25", "33.25.01", "33.25.02", "33.25.03"):
        areas = usecases.table("areas", unit, {"since": "2026-11-01", "until": "2026-11-30",
                                               "as_of": AS_OF}, repo, PLACES)
        for row in areas["rows"]:
            values = dict(zip(areas["columns"], row))
            for element, column in ELEMENTS.items():
                if values[column] is not None:
                    expected[(f"SIMPUL_{element}_{row[0].upper()}", unit)] = str(values[column])
    assert got == expected
    assert got[("SIMPUL_REPORTS_KESEHATAN", "33.25")] == "4"           # n1, n2, n3, l1
    assert got[("SIMPUL_REPORTS_KESEHATAN", "33.25.01")] == "3"
    assert got[("SIMPUL_OPEN_KESEHATAN", "33.25.02")] == "1"            # n3
    assert got[("SIMPUL_OVERDUE_KESEHATAN", "33.25.02")] == "1"
    assert got[("SIMPUL_RESOLVED_IN_SLA_PCT_KESEHATAN", "33.25")] == "50.0"
    assert got[("SIMPUL_REPORTS_SOSIAL", "33.25")] == "1"              # o2, 1 Nov WIB
    assert got[("SIMPUL_REPORTS_PEKERJAAN_UMUM", "33.25.03")] == "0"
    assert ("SIMPUL_RESOLVED_IN_SLA_PCT_KESEHATAN", "33.25.03") not in got   # null: left out
    assert {unit for _, unit in got} == {"33.25", "33.25.01", "33.25.02", "33.25.03"}


@pytest.mark.parametrize("period,since,until", [
    ("202611", "2026-11-01", "2026-11-30"), ("202612", "2026-12-01", "2026-12-31"),
    ("202801", "2028-01-01", "2028-01-31"), ("202802", "2028-02-01", "2028-02-29"),
    ("202702", "2027-02-01", "2027-02-28"),
])
def test_dhis2_counts_the_reports_received_in_the_month(repo, period, since, until):
    usecases.dhis2("33.25.01", period, repo, PLACES, AS_OF)
    assert repo.asked == [("33.25.01", since, until)]


def test_dhis2_of_december_counts_the_report_of_1_december_wib(repo):
    got = {(v["dataElement"], v["orgUnit"]): v["value"]
           for v in usecases.dhis2("33.25", "202612", repo, PLACES, AS_OF)["dataValues"]}
    assert got[("SIMPUL_REPORTS_KESEHATAN", "33.25")] == "1"
    assert got[("SIMPUL_REPORTS_KESEHATAN", "33.25.02")] == "1"
    assert got[("SIMPUL_REPORTS_KESEHATAN", "33.25.01")] == "0"


@pytest.mark.parametrize("period", ["2026-11", "202613", "202600", "20261", "2026110", "",
                                    None, "11-2026", "2026 11"])
def test_a_bad_dhis2_period_is_422(repo, period):
    answer = usecases.dhis2("33.25", period, repo, PLACES, AS_OF)
    assert (answer["status"], answer["errors"][0]["field"]) == (422, "period")
    assert repo.asked == []


@pytest.mark.parametrize("period", [202611, "202611\n"])
def test_a_dhis2_period_that_is_no_yyyymm_text_is_422(repo, period):
    answer = usecases.dhis2("33.25", period, repo, PLACES, AS_OF)
    assert answer.get("status") == 422 and answer["errors"][0]["field"] == "period"
    assert repo.asked == []


@pytest.mark.parametrize("period", ["\uff12\uff10\uff12\uff1611",
                                    "\u0662\u0660\u0662\u066611"])
def test_a_dhis2_period_of_non_ascii_digits_is_422(repo, period):
    answer = usecases.dhis2("33.25", period, repo, PLACES, AS_OF)
    assert answer.get("status") == 422 and answer["errors"][0]["field"] == "period"
    assert repo.asked == []


def test_dhis2_of_a_bad_region_is_the_error_of_its_table(repo):
    answer = usecases.dhis2("33.2", "202611", repo, PLACES, AS_OF)
    assert (answer["status"], answer["errors"][0]["field"]) == (422, "region")


# --- rebuild ------------------------------------------------------------------------------------

def every_event():
    return [*reports(), *life_events("life"),
            *life_events("life-wita", desa_code=DESA_WITA),
            received(report_id="t1"), routed(report_id="t1"),
            *moved("transfer", "routed", nov(3), 1, DINSOS, eod(6), eod(10), report_id="t1"),
            escalated(1, nov(9), 2, opd=DINSOS, report_id="t1"),
            *moved("transfer", "routed", nov(10), 3, DINKES, eod(13), eod(17), report_id="t1")]


def journal_only(repo: FakeRepository) -> FakeRepository:
    fresh = FakeRepository()
    fresh.journal = copy.deepcopy(repo.journal)
    return fresh


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_rebuild_gives_back_the_facts_and_counters_of_events_applied_in_any_order(seed):
    events = every_event()
    random.Random(seed).shuffle(events)
    live = record_all(events + events[: len(events) // 4])      # with redeliveries
    rebuilt = journal_only(live)
    rebuilt.facts = {"stale": {"_id": "stale"}}                 # whatever was there goes
    rebuilt.counters[("33", "total", "all")] = 99
    calls = []
    done = usecases.rebuild(rebuilt, lambda n, total: calls.append((n, total)))
    assert rebuilt.facts == live.facts
    assert nonzero(rebuilt.counters) == nonzero(live.counters)
    assert done == {"events": len(events), "facts": len(live.facts),
                    "counters": len(nonzero(live.counters))}
    assert [total for _, total in calls] == [len(events)] * len(live.facts)
    assert [n for n, _ in calls] == sorted({n for n, _ in calls})        # strictly growing
    assert calls[-1] == (len(events), len(events))


def test_rebuilt_tables_and_summaries_are_the_same():
    live = record_all(every_event())
    rebuilt = journal_only(live)
    usecases.rebuild(rebuilt)
    for name, options in [("counts", {"by": "status"}), ("counts", {"by": "opd", "period": "week"}),
                          ("accountability", {}), ("opd", {}), ("posyandu", {}), ("areas", {}),
                          ("kecamatan", {}), ("overdue", {})]:
        options = {**options, "as_of": AS_OF}
        assert usecases.table(name, "33.25", options, rebuilt, PLACES) == \
            usecases.table(name, "33.25", options, live, PLACES), name
    for region in ("33", "33.25", "33.25.02", "51", DESA):
        assert usecases.region_summary(region, rebuilt) == usecases.region_summary(region, live)


def test_rebuild_of_an_empty_journal_empties_the_read_model():
    repo = FakeRepository()
    repo.facts = {"stale": {"_id": "stale"}}
    calls = []
    assert usecases.rebuild(repo, lambda n, t: calls.append((n, t))) == {
        "events": 0, "facts": 0, "counters": 0}
    assert (repo.facts, nonzero(repo.counters), calls) == ({}, {}, [])


def test_the_summary_after_the_events_of_every_kind():
    summary = usecases.region_summary("33.25", record_all(every_event()))
    assert summary["by_status"] == {"resolved": 2, "acknowledged": 1, "routed": 5,
                                    "unroutable": 1, "linked": 1, "closed": 1}
    assert summary["total"] == 11
    assert usecases.region_summary("51", record_all(every_event()))["total"] == 2
    assert dt.date.fromisoformat(record_all(every_event()).facts["d1"]["day"]) == \
        dt.date(2026, 12, 1)
