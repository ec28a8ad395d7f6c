"""Deadlines of a case in working days of its region's time zone, the due-soon warning, the
escalation ladder, and the timers (warnings, escalations and deemed closing) that act on them.
Pure: no broker, no database.

Instants are UTC text with milliseconds, as Simpul stores them; a deadline is the end
(23:59:59.999 local) of its last working day, met up to and including that instant."""
import copy

import pytest

from simpul_common import contracts
from simpul_routing.domain import sla
from simpul_routing.domain.case import decide, move, timer_steps
from simpul_routing.domain.lifecycle import Actor

MON = "2026-11-02T03:00:00.000+00:00"      # Mon 2 Nov 2026, 10:00 WIB / 11:00 WITA / 12:00 WIT
TUE = "2026-11-03T03:00:00.000+00:00"
WED = "2026-11-04T03:00:00.000+00:00"
THU = "2026-11-05T03:00:00.000+00:00"


def end_wib(day):     # 23:59:59.999 WIB (UTC+7) of an ISO date, as stored
    return f"{day}T16:59:59.999+00:00"


def received(report_id="r-1", service_type="kesehatan.balita", desa_code="33.25.01.2001",
             household_ref=None):
    return contracts.ReportReceived(
        report_id=report_id, kind="complaint", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code=desa_code,
        posyandu_id="P" + desa_code.replace(".", "") + "01", received_at=MON,
        household_ref=household_ref)


def table(kabupaten="33.25", norms=None):
    return {
        "kabupaten_code": kabupaten,
        "rules": [{"id": f"{kabupaten}:kes", "region_prefix": kabupaten, "service_type": "kesehatan.*",
                   "opd_code": f"{kabupaten}/dinkes", "unit_code": None,
                   "valid_from": "2000-01-01", "valid_to": None}],
        "opds": {f"{kabupaten}/dinkes": "Dinas Kesehatan", f"{kabupaten}/dinsos": "Dinas Sosial"},
        "norms": norms or {},
    }


OPDS = table()["opds"]
OFFICER = Actor("opd_officer", "u-officer", opd_code="33.25/dinkes")
KADER = Actor("kader", "u-kader", posyandu_id="P332501200101")
TPH = Actor("tph", "u-tph", kabupaten_code="33.25")


def routed(at=MON, **kwargs):
    case = decide(received(**kwargs), table(), at)
    assert case["status"] == "routed"
    return case


def unroutable(at=MON):
    case = decide(received(service_type="sosial.anak_terlantar"), table(), at)
    assert case["status"] == "unroutable"
    return case


def step(case, action, actor, at, **details):
    """One move, with the history the way the use case stores it."""
    after, entries, _ = move(case, action, actor, at, details, OPDS)
    return dict(after, history=case["history"] + entries)


def run_timers(case, now):
    after, entries, events = timer_steps(case, now)
    return dict(after, history=case["history"] + entries), entries, events


def warned(case, now="2026-11-07T00:00:00.000+00:00"):
    """The case once its due-soon warning is behind it (sent at `now`), so its timer points at
    the deadline itself and the ladder may act."""
    found = sla.warning(case, now)
    assert found is not None and found["announce"]
    return {**case, **found["fields"]}


# --- deadlines set by decide ----------------------------------------------------------------

def test_a_routed_case_must_be_acknowledged_in_3_and_followed_up_in_5_working_days():
    case = routed()
    assert case["timezone"] == "Asia/Jakarta"
    assert case["norms"] == sla.DEFAULT_NORMS
    assert case["deadline"] == "acknowledge"
    assert case["acknowledge_due_at"] == end_wib("2026-11-05")   # Thursday
    assert case["due_at"] == end_wib("2026-11-09")               # next Monday
    assert case["warn_at"] == end_wib("2026-11-04")              # end of the 2nd working day
    assert case["warn_pending"] is True
    assert case["timer_at"] == case["warn_at"]                   # the warning comes first
    assert case["escalation_level"] == 0
    assert case["clock_started_at"] == MON
    assert case.get("triage_due_at") is None and case.get("deem_closed_at") is None


def test_batam_is_in_wib_like_batang():
    case = decide(received(desa_code="21.71.01.1001"), table("21.71"), MON)
    assert (case["status"], case["kabupaten_code"], case["timezone"]) == (
        "routed", "21.71", "Asia/Jakarta")
    assert case["acknowledge_due_at"] == "2026-11-05T16:59:59.999+00:00"
    assert case["due_at"] == "2026-11-09T16:59:59.999+00:00"


@pytest.mark.parametrize("desa_code,zone,acknowledge,resolve", [
    ("51.71.01.1001", "Asia/Makassar",                       # Kota Denpasar, WITA (UTC+8)
     "2026-11-05T15:59:59.999+00:00", "2026-11-09T15:59:59.999+00:00"),
    ("94.71.01.1001", "Asia/Jayapura",                       # Kota Jayapura, WIT (UTC+9)
     "2026-11-05T14:59:59.999+00:00", "2026-11-09T14:59:59.999+00:00"),
])
def test_deadlines_end_at_local_midnight_of_the_regions_time_zone(desa_code, zone, acknowledge,
                                                                   resolve):
    kabupaten = desa_code[:5]
    case = decide(received(desa_code=desa_code), table(kabupaten), MON)
    assert case["timezone"] == zone
    assert (case["acknowledge_due_at"], case["due_at"]) == (acknowledge, resolve)


def test_working_days_are_counted_from_the_local_date_of_the_region():
    # Sun 1 Nov 23:30 WIB is already Mon 2 Nov 00:30 WITA: the count starts a day later there
    at = "2026-11-01T16:30:00.000+00:00"
    batang = decide(received(), table(), at)
    denpasar = decide(received(desa_code="51.71.01.1001"), table("51.71"), at)
    assert batang["acknowledge_due_at"] == "2026-11-04T16:59:59.999+00:00"     # Wed, WIB
    assert denpasar["acknowledge_due_at"] == "2026-11-05T15:59:59.999+00:00"   # Thu, WITA


def test_the_service_types_norms_replace_the_defaults_for_the_cases_whole_life():
    norms = {"kesehatan.balita": {"acknowledge_working_days": 1, "follow_up_working_days": 2}}
    case = decide(received(), table(norms=norms), MON)
    assert case["acknowledge_due_at"] == end_wib("2026-11-03")
    assert case["due_at"] == end_wib("2026-11-04")
    assert case["norms"]["acknowledge_working_days"] == 1
    assert case["norms"]["triage_working_days"] == sla.DEFAULT_NORMS["triage_working_days"]


def test_norms_that_are_not_whole_numbers_are_ignored():
    chosen = sla.norms_for({"acknowledge_working_days": "2", "follow_up_working_days": 7,
                            "escalation_step_working_days": 9})
    assert chosen["acknowledge_working_days"] == 3
    assert chosen["follow_up_working_days"] == 7
    assert chosen["escalation_step_working_days"] == 2     # only the two SLA norms are taken
    assert sla.norms_for(None) == sla.DEFAULT_NORMS


def test_an_unroutable_case_must_be_triaged_by_the_tph_in_3_working_days():
    case = unroutable()
    assert case["deadline"] == "triage"
    assert case["triage_due_at"] == end_wib("2026-11-05")
    assert case["timer_at"] == case["triage_due_at"]
    assert case.get("acknowledge_due_at") is None and case.get("due_at") is None


# --- deadlines set by each move ------------------------------------------------------------

def test_acknowledging_switches_to_the_follow_up_deadline_set_at_routing():
    case = step(routed(), "acknowledge", OFFICER, TUE)
    assert case["deadline"] == "resolve"
    assert case["due_at"] == end_wib("2026-11-09")            # unchanged: counted from routing
    assert case["acknowledge_due_at"] == end_wib("2026-11-05")
    assert case["warn_at"] == end_wib("2026-11-06")            # 4th working day from routing
    assert case["warn_pending"] is True
    assert case["timer_at"] == case["warn_at"]
    assert case["clock_started_at"] == MON                     # not a restart


def test_starting_and_updating_keep_the_follow_up_deadline():
    acknowledged = step(routed(), "acknowledge", OFFICER, TUE)
    started = step(acknowledged, "start", OFFICER, WED)
    assert (started["deadline"], started["due_at"], started["timer_at"]) == (
        "resolve", end_wib("2026-11-09"), end_wib("2026-11-06"))   # the warning still first
    updated = step(started, "update", OFFICER, THU, note="dikunjungi")
    kept = ("deadline", "due_at", "timer_at", "escalation_level", "warn_at", "warn_pending")
    assert {k: updated[k] for k in kept} == {k: started[k] for k in kept}
    assert updated["updated_at"] == THU


def test_a_rejected_case_gets_a_triage_deadline_from_the_rejection():
    case = step(routed(), "reject", OFFICER, TUE, reason="bukan kewenangan kami")
    assert case["deadline"] == "triage"
    assert case["triage_due_at"] == end_wib("2026-11-06")     # Tue + 3 working days
    assert case["timer_at"] == case["triage_due_at"]
    assert case["clock_started_at"] == TUE
    assert case["escalation_level"] == 0


@pytest.mark.parametrize("start", ["routed", "escalated"])
def test_a_transfer_restarts_both_clocks_at_the_new_opd(start):
    case = routed()
    if start == "escalated":
        case, _, _ = run_timers(case, "2026-11-10T00:00:00.000+00:00")
        assert case["escalation_level"] == 2
    moved = step(case, "transfer", OFFICER, WED, opd_code="33.25/dinsos", reason="kasus sosial")
    assert (moved["status"], moved["opd_code"], moved["deadline"]) == (
        "routed", "33.25/dinsos", "acknowledge")
    assert moved["acknowledge_due_at"] == end_wib("2026-11-09")   # Wed + 3
    assert moved["due_at"] == end_wib("2026-11-11")               # Wed + 5
    assert moved["warn_at"] == end_wib("2026-11-06")              # Wed + 2: the new OPD is warned
    assert moved["warn_pending"] is True
    assert moved["timer_at"] == moved["warn_at"]
    assert moved["clock_started_at"] == WED
    assert moved["escalation_level"] == 0


def test_an_assignment_by_the_tph_starts_the_opds_clocks():
    case = step(unroutable(), "assign", TPH, WED, opd_code="33.25/dinsos")
    assert (case["status"], case["deadline"]) == ("routed", "acknowledge")
    assert case["acknowledge_due_at"] == end_wib("2026-11-09")
    assert case["due_at"] == end_wib("2026-11-11")
    assert (case["warn_at"], case["warn_pending"]) == (end_wib("2026-11-06"), True)
    assert case["timer_at"] == case["warn_at"]
    assert case["clock_started_at"] == WED


def resolved(at=THU, **kwargs):
    case = step(routed(**kwargs), "acknowledge", OFFICER, TUE)
    return step(case, "resolve", OFFICER, at, resolution="imunisasi diberikan")


def test_a_resolved_case_is_deemed_closed_10_working_days_later():
    case = resolved()
    assert case["deadline"] == "deem_close"
    assert case["deem_closed_at"] == end_wib("2026-11-19")      # Thu 5 Nov + 10 working days
    assert case["timer_at"] == case["deem_closed_at"]


def test_a_reopened_case_restarts_the_clocks_at_the_same_opd():
    reopen_at = "2026-11-10T03:00:00.000+00:00"               # Tuesday
    case = step(resolved(), "reopen", KADER, reopen_at, reason="belum diimunisasi")
    assert (case["status"], case["opd_code"], case["deadline"]) == (
        "reopened", "33.25/dinkes", "acknowledge")
    assert case["acknowledge_due_at"] == end_wib("2026-11-13")  # Fri
    assert case["due_at"] == end_wib("2026-11-17")              # next Tue
    assert (case["warn_at"], case["warn_pending"]) == (end_wib("2026-11-12"), True)   # Thu
    assert case["timer_at"] == case["warn_at"]
    assert case["clock_started_at"] == reopen_at
    assert case["escalation_level"] == 0


def test_a_confirmed_case_has_no_deadline_and_frees_its_household_key():
    case = resolved(household_ref="hh-1")
    assert case["open_key"] == "hh-1|kesehatan.balita"
    closed = step(case, "confirm", KADER, "2026-11-06T03:00:00.000+00:00")
    assert (closed["status"], closed["deadline"], closed["timer_at"]) == ("closed", None, None)
    assert "open_key" not in closed


# --- overdue ----------------------------------------------------------------------------------

def test_a_deadline_is_met_up_to_its_last_instant_and_overdue_after_it():
    case = routed()
    assert sla.overdue(case, "2026-11-05T16:59:59.999+00:00") is False
    assert sla.overdue(case, "2026-11-05T17:00:00.000+00:00") is True


def test_only_the_running_deadline_can_be_overdue():
    acknowledged = step(routed(), "acknowledge", OFFICER, TUE)
    # the acknowledge deadline has passed, but it was met: only the follow-up counts now
    assert sla.overdue(acknowledged, "2026-11-06T00:00:00.000+00:00") is False
    assert sla.overdue(acknowledged, "2026-11-10T00:00:00.000+00:00") is True


def test_a_triage_case_is_overdue_after_its_triage_deadline():
    case = unroutable()
    assert sla.overdue(case, "2026-11-05T12:00:00.000+00:00") is False
    assert sla.overdue(case, "2026-11-06T00:00:00.000+00:00") is True


def test_waiting_for_the_reporter_and_closed_cases_are_never_overdue():
    case = resolved()
    assert sla.overdue(case, "2027-06-01T00:00:00.000+00:00") is False
    closed = step(case, "confirm", KADER, "2026-11-06T03:00:00.000+00:00")
    assert sla.overdue(closed, "2027-06-01T00:00:00.000+00:00") is False


# --- the escalation ladder --------------------------------------------------------------------

def test_nothing_is_escalated_up_to_the_deadline():
    case = warned(routed(), THU)
    assert sla.escalation(case, case["acknowledge_due_at"]) is None
    assert sla.escalation(case, TUE) is None


def test_the_ladder_climbs_opd_head_tph_sekda_every_two_working_days_then_stops():
    case = warned(routed(), THU)
    rungs = []
    now = "2026-11-05T17:00:00.000+00:00"
    while (found := sla.escalation(case, now)) is not None:
        rungs.append((found["level"], found["target"], found["deadline"], found["overdue_since"],
                      found["fields"]["timer_at"]))
        case = {**case, **found["fields"]}
        now = "2027-01-31T00:00:00.000+00:00"
    assert rungs == [
        (1, "opd_head", "acknowledge", end_wib("2026-11-05"), end_wib("2026-11-09")),  # Fri, Mon
        (2, "tph", "acknowledge", end_wib("2026-11-05"), end_wib("2026-11-11")),       # Tue, Wed
        (3, "sekda", "acknowledge", end_wib("2026-11-05"), None),
    ]
    assert case["escalation_level"] == 3 and case["timer_at"] is None


def test_the_next_rung_waits_for_its_own_timer():
    case = warned(routed(), THU)
    first = sla.escalation(case, "2026-11-05T17:00:00.000+00:00")
    case = {**case, **first["fields"]}
    assert sla.escalation(case, "2026-11-09T16:59:59.999+00:00") is None
    assert sla.escalation(case, "2026-11-09T17:00:00.000+00:00")["level"] == 2


def test_the_escalation_step_is_the_cases_norm():
    case = warned(routed(), THU)
    case["norms"] = dict(case["norms"], escalation_step_working_days=1)
    first = sla.escalation(case, "2026-11-05T17:00:00.000+00:00")
    assert first["fields"]["timer_at"] == end_wib("2026-11-06")


def test_a_missed_follow_up_climbs_its_own_ladder():
    case = warned(step(routed(), "acknowledge", OFFICER, TUE))
    found = sla.escalation(case, "2026-11-09T17:00:00.000+00:00")
    assert (found["level"], found["target"], found["deadline"], found["overdue_since"]) == (
        1, "opd_head", "resolve", end_wib("2026-11-09"))


def test_a_missed_triage_goes_straight_to_the_sekda():
    case = unroutable()
    found = sla.escalation(case, "2026-11-05T17:00:00.000+00:00")
    assert (found["level"], found["target"], found["deadline"], found["overdue_since"]) == (
        3, "sekda", "triage", end_wib("2026-11-05"))
    assert found["fields"] == {"escalation_level": 3, "timer_at": None}
    assert sla.escalation({**case, **found["fields"]}, "2027-01-31T00:00:00.000+00:00") is None


def test_a_rejected_case_missing_triage_also_goes_to_the_sekda():
    case = step(routed(), "reject", OFFICER, TUE, reason="bukan kewenangan kami")
    found = sla.escalation(case, "2026-11-07T00:00:00.000+00:00")
    assert (found["level"], found["target"], found["deadline"]) == (3, "sekda", "triage")


def test_a_deemed_closing_is_not_an_escalation():
    case = resolved()
    assert sla.escalation(case, "2027-06-01T00:00:00.000+00:00") is None
    assert sla.deem_close_due(case, case["deem_closed_at"]) is False
    assert sla.deem_close_due(case, "2026-11-19T17:00:00.000+00:00") is True


def test_christmas_and_its_cuti_bersama_push_the_next_rung():
    # Wed 16 Dec 2026: acknowledge by Mon 21 Dec; rung 2 two working days later, Wed 23 Dec;
    # rung 3 two working days after that skips 24 (cuti bersama), 25 (Christmas) and the weekend
    case = routed(at="2026-12-16T03:00:00.000+00:00")
    assert case["acknowledge_due_at"] == end_wib("2026-12-21")
    case, entries, _ = run_timers(case, "2026-12-28T12:00:00.000+00:00")
    assert [e["level"] for e in entries] == [1, 2]
    assert case["escalation_level"] == 2
    assert case["timer_at"] == end_wib("2026-12-29")
    later, entries, _ = run_timers(case, "2026-12-29T17:00:00.000+00:00")
    assert [e["level"] for e in entries] == [3]
    assert (later["escalation_level"], later["timer_at"]) == (3, None)


def test_a_holiday_pushes_the_deadline_itself():
    # Mon 21 Dec 2026 + 3 working days: Tue 22, Wed 23, then Mon 28 after Christmas
    case = routed(at="2026-12-21T03:00:00.000+00:00")
    assert case["acknowledge_due_at"] == end_wib("2026-12-28")


# --- timer_steps: what the sweep does with one case ------------------------------------------

FAR_PAST = "2027-02-01T00:00:00.000+00:00"


def test_nothing_happens_before_the_timer():
    case = routed()
    for now in (TUE, case["timer_at"]):
        after, entries, events = timer_steps(case, now)
        assert after == case and entries == [] and events == []


def test_a_sweep_far_past_the_deadline_climbs_every_rung_at_once():
    case = routed()
    kept = copy.deepcopy(case)

    after, entries, events = timer_steps(case, FAR_PAST)

    assert case == kept                                        # pure
    assert [(e["action"], e["level"], e["target"]) for e in entries] == [
        ("escalate", 1, "opd_head"), ("escalate", 2, "tph"), ("escalate", 3, "sekda")]
    assert all(e["actor"]["role"] == "system" and e["at"] == FAR_PAST for e in entries)
    assert all((e["from"], e["to"]) == ("routed", "routed") for e in entries)
    assert [e["overdue_since"] for e in entries] == [end_wib("2026-11-05")] * 3
    assert [e["type"] for e in events] == ["case.escalated"] * 3
    messages = [contracts.decode(e).message for e in events]
    assert [(m.level, m.target, m.deadline) for m in messages] == [
        (1, "opd_head", "acknowledge"), (2, "tph", "acknowledge"), (3, "sekda", "acknowledge")]
    assert all(m.opd_code == "33.25/dinkes" and m.kabupaten_code == "33.25"
               and m.escalated_at == FAR_PAST for m in messages)
    assert (after["status"], after["escalation_level"], after["timer_at"]) == ("routed", 3, None)
    assert after["updated_at"] == FAR_PAST


def test_escalation_events_have_ids_that_depend_only_on_the_case_and_the_rung():
    case = routed()
    _, _, events = timer_steps(case, FAR_PAST)
    _, _, again = timer_steps(copy.deepcopy(case), FAR_PAST)
    _, _, later = timer_steps(copy.deepcopy(case), "2027-03-01T00:00:00.000+00:00")

    ids = [e["id"] for e in events]
    assert ids == [e["id"] for e in again] == [e["id"] for e in later]
    assert len(set(ids)) == 3
    assert ids == [contracts.stable_id("r-1", "case.escalated", str(seq)) for seq in (1, 2, 3)]


def test_a_sweep_after_one_rung_adds_just_the_next():
    case, first, _ = run_timers(routed(), "2026-11-06T00:00:00.000+00:00")
    assert [e["level"] for e in first] == [1]
    case, second, events = run_timers(case, "2026-11-10T00:00:00.000+00:00")
    assert [e["level"] for e in second] == [2]
    assert [e["id"] for e in events] == [contracts.stable_id("r-1", "case.escalated", "2")]
    after, nothing, none = timer_steps(case, "2026-11-10T00:00:00.000+00:00")
    assert (nothing, none) == ([], []) and after == case


def test_a_triage_case_far_past_its_deadline_escalates_once():
    after, entries, events = timer_steps(unroutable(), FAR_PAST)
    assert [(e["level"], e["target"], e["deadline"]) for e in entries] == [(3, "sekda", "triage")]
    assert len(events) == 1
    assert contracts.decode(events[0]).message.opd_code is None
    assert after["timer_at"] is None


def test_a_resolved_case_is_deemed_closed_by_the_system_when_its_timer_passes():
    case = resolved(household_ref="hh-1")
    assert "open_key" in case
    nothing = timer_steps(case, case["deem_closed_at"])
    assert nothing == (case, [], [])

    after, entries, events = timer_steps(case, "2026-11-19T17:00:00.000+00:00")

    assert (after["status"], after["deadline"], after["timer_at"]) == ("closed", None, None)
    assert "open_key" not in after
    assert len(entries) == 1
    assert (entries[0]["action"], entries[0]["from"], entries[0]["to"]) == (
        "deem_closed", "resolved", "closed")
    assert entries[0]["actor"] == {"role": "system", "id": "routing", "name": "Simpul"}
    assert [e["type"] for e in events] == ["case.changed"]
    changed = contracts.decode(events[0]).message
    assert (changed.action, changed.from_status, changed.to_status, changed.actor_role) == (
        "deem_closed", "resolved", "closed", "system")
    assert changed.due_at == case["due_at"]     # the OPD's follow-up deadline, still held
    assert changed.sequence == len(case["history"])
    assert events[0]["id"] == contracts.stable_id("r-1", "case.changed", str(len(case["history"])))


def test_a_deemed_closed_case_stays_closed_on_the_next_sweep():
    case, _, _ = run_timers(resolved(), FAR_PAST)
    assert timer_steps(case, "2027-06-01T00:00:00.000+00:00") == (case, [], [])


def test_starting_an_escalated_case_keeps_it_on_the_ladder():
    case = step(routed(), "acknowledge", OFFICER, TUE)
    case, entries, _ = run_timers(case, "2026-11-12T00:00:00.000+00:00")
    assert [e["level"] for e in entries] == [1, 2]
    started = step(case, "start", OFFICER, "2026-11-12T03:00:00.000+00:00")
    assert started["escalation_level"] == 2
    assert (started["deadline"], started["due_at"], started["timer_at"]) == (
        "resolve", case["due_at"], case["timer_at"])     # the same deadline keeps running
    _, again, _ = timer_steps(started, "2026-11-12T04:00:00.000+00:00")
    assert again == []     # not escalated to the OPD head and the TPH a second time


def test_the_triage_escalation_of_a_rejected_case_goes_to_no_opd():
    case = step(routed(), "reject", OFFICER, TUE, reason="bukan kewenangan kami")
    assert (case["opd_code"], case["opd_name"], case["unit_code"], case["rule_id"]) == (
        None, None, None, None)
    assert case["history"][-1]["opd_code"] == "33.25/dinkes"   # who refused it
    _, _, events = timer_steps(case, FAR_PAST)
    assert [e["type"] for e in events] == ["case.escalated"]
    escalation = contracts.decode(events[0]).message
    assert escalation.opd_code is None
    assert escalation.sequence == len(case["history"])


# --- the due-soon warning ---------------------------------------------------------------------

WARNED_AT = "2026-11-04T17:00:00.000+00:00"   # Thu 00:00 WIB: the acknowledge warning is owed


@pytest.mark.parametrize("desa_code,acknowledge_warning,resolve_warning", [
    ("33.25.01.2001", "2026-11-04T16:59:59.999+00:00", "2026-11-06T16:59:59.999+00:00"),   # WIB
    ("51.71.01.1001", "2026-11-04T15:59:59.999+00:00", "2026-11-06T15:59:59.999+00:00"),   # WITA
    ("94.71.01.1001", "2026-11-04T14:59:59.999+00:00", "2026-11-06T14:59:59.999+00:00"),   # WIT
])
def test_the_warning_is_at_the_local_end_of_the_last_but_one_working_day(
        desa_code, acknowledge_warning, resolve_warning):
    # 3-day acknowledge norm: end of the 2nd working day (Wed); 5-day follow-up: the 4th (Fri)
    case = decide(received(desa_code=desa_code), table(desa_code[:5]), MON)
    assert (case["deadline"], case["warn_at"], case["warn_pending"]) == (
        "acknowledge", acknowledge_warning, True)
    assert case["timer_at"] == acknowledge_warning
    acknowledged = step(case, "acknowledge", Actor("opd_officer", "u", opd_code=case["opd_code"]),
                        TUE)
    assert (acknowledged["deadline"], acknowledged["warn_at"], acknowledged["warn_pending"]) == (
        "resolve", resolve_warning, True)
    assert acknowledged["timer_at"] == resolve_warning


def test_the_warning_skips_weekends_and_holidays_like_the_deadline():
    # Thu 5 Nov + 3 working days: Fri, Mon, Tue 10 Nov; warned at the end of Mon 9 Nov
    case = routed(at=THU)
    assert case["acknowledge_due_at"] == end_wib("2026-11-10")
    assert case["warn_at"] == end_wib("2026-11-09")
    # Fri 18 Dec + 3 working days: Mon 21, Tue 22, Wed 23 (24-25 are off); warned Tue 22
    december = routed(at="2026-12-18T03:00:00.000+00:00")
    assert december["acknowledge_due_at"] == end_wib("2026-12-23")
    assert december["warn_at"] == end_wib("2026-12-22")


def test_a_one_day_deadline_gives_no_warning_but_a_two_day_one_does():
    norms = {"kesehatan.balita": {"acknowledge_working_days": 1, "follow_up_working_days": 2}}
    case = decide(received(), table(norms=norms), MON)
    assert (case["warn_at"], case["warn_pending"]) == (None, False)
    assert case["timer_at"] == case["acknowledge_due_at"] == end_wib("2026-11-03")
    assert sla.warning(case, FAR_PAST) is None
    assert sla.escalation(case, "2026-11-03T17:00:00.000+00:00")["level"] == 1
    acknowledged = step(case, "acknowledge", OFFICER, TUE)
    assert (acknowledged["warn_at"], acknowledged["warn_pending"]) == (end_wib("2026-11-03"), True)
    assert acknowledged["due_at"] == end_wib("2026-11-04")


def test_triage_deemed_closing_and_closed_cases_get_no_warning():
    assert (unroutable()["warn_at"], unroutable()["warn_pending"]) == (None, False)
    rejected = step(routed(), "reject", OFFICER, TUE, reason="bukan kewenangan kami")
    assert (rejected["warn_at"], rejected["warn_pending"]) == (None, False)
    assert rejected["timer_at"] == rejected["triage_due_at"]
    case = resolved()
    assert (case["warn_at"], case["warn_pending"]) == (None, False)
    assert case["timer_at"] == case["deem_closed_at"]
    closed = step(case, "confirm", KADER, "2026-11-06T03:00:00.000+00:00")
    assert (closed["warn_at"], closed["warn_pending"], closed["timer_at"]) == (None, False, None)


def test_the_warning_is_owed_only_after_its_instant():
    case = routed()
    assert sla.warning(case, TUE) is None
    assert sla.warning(case, case["warn_at"]) is None
    found = sla.warning(case, WARNED_AT)
    assert found == {"fields": {"warn_pending": False, "timer_at": case["acknowledge_due_at"]},
                     "announce": True, "deadline": "acknowledge",
                     "due": case["acknowledge_due_at"]}


def test_the_warning_is_still_announced_at_the_deadlines_last_instant_but_not_after():
    case = routed()
    assert sla.warning(case, case["acknowledge_due_at"])["announce"] is True
    late = sla.warning(case, "2026-11-05T17:00:00.000+00:00")
    assert late["announce"] is False
    assert late["fields"] == {"warn_pending": False, "timer_at": case["acknowledge_due_at"]}


def test_no_escalation_while_a_warning_is_pending():
    case = routed()
    assert case["warn_pending"] is True
    assert sla.escalation(case, "2026-11-05T17:00:00.000+00:00") is None
    assert sla.escalation(case, FAR_PAST) is None
    assert sla.escalation(warned(case, THU), "2026-11-05T17:00:00.000+00:00")["level"] == 1


def test_a_sweep_after_the_warning_instant_reminds_the_opd_once():
    case = routed()
    kept = copy.deepcopy(case)

    after, entries, events = timer_steps(case, WARNED_AT)

    assert case == kept                                        # pure
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["action"], entry["from"], entry["to"], entry["at"]) == (
        "remind", "routed", "routed", WARNED_AT)
    assert (entry["deadline"], entry["due"]) == ("acknowledge", end_wib("2026-11-05"))
    assert entry["actor"]["role"] == "system"
    assert [e["type"] for e in events] == ["case.due_soon"]
    assert events[0]["id"] == contracts.stable_id("r-1", "case.due_soon", "1")
    assert events[0]["occurred_at"] == WARNED_AT
    message = contracts.decode(events[0]).message
    assert isinstance(message, contracts.CaseDueSoon)
    assert (message.deadline, message.due, message.warned_at, message.sequence) == (
        "acknowledge", end_wib("2026-11-05"), WARNED_AT, 1)
    assert (message.opd_code, message.kabupaten_code, message.report_id) == (
        "33.25/dinkes", "33.25", "r-1")
    assert (after["status"], after["escalation_level"], after["warn_pending"]) == (
        "routed", 0, False)
    assert after["timer_at"] == end_wib("2026-11-05")        # now the deadline itself

    stored = dict(after, history=case["history"] + entries)
    assert timer_steps(stored, THU) == (stored, [], [])      # not a second time
    assert timer_steps(stored, end_wib("2026-11-05")) == (stored, [], [])


def test_the_warning_event_has_the_same_id_when_the_sweep_is_repeated():
    case = routed()
    _, _, first = timer_steps(copy.deepcopy(case), WARNED_AT)
    _, _, again = timer_steps(copy.deepcopy(case), THU)
    assert [e["id"] for e in first] == [e["id"] for e in again]


def test_a_sweep_after_the_deadline_skips_the_warning_and_climbs_the_ladder():
    case = routed()
    fri = "2026-11-06T00:00:00.000+00:00"    # the acknowledge deadline (Thu) has passed

    after, entries, events = timer_steps(case, fri)

    assert [e["action"] for e in entries] == ["escalate"]
    assert [e["type"] for e in events] == ["case.escalated"]
    assert events[0]["id"] == contracts.stable_id("r-1", "case.escalated", "1")
    assert (after["escalation_level"], after["warn_pending"]) == (1, False)
    assert after["timer_at"] == end_wib("2026-11-09")
    assert fri > case["acknowledge_due_at"]


def test_after_the_warning_the_ladder_goes_on_as_before():
    case, reminded, _ = run_timers(routed(), WARNED_AT)
    assert [e["action"] for e in reminded] == ["remind"]
    case, escalated, events = run_timers(case, "2026-11-06T00:00:00.000+00:00")
    assert [(e["action"], e["level"]) for e in escalated] == [("escalate", 1)]
    assert events[0]["id"] == contracts.stable_id("r-1", "case.escalated", "2")
    assert contracts.decode(events[0]).message.overdue_since == end_wib("2026-11-05")
    case, more, _ = run_timers(case, FAR_PAST)
    assert [e["level"] for e in more] == [2, 3]
    assert [h["action"] for h in case["history"]] == [
        "route", "remind", "escalate", "escalate", "escalate"]


def test_acknowledging_before_the_warning_plans_it_for_the_follow_up_instead():
    case = step(routed(), "acknowledge", OFFICER, TUE)
    assert (case["deadline"], case["warn_at"], case["warn_pending"]) == (
        "resolve", end_wib("2026-11-06"), True)
    # the acknowledge warning's instant passes: nothing, the OPD has acknowledged
    assert timer_steps(case, THU) == (case, [], [])
    after, entries, events = timer_steps(case, "2026-11-07T00:00:00.000+00:00")
    assert [(e["action"], e["deadline"], e["due"]) for e in entries] == [
        ("remind", "resolve", end_wib("2026-11-09"))]
    message = contracts.decode(events[0]).message
    assert (message.deadline, message.due) == ("resolve", end_wib("2026-11-09"))
    assert after["timer_at"] == end_wib("2026-11-09")


def test_an_acknowledgement_after_the_acknowledge_warning_still_gets_the_follow_up_warning():
    case, _, _ = run_timers(routed(), WARNED_AT)
    assert case["warn_pending"] is False
    acknowledged = step(case, "acknowledge", OFFICER, THU)
    assert (acknowledged["warn_at"], acknowledged["warn_pending"]) == (end_wib("2026-11-06"), True)
    assert acknowledged["timer_at"] == end_wib("2026-11-06")


def test_a_late_acknowledgement_past_the_follow_up_warning_is_warned_at_the_next_sweep():
    sat = "2026-11-07T03:00:00.000+00:00"    # after the follow-up warning's instant (Fri end)
    case, _, _ = run_timers(routed(), "2026-11-06T00:00:00.000+00:00")   # escalated once
    acknowledged = step(case, "acknowledge", OFFICER, sat)
    assert (acknowledged["escalation_level"], acknowledged["warn_pending"]) == (0, True)
    _, entries, events = timer_steps(acknowledged, sat)
    assert [(e["action"], e["deadline"]) for e in entries] == [("remind", "resolve")]
    assert [e["type"] for e in events] == ["case.due_soon"]


def test_starting_work_keeps_the_warning_already_sent():
    case = step(routed(), "acknowledge", OFFICER, TUE)
    case, entries, _ = run_timers(case, "2026-11-07T00:00:00.000+00:00")
    assert [e["action"] for e in entries] == ["remind"]
    started = step(case, "start", OFFICER, "2026-11-07T01:00:00.000+00:00")
    assert (started["warn_pending"], started["timer_at"]) == (False, end_wib("2026-11-09"))
    assert timer_steps(started, "2026-11-08T00:00:00.000+00:00") == (started, [], [])


def test_a_transfer_after_the_warning_warns_the_new_opd_again():
    case, _, _ = run_timers(routed(), WARNED_AT)
    moved = step(case, "transfer", OFFICER, THU, opd_code="33.25/dinsos", reason="kasus sosial")
    assert (moved["warn_pending"], moved["warn_at"]) == (True, end_wib("2026-11-09"))   # Thu + 2
    _, entries, events = timer_steps(moved, "2026-11-10T00:00:00.000+00:00")
    assert [e["action"] for e in entries] == ["remind"]
    assert contracts.decode(events[0]).message.opd_code == "33.25/dinsos"
