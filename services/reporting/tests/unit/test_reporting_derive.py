"""`facts.derive(report_id, entries)`: a report's fact as a function of the set of its journal
entries — every field through a whole case life, times in working days in the region's own
time zone, in or out of SLA at the deadline instant, the local day of receipt, and the same
fact whatever order the entries come in."""
import itertools
import random

import pytest

from simpul_common.regions import ancestors_and_self
from simpul_reporting.domain import facts

from reporting_unit_support import (DESA, DESA_WITA, DINSOS, DISDIK,
                                    changed, derive, entries, eod, escalated, life_events,
                                    linked, moved, nov, received, record_all, routed,
                                    unroutable, whole_life)


# --- the whole life -------------------------------------------------------------------------

def test_status_and_holder_after_each_step_of_a_whole_life():
    so_far = []
    for label, events, status, opd in whole_life():
        so_far += events
        fact = derive(so_far)
        assert (fact["status"], fact["opd_code"]) == (status, opd), label
        assert fact["events"] == len(so_far), label


def test_every_field_of_the_fact_of_a_whole_life():
    assert derive(life_events()) == {
        "_id": "r-1", "status": "closed", "opd_code": DISDIK, "events": 17,
        "kind": "complaint", "service_type": "kesehatan.balita", "spm_area": "kesehatan",
        "desa_code": DESA, "posyandu_id": "P332501200101",
        "received_at": nov(2, 1),
        "routed_at": nov(9),                    # the routing in force: the transfer to Disdik
        "first_routed_at": nov(2, 1, 1),        # the first routing, to Dinkes
        "acknowledge_due_at": eod(25),          # the acknowledge deadline given on reopening
        "due_at": eod(27),                      # the follow-up deadline given on reopening
        "acknowledged_at": nov(3),              # the first acknowledgement (by Dinkes)
        "ack_due_in_force": eod(5),             # Dinkes' deadline at that acknowledgement
        "resolved_at": nov(24),                 # the last resolution
        "resolve_due_in_force": eod(27),        # the follow-up deadline at that resolution
        "closed_at": nov(25),
        "reopens": 1, "escalations": 2, "max_escalation": 2,
        "escalation_level": 0,                  # Disdik's acknowledgement ended the ladder
        "regions": ["33", "33.25", "33.25.01", DESA], "kabupaten_code": "33.25",
        "kecamatan_code": "33.25.01", "timezone": "Asia/Jakarta",
        "day": "2026-11-02", "week": "2026-W45", "month": "2026-11",
        "ack_wd": 1,            # Mon 2 → Tue 3 November
        "resolve_wd": 16,       # Mon 2 → Tue 24 November: 4 + 5 + 5 + 2 working days
        "ack_in_sla": True, "resolve_in_sla": True}


def test_the_fact_after_the_transfer_carries_the_new_routing():
    steps = whole_life()
    upto = [event for _, events, _, _ in steps[:7] for event in events]
    fact = derive(upto)
    assert (fact["status"], fact["opd_code"], fact["routed_at"]) == ("routed", DISDIK, nov(9))
    assert (fact["acknowledge_due_at"], fact["due_at"]) == (eod(12), eod(16))
    assert fact["first_routed_at"] == nov(2, 1, 1)
    assert fact["acknowledged_at"] == nov(3)


def test_the_report_routed_of_a_transfer_alone_already_shows_the_new_holder():
    """Its case.changed has not arrived yet: the latest event in the case's history wins."""
    steps = whole_life()
    upto = [event for _, events, _, _ in steps[:6] for event in events]
    transfer_changed, transfer_routed = steps[6][1]
    fact = derive(upto + [transfer_routed])
    assert (fact["status"], fact["opd_code"], fact["routed_at"]) == ("routed", DISDIK, nov(9))
    assert derive(upto + [transfer_changed])["opd_code"] == DISDIK


def test_a_rejected_case_is_held_by_nobody_and_keeps_its_deadlines():
    fact = derive([received(), routed(),
                   changed("reject", "routed", "rejected", nov(3), 1, opd=None)])
    assert (fact["status"], fact["opd_code"]) == ("rejected", None)
    assert (fact["acknowledge_due_at"], fact["due_at"]) == (eod(5), eod(9))
    assert fact["first_routed_at"] == nov(2, 1, 1)


# --- first routing, first acknowledgement, last resolution ----------------------------------

def test_an_unroutable_case_is_first_routed_when_the_tph_assigns_it():
    before = derive([received(), unroutable()])
    assert (before["status"], before["first_routed_at"], before["ack_wd"]) == ("unroutable",
                                                                                None, None)
    fact = derive([received(), unroutable(),
                   *moved("assign", "unroutable", nov(4), 1, DINSOS, eod(9), eod(11)),
                   changed("acknowledge", "routed", "acknowledged", nov(6), 2, opd=DINSOS,
                           due=eod(11))])
    assert (fact["status"], fact["opd_code"]) == ("acknowledged", DINSOS)
    assert fact["first_routed_at"] == nov(4) and fact["routed_at"] == nov(4)
    assert fact["ack_wd"] == 2          # Wed 4 → Fri 6, from the assignment, not the receipt


def test_an_assign_change_alone_sets_the_first_routing():
    """Before the report.routed of the assignment has arrived."""
    fact = derive([received(), unroutable(),
                   changed("assign", "unroutable", "routed", nov(4), 1, opd=DINSOS, due=eod(11))])
    assert (fact["status"], fact["opd_code"], fact["first_routed_at"]) == ("routed", DINSOS, nov(4))


def test_a_transfer_does_not_move_the_first_routing():
    fact = derive([received(), routed(at=nov(2)),
                   *moved("transfer", "routed", nov(5), 1, DINSOS, eod(10), eod(12))])
    assert (fact["first_routed_at"], fact["routed_at"]) == (nov(2), nov(5))


def test_the_first_acknowledgement_counts_whatever_arrives_first():
    events = [received(), routed(at=nov(2)),
              changed("acknowledge", "routed", "acknowledged", nov(3), 1),
              changed("reopen", "acknowledged", "reopened", nov(5), 2),
              changed("acknowledge", "reopened", "acknowledged", nov(10), 3)]
    for order in (events, list(reversed(events))):
        fact = derive(order)
        assert fact["acknowledged_at"] == nov(3)
        assert fact["ack_wd"] == 1


def test_the_last_resolution_counts():
    fact = derive([received(), routed(at=nov(2), due=eod(30)),
                   changed("resolve", "routed", "resolved", nov(4), 1, due=eod(30)),
                   changed("reopen", "resolved", "reopened", nov(5), 2, due=eod(30)),
                   changed("resolve", "reopened", "resolved", nov(12), 3, due=eod(30)),
                   changed("reopen", "resolved", "reopened", nov(13), 4, due=eod(30)),
                   changed("resolve", "reopened", "resolved", nov(16), 5, due=eod(30))])
    assert fact["resolved_at"] == nov(16)
    assert fact["resolve_wd"] == 10     # Mon 2 → Mon 16 November
    assert fact["reopens"] == 2
    assert fact["closed_at"] is None and fact["status"] == "resolved"


@pytest.mark.parametrize("action", ["confirm", "deem_closed"])
def test_a_closed_case_records_when(action):
    fact = derive([received(), routed(),
                   changed("resolve", "routed", "resolved", nov(4), 1, due=eod(9)),
                   changed(action, "resolved", "closed", nov(20), 2, due=eod(9))])
    assert (fact["status"], fact["closed_at"], fact["resolved_at"]) == ("closed", nov(20), nov(4))


def test_escalations_count_every_rung_and_keep_the_highest():
    fact = derive([received(), routed(),
                   escalated(1, nov(6), 1), escalated(2, nov(10), 2), escalated(3, nov(12), 3),
                   *moved("transfer", "routed", nov(13), 4, DINSOS, eod(18), eod(20)),
                   escalated(1, nov(19), 5, opd=DINSOS)])
    assert (fact["escalations"], fact["max_escalation"]) == (4, 3)
    assert (fact["status"], fact["opd_code"]) == ("routed", DINSOS)
    assert fact["escalation_level"] == 1        # the current rung, at Dinsos


def test_the_escalation_level_is_the_current_one_in_history_order():
    """A change resets the level routing gives it (0 after an acknowledgement), whatever
    order the events arrive in."""
    events = [received(), routed(), escalated(1, nov(6), 1), escalated(2, nov(10), 2),
              changed("acknowledge", "routed", "acknowledged", nov(11), 3, due=eod(9),
                      ack_due=eod(5)),
              escalated(1, nov(12), 4, deadline="resolve")]
    for upto, level in ((3, 1), (4, 2), (5, 0), (6, 1)):
        assert derive(events[:upto])["escalation_level"] == level, upto
        assert derive(list(reversed(events[:upto])))["escalation_level"] == level, upto
    assert derive(events)["max_escalation"] == 2


def test_a_report_without_events_after_receipt_has_no_times():
    fact = derive([received()])
    assert {k: fact[k] for k in ("status", "opd_code", "first_routed_at", "ack_wd",
                                 "resolve_wd", "ack_in_sla", "resolve_in_sla", "reopens",
                                 "escalations", "max_escalation", "escalation_level",
                                 "ack_due_in_force", "resolve_due_in_force")} == {
        "status": "received", "opd_code": None, "first_routed_at": None, "ack_wd": None,
        "resolve_wd": None, "ack_in_sla": None, "resolve_in_sla": None, "reopens": 0,
        "escalations": 0, "max_escalation": 0, "escalation_level": 0,
        "ack_due_in_force": None, "resolve_due_in_force": None}


def test_a_linked_report_is_linked_and_has_no_routing():
    fact = derive([linked(), received()])
    assert (fact["status"], fact["opd_code"], fact["first_routed_at"]) == ("linked", None, None)
    assert fact["day"] == "2026-11-02"


def test_a_report_whose_receipt_has_not_arrived_has_no_day_yet():
    fact = derive([routed()])
    assert (fact["status"], fact["received_at"], fact["day"], fact["week"], fact["month"]) == (
        "routed", None, None, None, None)
    assert fact["regions"] == ancestors_and_self(DESA)


# --- working days -----------------------------------------------------------------------------

def acked(routed_at, acknowledged_at, desa=DESA, resolved_at=None):
    events = [received(at=routed_at, desa_code=desa), routed(at=routed_at, desa_code=desa),
              changed("acknowledge", "routed", "acknowledged", acknowledged_at, 1, desa_code=desa)]
    if resolved_at:
        events.append(changed("resolve", "acknowledged", "resolved", resolved_at, 2,
                              desa_code=desa))
    return derive(events)


@pytest.mark.parametrize("routed_at,acknowledged_at,wd", [
    (nov(2, 1), nov(2, 9), 0),                                       # the same day
    (nov(6), nov(9), 1),                                             # Friday → Monday
    (nov(6), nov(7), 0),                                             # Friday → Saturday
    (nov(2), nov(16), 10),                                           # two weeks
    # Thu 23:30 → Fri 00:30 WIB, the same day in UTC
    ("2026-11-05T16:30:00.000+00:00", "2026-11-05T17:30:00.000+00:00", 1),
    ("2026-12-23T02:00:00.000+00:00", "2026-12-28T02:00:00.000+00:00", 1),  # 24–25 Dec cuti bersama
])
def test_acknowledgement_time_in_working_days(routed_at, acknowledged_at, wd):
    assert acked(routed_at, acknowledged_at)["ack_wd"] == wd


def test_resolution_time_skips_the_christmas_holidays():
    fact = acked("2026-12-22T02:00:00.000+00:00", "2026-12-23T02:00:00.000+00:00",
                 resolved_at="2026-12-29T02:00:00.000+00:00")
    assert (fact["ack_wd"], fact["resolve_wd"]) == (1, 3)   # Tue 22 → Wed 23, Mon 28, Tue 29


def test_working_days_count_in_the_desa_s_own_time_zone():
    """Thu 23:30 → Fri 00:30 in WITA is Thu 22:30 → 23:30 in WIB."""
    at, then = "2026-11-05T15:30:00.000+00:00", "2026-11-05T16:30:00.000+00:00"
    denpasar, batang = acked(at, then, desa=DESA_WITA), acked(at, then, desa=DESA)
    assert denpasar["timezone"] == "Asia/Makassar" and batang["timezone"] == "Asia/Jakarta"
    assert (denpasar["ack_wd"], batang["ack_wd"]) == (1, 0)


# --- in or out of SLA -----------------------------------------------------------------------

@pytest.mark.parametrize("acknowledged_at,in_sla", [
    ("2026-11-05T16:59:59.998+00:00", True),
    (eod(5), True),                                   # at the deadline instant
    ("2026-11-05T17:00:00.000+00:00", False),         # just after it
    (nov(9), False),
])
def test_acknowledged_in_sla_up_to_the_deadline_instant(acknowledged_at, in_sla):
    fact = derive([received(), routed(ack_due=eod(5)),
                   changed("acknowledge", "routed", "acknowledged", acknowledged_at, 1)])
    assert fact["ack_in_sla"] is in_sla


@pytest.mark.parametrize("resolved_at,in_sla", [
    (eod(9), True), ("2026-11-09T16:59:59.000+00:00", True),
    ("2026-11-09T17:00:00.000+00:00", False), (nov(20), False),
])
def test_resolved_in_sla_up_to_the_follow_up_deadline_instant(resolved_at, in_sla):
    fact = derive([received(), routed(due=eod(9)),
                   changed("acknowledge", "routed", "acknowledged", nov(3), 1, due=eod(9)),
                   changed("resolve", "acknowledged", "resolved", resolved_at, 2, due=eod(9))])
    assert fact["resolve_in_sla"] is in_sla
    assert fact["ack_in_sla"] is True


def test_no_acknowledge_deadline_means_no_verdict():
    fact = derive([received(), routed(ack_due=None),
                   changed("acknowledge", "routed", "acknowledged", nov(3), 1)])
    assert fact["ack_wd"] == 1 and fact["ack_in_sla"] is None


def test_the_resolve_deadline_follows_the_latest_change_that_gives_one():
    fact = derive([received(), routed(due=eod(9)),
                   changed("acknowledge", "routed", "acknowledged", nov(3), 1, due=eod(9)),
                   changed("update", "acknowledged", "acknowledged", nov(4), 2, due=None),
                   changed("resolve", "acknowledged", "resolved", nov(12), 3, due=eod(9))])
    assert fact["due_at"] == eod(9) and fact["resolve_in_sla"] is False


def test_a_late_resolution_stays_late_when_the_case_is_reopened():
    fact = derive([received(), routed(due=eod(9)),
                   changed("resolve", "routed", "resolved", nov(12), 1, due=eod(9)),
                   changed("reopen", "resolved", "reopened", nov(13), 2, due=eod(20),
                           ack_due=eod(18))])
    assert fact["resolve_in_sla"] is False
    assert (fact["resolve_due_in_force"], fact["due_at"]) == (eod(9), eod(20))


def test_a_late_acknowledgement_stays_late_when_the_case_is_transferred():
    fact = derive([received(), routed(ack_due=eod(5), due=eod(9)),
                   changed("acknowledge", "routed", "acknowledged", nov(9), 1, due=eod(9),
                           ack_due=eod(5)),
                   *moved("transfer", "acknowledged", nov(10), 2, DINSOS, eod(13), eod(17))])
    assert fact["acknowledged_at"] == nov(9)
    assert fact["ack_in_sla"] is False
    assert (fact["ack_due_in_force"], fact["acknowledge_due_at"]) == (eod(5), eod(13))


def test_a_resolution_in_sla_stays_in_sla_whatever_deadline_comes_later():
    """Resolved in time, reopened, resolved again in time of the new deadline: the last
    resolution is measured against the deadline in force when it came."""
    fact = derive([received(), routed(due=eod(9)),
                   changed("resolve", "routed", "resolved", nov(12), 1, due=eod(9)),
                   changed("reopen", "resolved", "reopened", nov(13), 2, due=eod(20),
                           ack_due=eod(18)),
                   changed("resolve", "reopened", "resolved", nov(19), 3, due=eod(20),
                           ack_due=eod(18))])
    assert (fact["resolved_at"], fact["resolve_due_in_force"]) == (nov(19), eod(20))
    assert fact["resolve_in_sla"] is True


def test_a_reopening_gives_the_case_its_new_acknowledge_deadline():
    fact = derive([received(), routed(ack_due=eod(5), due=eod(9)),
                   changed("acknowledge", "routed", "acknowledged", nov(3), 1, due=eod(9),
                           ack_due=eod(5)),
                   changed("resolve", "acknowledged", "resolved", nov(4), 2, due=eod(9),
                           ack_due=eod(5)),
                   changed("reopen", "resolved", "reopened", nov(20), 3, due=eod(27),
                           ack_due=eod(25))])
    assert (fact["status"], fact["acknowledge_due_at"], fact["due_at"]) == (
        "reopened", eod(25), eod(27))
    assert (fact["ack_due_in_force"], fact["ack_in_sla"]) == (eod(5), True)


def test_a_change_without_an_acknowledge_deadline_keeps_the_one_in_force():
    """A change journaled before `case.changed` carried the acknowledge deadline (or one of a
    case no OPD holds) leaves the deadline of the routing in force."""
    fact = derive([received(), routed(ack_due=eod(5), due=eod(9)),
                   changed("acknowledge", "routed", "acknowledged", nov(3), 1, due=eod(9),
                           ack_due=None),
                   changed("update", "acknowledged", "acknowledged", nov(4), 2, due=eod(9),
                           ack_due=None)])
    assert fact["acknowledge_due_at"] == eod(5)
    assert (fact["ack_due_in_force"], fact["ack_in_sla"]) == (eod(5), True)


# --- the local day of receipt ---------------------------------------------------------------

@pytest.mark.parametrize("received_at,desa,day,week,month", [
    # 23:30 WIB on the 30th is the 30th (16:30 UTC, the same day)
    ("2026-11-30T16:30:00.000+00:00", DESA, "2026-11-30", "2026-W49", "2026-11"),
    # 00:30 WIB on 1 December, while UTC is still 30 November
    ("2026-11-30T17:30:00.000+00:00", DESA, "2026-12-01", "2026-W49", "2026-12"),
    # 06:30 WIB on the 30th, while UTC is still the 29th
    ("2026-11-29T23:30:00.000+00:00", DESA, "2026-11-30", "2026-W49", "2026-11"),
    # 00:30 WIB on Sunday 1 November: ISO week 44 and November, UTC still in October
    ("2026-10-31T17:30:00.000+00:00", DESA, "2026-11-01", "2026-W44", "2026-11"),
    # 23:30 WITA on the 30th is the 30th …
    ("2026-11-30T15:30:00.000+00:00", DESA_WITA, "2026-11-30", "2026-W49", "2026-11"),
    # … and 23:30 WIB is already 00:30 WITA on 1 December
    ("2026-11-30T16:30:00.000+00:00", DESA_WITA, "2026-12-01", "2026-W49", "2026-12"),
    # 00:30 WIT (Papua) on 1 December
    ("2026-11-30T15:30:00.000+00:00", "94.71.01.1001", "2026-12-01", "2026-W49", "2026-12"),
    # New Year in WIB: 1 January 2027 is in ISO week 53 of 2026
    ("2026-12-31T17:00:00.000+00:00", DESA, "2027-01-01", "2026-W53", "2027-01"),
    ("2026-12-31T16:59:59.999+00:00", DESA, "2026-12-31", "2026-W53", "2026-12"),
])
def test_day_week_and_month_are_of_the_local_date_of_receipt(received_at, desa, day, week,
                                                             month):
    fact = derive([received(at=received_at, desa_code=desa)])
    assert (fact["day"], fact["week"], fact["month"]) == (day, week, month)


def test_period_of_names_a_day_its_iso_week_and_month():
    import datetime as dt
    day = dt.date(2027, 1, 1)
    assert [facts.period_of(day, p) for p in ("day", "week", "month")] == [
        "2027-01-01", "2026-W53", "2027-01"]


# --- order independence ---------------------------------------------------------------------

def test_every_order_of_a_small_life_gives_the_same_fact():
    events = [received(), routed(),
              changed("acknowledge", "routed", "acknowledged", nov(3), 1, due=eod(9)),
              escalated(1, nov(10), 2, deadline="resolve"),
              changed("resolve", "acknowledged", "resolved", nov(12), 3, due=eod(9))]
    expected = derive(events)
    assert (expected["status"], expected["escalations"], expected["resolve_in_sla"]) == (
        "resolved", 1, False)
    for order in itertools.permutations(entries(events)):
        assert facts.derive("r-1", list(order)) == expected


def test_many_shuffles_of_a_whole_life_give_the_same_fact():
    journal = entries(life_events())
    expected = facts.derive("r-1", journal)
    shuffler = random.Random(20261130)
    for _ in range(300):
        order = journal[:]
        shuffler.shuffle(order)
        assert facts.derive("r-1", order) == expected


def test_derive_does_not_change_the_entries_it_is_given():
    journal = entries(life_events())
    snapshot = [dict(e, data=dict(e["data"])) for e in journal]
    facts.derive("r-1", journal)
    assert journal == snapshot


# --- duplicates ---------------------------------------------------------------------------------

def test_the_repository_never_hands_derive_a_duplicate_entry():
    """The journal is keyed by event id: a redelivered event is refused before derive runs,
    so derive always sees unique entries and `events` counts events, not deliveries."""
    events = life_events()
    repo = record_all(events + events[::3])
    assert repo.journal_size() == len(events)
    assert repo.facts["r-1"] == derive(events)
    assert repo.facts["r-1"]["events"] == len(events)


def test_a_duplicate_of_an_idempotent_entry_changes_only_the_event_count():
    """Duplicates cannot come from the repository; a duplicated receipt, routing,
    acknowledgement or resolution would in any case leave every figure as it was."""
    journal = entries([received(), routed(),
                       changed("acknowledge", "routed", "acknowledged", nov(3), 1, due=eod(9)),
                       changed("resolve", "acknowledged", "resolved", nov(5), 2, due=eod(9))])
    once = facts.derive("r-1", journal)
    twice = facts.derive("r-1", journal + [dict(e) for e in journal])
    assert twice["events"] == 2 * once["events"]
    assert {k: v for k, v in twice.items() if k != "events"} == \
        {k: v for k, v in once.items() if k != "events"}


def test_the_fact_of_another_report_in_a_whole_life_is_keyed_by_its_id():
    fact = derive(life_events("r-9"), report_id="r-9")
    assert (fact["_id"], fact["status"], fact["opd_code"]) == ("r-9", "closed", DISDIK)
