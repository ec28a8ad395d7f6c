"""The tables of docs/reporting.md (`domain/figures.py`) on hand-made facts: their columns
exactly as documented, and their values — counts by every `by` and `period`, OPD
accountability (SLA percentages, nearest-rank medians and p90, backlog buckets at their
boundaries, reopen rate, escalations), Posyandu activity, the six areas, the kecamatan
ranking, overdue cases and Posyandu coverage."""
import datetime as dt

import pytest

from simpul_common.catalogue import SPM_AREAS
from simpul_common.workdays import working_days_between
from simpul_reporting.domain import figures

from reporting_unit_support import (DESA, DESA_WITA, DINKES, DINSOS, DISDIK, changed, derive, eod,
                                    escalated, fact, moved, nov, received, routed)

AS_OF = "2026-11-30T05:00:00.000+00:00"      # Monday 30 November 2026, 12:00 WIB
# the day of November routed at, for a case open that many working days as of AS_OF
ROUTED_DAYS_BEFORE = {0: 30, 1: 27, 2: 26, 3: 25, 5: 23, 6: 20, 10: 16, 11: 13, 14: 10}

ACCOUNTABILITY_COLUMNS = [
    "opd_code", "service_type", "cases", "acknowledged", "acknowledged_in_sla_pct", "resolved",
    "resolved_in_sla_pct", "ack_median_wd", "ack_p90_wd", "resolve_median_wd", "resolve_p90_wd",
    "backlog_0_2", "backlog_3_5", "backlog_6_10", "backlog_over_10", "reopen_rate_pct",
    "escalations"]


def test_the_working_days_the_backlog_tests_count_on():
    for age, day in ROUTED_DAYS_BEFORE.items():
        assert working_days_between(dt.date(2026, 11, day), dt.date(2026, 11, 30)) == age


# --- helpers --------------------------------------------------------------------------------

def test_pct_rounds_to_one_decimal_and_has_no_value_without_a_denominator():
    assert (figures.pct(1, 3), figures.pct(2, 3), figures.pct(0, 5), figures.pct(5, 5)) == (
        33.3, 66.7, 0.0, 100.0)
    assert figures.pct(0, 0) is None and figures.pct(3, 0) is None


@pytest.mark.parametrize("values,expected", [
    ([], None), ([7], 7), ([3, 1, 2], 3), ([1, 2], 2), (list(range(1, 11)), 9),
    (list(range(1, 12)), 10), (list(range(1, 21)), 18), (list(range(20, 0, -1)), 18),
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 50], 0), ([0] * 8 + [40, 50], 40),
])
def test_p90_is_the_nearest_rank(values, expected):
    assert figures.p90(values) == expected


@pytest.mark.parametrize("values,expected", [
    ([], None), ([7], 7.0), ([1, 2, 3, 4], 2.5), ([5, 1, 3], 3.0), ([0, 1], 0.5),
])
def test_median(values, expected):
    assert figures.median(values) == expected


# --- counts ---------------------------------------------------------------------------------

def count_facts():
    return [
        fact("r-1", received_at=nov(2, 1), status="routed", opd_code=DINKES,
             service_type="kesehatan.balita", kind="complaint", posyandu_id="P1",
             desa_code="33.25.01.2001"),
        fact("r-2", received_at=nov(3), status="acknowledged", opd_code=DINKES,
             service_type="kesehatan.usia_lanjut", kind="service_need", posyandu_id="P2",
             desa_code="33.25.02.2001"),
        fact("r-3", received_at=nov(30, 1), status="received", opd_code=None,
             service_type="pendidikan.dasar", kind="aspiration", posyandu_id="P1",
             desa_code="33.25.01.2001"),
        # 00:30 WIB on 1 December
        fact("r-4", received_at="2026-11-30T17:30:00.000+00:00", status="routed",
             opd_code=DINSOS, service_type="sosial.anak_terlantar", kind="complaint",
             posyandu_id="P3", desa_code="33.25.01.2002"),
    ]


@pytest.mark.parametrize("by,rows", [
    ("spm_area", [["kesehatan", 2], ["pendidikan", 1], ["sosial", 1]]),
    ("service_type", [["kesehatan.balita", 1], ["kesehatan.usia_lanjut", 1],
                      ["pendidikan.dasar", 1], ["sosial.anak_terlantar", 1]]),
    ("kind", [["aspiration", 1], ["complaint", 2], ["service_need", 1]]),
    ("status", [["acknowledged", 1], ["received", 1], ["routed", 2]]),
    ("opd", [[None, 1], [DINKES, 2], [DINSOS, 1]]),
    ("posyandu", [["P1", 2], ["P2", 1], ["P3", 1]]),
    ("kabupaten", [["33.25", 4]]),
    ("kecamatan", [["33.25.01", 3], ["33.25.02", 1]]),
    ("desa", [["33.25.01.2001", 2], ["33.25.01.2002", 1], ["33.25.02.2001", 1]]),
])
def test_counts_by_each_dimension(by, rows):
    columns, got = figures.counts(count_facts(), by, None)
    assert columns == [by, "reports"]
    assert got == rows
    assert sum(row[-1] for row in got) == len(count_facts())     # each report exactly once


@pytest.mark.parametrize("by,period,rows", [
    ("spm_area", "day", [["kesehatan", "2026-11-02", 1], ["kesehatan", "2026-11-03", 1],
                         ["pendidikan", "2026-11-30", 1], ["sosial", "2026-12-01", 1]]),
    ("spm_area", "week", [["kesehatan", "2026-W45", 2], ["pendidikan", "2026-W49", 1],
                          ["sosial", "2026-W49", 1]]),
    ("kecamatan", "month", [["33.25.01", "2026-11", 2], ["33.25.01", "2026-12", 1],
                            ["33.25.02", "2026-11", 1]]),
    ("status", "month", [["acknowledged", "2026-11", 1], ["received", "2026-11", 1],
                         ["routed", "2026-11", 1], ["routed", "2026-12", 1]]),
])
def test_counts_by_a_dimension_and_a_period(by, period, rows):
    columns, got = figures.counts(count_facts(), by, period)
    assert columns == [by, period, "reports"]
    assert got == rows


def test_counts_of_no_facts_have_no_rows():
    assert figures.counts([], "spm_area", "week") == (["spm_area", "week", "reports"], [])


# --- accountability -------------------------------------------------------------------------

def case(report_id, status, opd, service_type, age, acked=None, resolved=None, reopens=0,
         escalations=0, desa=DESA):
    """A routed case open `age` working days as of AS_OF; `acked`/`resolved`: (wd, in SLA),
    acknowledged/(last) resolved on Mon 30 November against a deadline in force then of that
    day (in SLA) or of Fri 27 (late). A reopened case keeps the `resolved_at` of its last
    resolution, as `derive` keeps it."""
    made = fact(report_id, received_at=nov(ROUTED_DAYS_BEFORE[age], 1), status=status,
                opd_code=opd, service_type=service_type, desa_code=desa,
                first_routed_at=nov(ROUTED_DAYS_BEFORE[age], 1, 1), reopens=reopens,
                escalations=escalations, max_escalation=min(escalations, 3))
    if acked:
        made.update(acknowledged_at=nov(30), ack_wd=acked[0], ack_in_sla=acked[1],
                    ack_due_in_force=eod(30) if acked[1] else eod(27))
    if resolved:
        made.update(resolved_at=nov(30), resolve_wd=resolved[0], resolve_in_sla=resolved[1],
                    resolve_due_in_force=eod(30) if resolved[1] else eod(27))
    return made


def accountability_facts():
    return [
        case("a1", "closed", DINKES, "kesehatan.balita", 14, (1, True), (4, True)),
        case("a2", "resolved", DINKES, "kesehatan.balita", 14, (3, False), (8, False),
             reopens=1, escalations=2),
        case("a3", "in_progress", DINKES, "kesehatan.balita", 6, (2, True), escalations=1),
        case("a4", "routed", DINKES, "kesehatan.balita", 2),
        case("b1", "acknowledged", DINKES, "kesehatan.usia_lanjut", 3, (0, True)),
        # resolved once, reopened: open again, so not resolved now, but reopened
        case("b2", "reopened", DINKES, "kesehatan.usia_lanjut", 11, (1, True), (5, True),
             reopens=1),
        case("c1", "routed", DISDIK, "pendidikan.dasar", 5),
        case("c2", "rejected", None, "pendidikan.dasar", 10, (1, False)),
        # never routed: no OPD is accountable for them
        fact("d1", status="received"),
        fact("d2", status="unroutable"),
        fact("d3", status="linked"),
    ]


def test_accountability_per_opd_and_service_type():
    columns, rows = figures.accountability(accountability_facts(), AS_OF, per_service_type=True)
    assert columns == ACCOUNTABILITY_COLUMNS
    assert rows == [
        ["-", "pendidikan.dasar", 1, 1, 0.0, 0, None, 1.0, 1, None, None, 0, 0, 1, 0, None, 0],
        [DINKES, "kesehatan.balita", 4, 3, 66.7, 2, 50.0, 2.0, 3, 6.0, 8, 1, 0, 1, 0, 50.0, 3],
        # b2 is open again: no resolution now, yet 1 reopened of 1 ever resolved
        [DINKES, "kesehatan.usia_lanjut", 2, 2, 100.0, 0, None, 0.5, 1, None, None, 0, 1, 0, 1,
         100.0, 0],
        [DISDIK, "pendidikan.dasar", 1, 0, None, 0, None, None, None, None, None, 0, 1, 0, 0,
         None, 0],
    ]


def test_opd_is_the_accountability_of_all_its_service_types():
    columns, rows = figures.accountability(accountability_facts(), AS_OF, per_service_type=False)
    assert columns == [c for c in ACCOUNTABILITY_COLUMNS if c != "service_type"]
    assert rows == [
        ["-", 1, 1, 0.0, 0, None, 1.0, 1, None, None, 0, 0, 1, 0, None, 0],
        # resolved now: a1 (4 wd, in SLA) and a2 (8 wd, late); reopened: a2 and b2 of the
        # 3 ever resolved (a1, a2, b2)
        [DINKES, 6, 5, 80.0, 2, 50.0, 1.0, 3, 6.0, 8, 1, 1, 1, 1, 66.7, 3],
        [DISDIK, 1, 0, None, 0, None, None, None, None, None, 0, 1, 0, 0, None, 0],
    ]


def test_opd_rows_merge_the_accountability_rows_of_the_opd():
    every = accountability_facts()
    per_type_columns, per_type = figures.accountability(every, AS_OF, per_service_type=True)
    columns, per_opd = figures.accountability(every, AS_OF, per_service_type=False)
    additive = ("cases", "acknowledged", "resolved", "backlog_0_2", "backlog_3_5",
                "backlog_6_10", "backlog_over_10", "escalations")
    for row in per_opd:
        merged = dict(zip(columns, row))
        parts = [dict(zip(per_type_columns, r)) for r in per_type if r[0] == row[0]]
        assert parts, row[0]
        for column in additive:
            assert merged[column] == sum(p[column] for p in parts), (row[0], column)
        group = [f for f in every if (f.get("opd_code") or "-") == row[0]
                 and (f.get("opd_code") or f.get("first_routed_at"))]
        assert row[1:] == figures.accountability_figures(group, AS_OF)


@pytest.mark.parametrize("age,bucket", [
    (0, "backlog_0_2"), (2, "backlog_0_2"), (3, "backlog_3_5"), (5, "backlog_3_5"),
    (6, "backlog_6_10"), (10, "backlog_6_10"), (11, "backlog_over_10"), (14, "backlog_over_10"),
])
def test_backlog_buckets_at_their_boundaries(age, bucket):
    columns, rows = figures.accountability([case("x", "routed", DINKES, "kesehatan.balita", age)],
                                           AS_OF, per_service_type=False)
    row = dict(zip(columns, rows[0]))
    assert {name: row[name] for name in ("backlog_0_2", "backlog_3_5", "backlog_6_10",
                                         "backlog_over_10")} == {
        name: int(name == bucket) for name in ("backlog_0_2", "backlog_3_5", "backlog_6_10",
                                               "backlog_over_10")}


@pytest.mark.parametrize("status,in_backlog", [
    ("routed", True), ("acknowledged", True), ("in_progress", True), ("reopened", True),
    ("rejected", True), ("unroutable", True), ("resolved", False), ("closed", False),
])
def test_the_backlog_is_the_open_cases(status, in_backlog):
    values = figures.accountability_figures(
        [case("x", status, DINKES, "kesehatan.balita", 3)], AS_OF)
    backlog = values[ACCOUNTABILITY_COLUMNS.index("backlog_0_2") - 2:
                     ACCOUNTABILITY_COLUMNS.index("backlog_over_10") - 1]
    assert backlog == ([0, 1, 0, 0] if in_backlog else [0, 0, 0, 0])


@pytest.mark.parametrize("first_routed_at,desa,bucket", [
    ("2026-11-25T16:30:00.000+00:00", DESA, "backlog_3_5"),        # Wed 25, 23:30 WIB: 3
    ("2026-11-25T17:30:00.000+00:00", DESA, "backlog_0_2"),        # Thu 26, 00:30 WIB: 2
    ("2026-11-25T16:30:00.000+00:00", DESA_WITA, "backlog_0_2"),   # Thu 26, 00:30 WITA: 2
    ("2026-11-25T15:30:00.000+00:00", DESA_WITA, "backlog_3_5"),   # Wed 25, 23:30 WITA: 3
])
def test_the_backlog_ages_from_the_first_routing_in_the_desa_s_time_zone(first_routed_at, desa,
                                                                         bucket):
    made = case("x", "routed", DINKES, "kesehatan.balita", 0, desa=desa)
    made["first_routed_at"] = first_routed_at
    values = dict(zip(ACCOUNTABILITY_COLUMNS[2:], figures.accountability_figures([made], AS_OF)))
    assert [name for name in ("backlog_0_2", "backlog_3_5", "backlog_6_10", "backlog_over_10")
            if values[name]] == [bucket]


def test_reopen_rate_is_reopened_cases_over_resolved_cases():
    facts_ = [case("1", "closed", DINKES, "kesehatan.balita", 14, (1, True), (2, True)),
              case("2", "resolved", DINKES, "kesehatan.balita", 14, (1, True), (2, True),
                   reopens=2),
              case("3", "closed", DINKES, "kesehatan.balita", 14, (1, True), (2, True)),
              case("4", "reopened", DINKES, "kesehatan.balita", 14, (1, True), (2, False),
                   reopens=1)]
    values = dict(zip(ACCOUNTABILITY_COLUMNS[2:], figures.accountability_figures(facts_, AS_OF)))
    assert values["reopen_rate_pct"] == 50.0            # 2 reopened cases of 4 ever resolved
    # resolved now: 1, 2 and 3, all in SLA; 4 is open again (its late resolution is undone)
    assert (values["resolved"], values["resolved_in_sla_pct"]) == (3, 100.0)
    assert (values["resolve_median_wd"], values["resolve_p90_wd"]) == (2.0, 2)
    assert values["backlog_over_10"] == 1


def test_a_reopened_case_is_resolved_again_only_by_its_next_resolution():
    reopened = case("x", "reopened", DINKES, "kesehatan.balita", 14, (1, True), (2, True),
                    reopens=1)
    again = dict(reopened, status="resolved", resolve_wd=7, resolve_in_sla=False)
    closed = dict(again, status="closed", closed_at=nov(30, 3))
    column = {name: i for i, name in enumerate(ACCOUNTABILITY_COLUMNS[2:])}
    for made, resolved, in_sla, wd in ((reopened, 0, None, None), (again, 1, 0.0, 7.0),
                                       (closed, 1, 0.0, 7.0)):
        values = figures.accountability_figures([made], AS_OF)
        assert (values[column["resolved"]], values[column["resolved_in_sla_pct"]],
                values[column["resolve_median_wd"]]) == (resolved, in_sla, wd), made["status"]
        assert values[column["reopen_rate_pct"]] == 100.0, made["status"]


@pytest.mark.parametrize("status,resolved_at,done", [
    ("resolved", nov(5), True), ("closed", nov(5), True), ("reopened", nov(5), False),
    ("acknowledged", nov(5), False), ("in_progress", nov(5), False), ("routed", nov(5), False),
    ("resolved", None, False), ("closed", None, False), ("routed", None, False),
])
def test_done_is_resolved_now(status, resolved_at, done):
    assert figures.done(fact("x", status=status, resolved_at=resolved_at)) is done


def test_escalations_add_up_over_the_cases():
    facts_ = [case("1", "routed", DINKES, "kesehatan.balita", 14, escalations=3),
              case("2", "routed", DINKES, "kesehatan.balita", 14, escalations=4),
              case("3", "closed", DINKES, "kesehatan.balita", 14, escalations=0)]
    assert figures.accountability_figures(facts_, AS_OF)[-1] == 7


def test_linked_reports_are_no_cases():
    counted = case("1", "closed", DINKES, "kesehatan.balita", 14, (1, True), (2, True))
    linked_ = case("2", "linked", DINKES, "kesehatan.balita", 3, (0, True), (0, True),
                   reopens=1, escalations=2)
    assert figures.accountability_figures([counted, linked_], AS_OF) == \
        figures.accountability_figures([counted], AS_OF)
    assert figures.accountability_figures([linked_], AS_OF)[:2] == [0, 0]


def test_medians_and_p90_are_over_the_cases_that_got_there():
    facts_ = [case(str(i), "closed", DINKES, "kesehatan.balita", 14, (i, True), (10 * i, True))
              for i in range(1, 11)] + [case("open", "routed", DINKES, "kesehatan.balita", 2)]
    values = dict(zip(ACCOUNTABILITY_COLUMNS[2:], figures.accountability_figures(facts_, AS_OF)))
    assert (values["cases"], values["acknowledged"], values["resolved"]) == (11, 10, 10)
    assert (values["ack_median_wd"], values["ack_p90_wd"]) == (5.5, 9)
    assert (values["resolve_median_wd"], values["resolve_p90_wd"]) == (55.0, 90)


def test_accountability_of_derived_facts():
    """From events: acknowledged after 1 working day in SLA, resolved after 8 out of SLA."""
    life = derive([received(at=nov(16)), routed(at=nov(16), ack_due=eod(19), due=eod(23)),
                   changed("acknowledge", "routed", "acknowledged", nov(17), 1, due=eod(23)),
                   changed("resolve", "acknowledged", "resolved", nov(26), 2, due=eod(23))])
    columns, rows = figures.accountability([life], AS_OF, per_service_type=True)
    row = dict(zip(columns, rows[0]))
    assert (row["opd_code"], row["service_type"], row["cases"]) == (DINKES, "kesehatan.balita", 1)
    assert (row["acknowledged_in_sla_pct"], row["resolved_in_sla_pct"]) == (100.0, 0.0)
    assert (row["ack_median_wd"], row["resolve_median_wd"]) == (1.0, 8.0)


# --- posyandu ---------------------------------------------------------------------------------

def test_posyandu_activity():
    facts_ = [fact("1", posyandu_id="P1", status="resolved", resolved_at=nov(5)),
              fact("2", posyandu_id="P1", status="closed", resolved_at=nov(5), closed_at=nov(9)),
              fact("3", posyandu_id="P1", status="routed"),
              fact("6", posyandu_id="P1", status="reopened", resolved_at=nov(5), reopens=1),
              fact("4", posyandu_id="P2", status="closed", resolved_at=nov(6), closed_at=nov(9)),
              fact("5", posyandu_id="P0", status="received")]
    columns, rows = figures.posyandu(facts_)
    assert columns == ["posyandu_id", "reports", "resolved", "resolved_pct"]
    # the reopened report of P1 is open again
    assert rows == [["P0", 1, 0, 0.0], ["P1", 4, 2, 50.0], ["P2", 1, 1, 100.0]]


# --- areas ----------------------------------------------------------------------------------

AREA_COLUMNS = ["spm_area", "reports", "open", "resolved", "resolved_in_sla_pct", "overdue"]
SIX = ["pendidikan", "kesehatan", "pekerjaan_umum", "perumahan", "trantibumlinmas", "sosial"]


def test_areas_are_always_the_six_in_catalogue_order():
    assert list(SPM_AREAS) == SIX
    columns, rows = figures.areas([], AS_OF)
    assert columns == AREA_COLUMNS
    assert rows == [[area, 0, 0, 0, None, 0] for area in SIX]


def test_areas_figures():
    facts_ = [
        fact("k1", service_type="kesehatan.balita", status="routed", acknowledge_due_at=eod(26)),
        fact("k2", service_type="kesehatan.balita", status="acknowledged", due_at=eod(30)),
        fact("k3", service_type="kesehatan.usia_lanjut", status="resolved", resolved_at=nov(5),
             resolve_in_sla=True, due_at=eod(9)),
        fact("k4", service_type="kesehatan.balita", status="resolved", resolved_at=nov(15),
             resolve_in_sla=False, due_at=eod(9)),
        fact("k5", service_type="kesehatan.balita", status="closed", resolved_at=nov(5),
             resolve_in_sla=True, due_at=eod(9)),
        fact("p1", service_type="pendidikan.dasar", status="in_progress", due_at=eod(27)),
        fact("s1", service_type="sosial.anak_terlantar", status="linked"),
        fact("s2", service_type="sosial.anak_terlantar", status="unroutable"),
    ]
    columns, rows = figures.areas(facts_, AS_OF)
    assert columns == AREA_COLUMNS
    assert rows == [
        ["pendidikan", 1, 1, 0, None, 1],
        ["kesehatan", 5, 2, 3, 66.7, 1],
        ["pekerjaan_umum", 0, 0, 0, None, 0],
        ["perumahan", 0, 0, 0, None, 0],
        ["trantibumlinmas", 0, 0, 0, None, 0],
        ["sosial", 2, 1, 0, None, 0],
    ]


def test_a_reopened_case_is_open_and_not_resolved_in_the_areas():
    facts_ = [fact("k1", status="resolved", resolved_at=nov(5), resolve_in_sla=True),
              fact("k2", status="reopened", resolved_at=nov(5), resolve_in_sla=True, reopens=1,
                   acknowledge_due_at=eod(2, 12), due_at=eod(4, 12))]
    rows = figures.areas(facts_, AS_OF)[1]
    assert rows[SIX.index("kesehatan")] == ["kesehatan", 2, 1, 1, 100.0, 0]


# --- kecamatan ranking ----------------------------------------------------------------------

KECAMATAN_COLUMNS = ["rank", "kecamatan_code", "reports", "resolved_pct", "in_sla_pct",
                     "overdue"]


def resolved_in(kecamatan, report_id, in_sla):
    return fact(report_id, desa_code=f"{kecamatan}.2001", status="resolved", resolved_at=nov(5),
                resolve_in_sla=in_sla)


def open_in(kecamatan, report_id, ack_due):
    return fact(report_id, desa_code=f"{kecamatan}.2001", status="routed",
                acknowledge_due_at=ack_due)


def test_every_kecamatan_is_ranked_even_without_reports():
    codes = ["33.25.01", "33.25.02", "33.25.03", "33.25.04", "33.25.05"]
    facts_ = [resolved_in("33.25.01", "a", True), resolved_in("33.25.01", "b", True),
              resolved_in("33.25.02", "c", True), resolved_in("33.25.02", "d", False),
              resolved_in("33.25.03", "e", True), open_in("33.25.03", "f", eod(20)),
              open_in("33.25.05", "g", eod(30, 12))]
    columns, rows = figures.kecamatan(facts_, AS_OF, codes)
    assert columns == KECAMATAN_COLUMNS
    assert rows == [
        [1, "33.25.01", 2, 100.0, 100.0, 0],
        [2, "33.25.03", 2, 50.0, 100.0, 1],     # as much in SLA, but one overdue
        [3, "33.25.02", 2, 100.0, 50.0, 0],
        [4, "33.25.05", 1, 0.0, None, 0],       # reports, nothing resolved yet
        [5, "33.25.04", 0, None, None, 0],      # no report at all: last
    ]


def test_kecamatan_with_as_much_in_sla_and_overdue_rank_by_most_resolved():
    facts_ = [resolved_in("33.25.01", "a", True), open_in("33.25.01", "b", eod(30, 12)),
              resolved_in("33.25.02", "c", True)]
    _, rows = figures.kecamatan(facts_, AS_OF, ["33.25.01", "33.25.02"])
    assert [r[:2] for r in rows] == [[1, "33.25.02"], [2, "33.25.01"]]


def test_a_kecamatan_with_nothing_in_sla_ranks_above_one_with_nothing_resolved():
    """In SLA comes first: 0 % (with a case overdue) before no resolution at all."""
    facts_ = [open_in("33.25.01", "a", eod(30, 12)), resolved_in("33.25.02", "b", False),
              open_in("33.25.02", "c", eod(20))]
    _, rows = figures.kecamatan(facts_, AS_OF, ["33.25.01", "33.25.02"])
    assert rows == [[1, "33.25.02", 2, 50.0, 0.0, 1], [2, "33.25.01", 1, 0.0, None, 0]]


def test_a_reopened_case_is_not_resolved_in_the_ranking():
    reopened = fact("b", desa_code="33.25.01.2001", status="reopened", resolved_at=nov(5),
                    resolve_in_sla=True, reopens=1, acknowledge_due_at=eod(2, 12))
    _, rows = figures.kecamatan([resolved_in("33.25.01", "a", False), reopened], AS_OF,
                                ["33.25.01"])
    assert rows == [[1, "33.25.01", 2, 50.0, 0.0, 0]]


def test_kecamatan_of_equal_figures_are_ranked_by_code():
    _, rows = figures.kecamatan([], AS_OF, ["33.25.03", "33.25.01", "33.25.02"])
    assert [r[:2] for r in rows] == [[1, "33.25.01"], [2, "33.25.02"], [3, "33.25.03"]]


# --- overdue --------------------------------------------------------------------------------

OVERDUE_COLUMNS = ["report_id", "opd_code", "service_type", "desa_code", "deadline", "due",
                   "working_days_overdue", "escalation_level"]


@pytest.mark.parametrize("status,deadline,field", [
    ("routed", "acknowledge", "acknowledge_due_at"), ("reopened", "acknowledge",
                                                      "acknowledge_due_at"),
    ("acknowledged", "resolve", "due_at"), ("in_progress", "resolve", "due_at"),
    ("received", None, None), ("unroutable", None, None), ("rejected", None, None),
    ("resolved", None, None), ("closed", None, None), ("linked", None, None),
])
def test_the_running_deadline_of_each_status(status, deadline, field):
    made = fact("x", status=status, acknowledge_due_at=eod(5), due_at=eod(9))
    assert figures.running_due(made) == (deadline, {"acknowledge_due_at": eod(5),
                                                    "due_at": eod(9)}.get(field))
    assert figures.is_overdue(made, AS_OF) is (deadline is not None)


def test_a_case_is_overdue_only_after_its_deadline_instant():
    made = fact("x", status="routed", acknowledge_due_at=eod(27))
    assert figures.is_overdue(made, eod(27)) is False
    assert figures.is_overdue(made, "2026-11-27T16:59:59.998+00:00") is False
    assert figures.is_overdue(made, "2026-11-27T17:00:00.000+00:00") is True
    assert figures.is_overdue(dict(made, acknowledge_due_at=None), AS_OF) is False


def overdue_facts():
    return [
        fact("r-b", status="routed", opd_code=DINKES, acknowledge_due_at=eod(20),
             due_at=eod(24), max_escalation=2, escalation_level=2),
        fact("r-c", status="in_progress", opd_code=DINKES, acknowledge_due_at=eod(5),
             due_at=eod(25), service_type="pendidikan.dasar", desa_code="33.25.02.2001"),
        # reached rung 2 before its resolution; reopened, it is at rung 1 of its new deadline
        fact("r-d", status="reopened", opd_code=DINSOS, acknowledge_due_at=eod(27),
             due_at=eod(30, 12), max_escalation=2, escalation_level=1),
        fact("r-a", status="acknowledged", opd_code=DISDIK, acknowledge_due_at=eod(5),
             due_at=eod(20)),
        fact("r-e", status="acknowledged", opd_code=DINKES, due_at=eod(30)),     # not yet
        fact("r-f", status="resolved", opd_code=DINKES, due_at=eod(10)),
        fact("r-g", status="rejected", acknowledge_due_at=eod(5), due_at=eod(10)),
        fact("r-h", status="unroutable"),
        fact("r-i", status="closed", due_at=eod(10)),
        fact("r-j", status="routed", opd_code=DINKES, acknowledge_due_at=None),
    ]


def test_overdue_cases_most_overdue_first():
    columns, rows = figures.overdue(overdue_facts(), AS_OF, 100)
    assert columns == OVERDUE_COLUMNS
    assert rows == [
        ["r-a", DISDIK, "kesehatan.balita", DESA, "resolve", eod(20), 6, 0],
        ["r-b", DINKES, "kesehatan.balita", DESA, "acknowledge", eod(20), 6, 2],
        ["r-c", DINKES, "pendidikan.dasar", "33.25.02.2001", "resolve", eod(25), 3, 0],
        ["r-d", DINSOS, "kesehatan.balita", DESA, "acknowledge", eod(27), 1, 1],
    ]


@pytest.mark.parametrize("as_of,late", [
    ("2026-11-30T16:59:59.000+00:00", 1),     # Mon 30, 23:59 WIB
    ("2026-11-30T17:30:00.000+00:00", 2),     # Tue 1 December, 00:30 WIB (UTC still Monday)
])
def test_working_days_overdue_count_in_the_desa_s_time_zone(as_of, late):
    due_friday = fact("x", status="routed", acknowledge_due_at=eod(27))
    assert figures.overdue([due_friday], as_of, 10)[1][0][6] == late


def test_working_days_overdue_of_a_wita_desa():
    """Due 23:59:59.999 WITA on Fri 27 November; as of 00:30 WITA on Tue 1 December."""
    due = fact("x", desa_code=DESA_WITA, status="acknowledged",
               due_at="2026-11-27T15:59:59.999+00:00")
    rows = figures.overdue([due], "2026-11-30T16:30:00.000+00:00", 10)[1]
    assert rows[0][3:] == [DESA_WITA, "resolve", "2026-11-27T15:59:59.999+00:00", 2, 0]


@pytest.mark.parametrize("limit,ids", [(1, ["r-a"]), (3, ["r-a", "r-b", "r-c"]),
                                       (1000, ["r-a", "r-b", "r-c", "r-d"])])
def test_overdue_is_limited_to_the_most_overdue(limit, ids):
    assert [r[0] for r in figures.overdue(overdue_facts(), AS_OF, limit)[1]] == ids


def test_the_areas_and_ranking_count_the_same_overdue_cases_as_the_overdue_table():
    every = overdue_facts()
    listed = len(figures.overdue(every, AS_OF, 1000)[1])
    assert sum(row[5] for row in figures.areas(every, AS_OF)[1]) == listed
    assert sum(row[5] for row in figures.kecamatan(every, AS_OF, ["33.25.01", "33.25.02"])[1]) \
        == listed


def test_a_case_reopened_a_moment_ago_is_not_overdue():
    """Routing's case.changed of the reopening (Fri 20) carries the new acknowledge deadline
    (Wed 25) with the new follow-up deadline."""
    reopened = derive([received(), routed(ack_due=eod(5), due=eod(9)),
                       changed("acknowledge", "routed", "acknowledged", nov(3), 1, due=eod(9),
                               ack_due=eod(5)),
                       changed("resolve", "acknowledged", "resolved", nov(4), 2, due=eod(9),
                               ack_due=eod(5)),
                       changed("reopen", "resolved", "reopened", nov(20), 3, due=eod(27),
                               ack_due=eod(25))])
    an_hour_later = nov(20, 3)
    assert reopened["status"] == "reopened"
    assert figures.running_due(reopened) == ("acknowledge", eod(25))
    assert figures.is_overdue(reopened, an_hour_later) is False
    assert figures.overdue([reopened], an_hour_later, 100)[1] == []
    after_it = "2026-11-25T17:00:00.000+00:00"
    assert figures.overdue([reopened], after_it, 100)[1] == [
        ["r-1", DINKES, "kesehatan.balita", DESA, "acknowledge", eod(25), 1, 0]]


def test_the_overdue_table_shows_the_current_escalation_level():
    case_ = derive([received(), routed(ack_due=eod(5), due=eod(9)),
                    escalated(1, nov(6), 1), escalated(2, nov(10), 2),
                    *moved("transfer", "routed", nov(11), 3, DINSOS, eod(16), eod(18)),
                    escalated(1, nov(17), 4, opd=DINSOS)])
    rows = figures.overdue([case_], nov(17, 3), 100)[1]
    assert [r[0] for r in rows] == ["r-1"]
    assert rows[0][-1] == 1


# --- coverage -------------------------------------------------------------------------------

def test_coverage_per_kabupaten_with_unknown_counts_as_none():
    columns, rows = figures.coverage({
        "33.25": {"total": 10, "ilp": 7, "six_spm": 3, "active": 10},
        "33.01": None,
        "33.02": {"total": 0, "ilp": 0, "six_spm": 0, "active": 0},
    })
    assert columns == ["kabupaten_code", "posyandu", "ilp", "ilp_pct", "six_spm", "six_spm_pct"]
    assert rows == [["33.01", None, None, None, None, None],
                    ["33.02", 0, 0, None, 0, None],
                    ["33.25", 10, 7, 70.0, 3, 30.0]]
