"""The decision on a new case, duplicates joining an open one, what a case announces, and
what readers see of it. Pure: no broker, no database."""
import copy
import json

import pytest

from simpul_common import contracts
from simpul_routing.domain.case import (decide, duplicate_entry, history_view, linked, move,
                                        move_events, open_key, outcome_event, timer_steps, view)
from simpul_routing.domain.lifecycle import Actor

AT = "2026-11-02T03:00:00.000+00:00"      # Mon 10:00 WIB
LATER = "2026-11-03T03:00:00.000+00:00"
SYSTEM_ACTOR = {"role": "system", "id": "routing", "name": "Simpul"}
OPDS = {"33.25/dinkes": "Dinas Kesehatan Kabupaten Batang",
        "33.25/dinsos": "Dinas Sosial Kabupaten Batang"}
OFFICER = Actor("opd_officer", "u-officer", opd_code="33.25/dinkes", name="Budi")
KADER = Actor("kader", "u-kader", posyandu_id="P332501200101")
TPH = Actor("tph", "u-tph", kabupaten_code="33.25")
VIEW_FIELDS = {"id", "status", "kind", "spm_area", "service_type", "desa_code", "posyandu_id",
               "kabupaten_code", "visit_id", "household_ref", "opd", "reason", "routed_at",
               "updated_at", "deadline", "acknowledge_due_at", "due_at", "triage_due_at",
               "deem_closed_at", "overdue", "escalation_level", "escalation_target", "linked_to",
               "linked_reports", "allowed_actions"}


def received(report_id="r-1", service_type="kesehatan.balita", household_ref=None,
             visit_id=None):
    return contracts.ReportReceived(
        report_id=report_id, kind="service_need", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code="33.25.01.2001",
        posyandu_id="P332501200101", received_at=AT, household_ref=household_ref,
        visit_id=visit_id)


TABLE = {
    "kabupaten_code": "33.25",
    "rules": [{"id": "kec-kes", "region_prefix": "33.25.01", "service_type": "kesehatan.*",
               "opd_code": "33.25/dinkes", "unit_code": "puskesmas-33.25.01",
               "valid_from": "2000-01-01", "valid_to": None}],
    "opds": OPDS,
    "norms": {},
}


def routed(**kwargs):
    return decide(received(**kwargs), TABLE, AT)


def unroutable():
    return decide(received(service_type="sosial.anak_terlantar"), TABLE, AT)


def step(case, action, actor, at, **details):
    after, entries, events = move(case, action, actor, at, details, OPDS)
    return dict(after, history=case["history"] + entries), events


# --- decide -------------------------------------------------------------------------------------

def test_a_routed_case_starts_its_history_with_the_systems_decision():
    case = routed()
    assert case["history"] == [{
        "action": "route", "from": "received", "to": "routed", "at": AT, "actor": SYSTEM_ACTOR,
        "opd_code": "33.25/dinkes", "opd_name": OPDS["33.25/dinkes"],
        "unit_code": "puskesmas-33.25.01", "rule_id": "kec-kes", "due_at": case["due_at"],
        "acknowledge_due_at": case["acknowledge_due_at"]}]
    assert (case["_id"], case["version"], case["linked_reports"]) == ("r-1", 0, [])
    assert case["routed_at"] == case["updated_at"] == AT


def test_an_unroutable_case_records_why_in_its_first_entry():
    case = unroutable()
    assert case["status"] == "unroutable"
    [entry] = case["history"]
    assert (entry["action"], entry["from"], entry["to"], entry["actor"]) == (
        "route", "received", "unroutable", SYSTEM_ACTOR)
    assert entry["reason"] == case["reason"] and case["reason"]
    assert "opd_code" not in entry and case["opd_code"] is None


def test_the_visit_and_household_are_kept_on_the_case():
    case = routed(visit_id="v-9", household_ref="hh-1")
    assert (case["visit_id"], case["household_ref"]) == ("v-9", "hh-1")
    plain = routed()
    assert (plain["visit_id"], plain["household_ref"]) == (None, None)


def test_only_a_case_of_a_known_household_has_an_open_key():
    assert "open_key" not in routed()
    assert "open_key" not in routed(visit_id="v-9")
    assert routed(household_ref="hh-1")["open_key"] == open_key("hh-1", "kesehatan.balita")
    assert unroutable().get("open_key") is None
    assert decide(received(service_type="sosial.anak_terlantar", household_ref="hh-1"), TABLE,
                  AT)["open_key"] == open_key("hh-1", "sosial.anak_terlantar")


def test_open_keys_are_per_household_and_service_type():
    keys = {open_key("hh-1", "kesehatan.balita"), open_key("hh-2", "kesehatan.balita"),
            open_key("hh-1", "kesehatan.ibu_hamil")}
    assert len(keys) == 3
    assert open_key("hh-1", "kesehatan.balita") == open_key("hh-1", "kesehatan.balita")


# --- duplicates ---------------------------------------------------------------------------------

def test_a_duplicate_joins_the_open_case_without_deadlines_of_its_own():
    open_case = routed(household_ref="hh-1")
    dup = linked(received("r-2", household_ref="hh-1"), open_case, LATER)

    assert (dup["_id"], dup["status"], dup["linked_to"]) == ("r-2", "linked", "r-1")
    assert (dup["opd_code"], dup["opd_name"]) == ("33.25/dinkes", OPDS["33.25/dinkes"])
    assert (dup["deadline"], dup["timer_at"], dup["escalation_level"]) == (None, None, 0)
    assert "open_key" not in dup
    assert dup["household_ref"] == "hh-1" and dup["kabupaten_code"] == "33.25"
    assert dup["history"] == [{"action": "link", "from": "received", "to": "linked", "at": LATER,
                               "actor": SYSTEM_ACTOR, "case_id": "r-1"}]


def test_the_open_case_notes_the_duplicate_without_changing_status():
    entry = duplicate_entry("r-2", LATER)
    assert entry == {"action": "link_duplicate", "at": LATER, "actor": SYSTEM_ACTOR,
                     "report_id": "r-2"}
    assert "from" not in entry and "to" not in entry


def test_a_linked_report_is_announced_as_linked_to_the_open_case():
    dup = linked(received("r-2", household_ref="hh-1"), routed(household_ref="hh-1"), LATER)
    first, again = outcome_event(dup), outcome_event(copy.deepcopy(dup))
    assert first == again
    assert first["id"] == contracts.stable_id("r-2", "report.linked")
    message = contracts.decode(first).message
    assert isinstance(message, contracts.ReportLinked)
    assert (message.report_id, message.case_id, message.linked_at) == ("r-2", "r-1", LATER)


def test_no_moves_are_allowed_on_a_linked_report():
    dup = linked(received("r-2", household_ref="hh-1"), routed(household_ref="hh-1"), LATER)
    assert view(dup, LATER)["allowed_actions"] == []
    assert timer_steps(dup, "2030-01-01T00:00:00.000+00:00") == (dup, [], [])


# --- outcome_event -------------------------------------------------------------------------------

def test_the_first_decision_is_re_emitted_identically_after_a_transfer():
    case = routed()
    first = outcome_event(case)
    moved, _ = step(case, "transfer", OFFICER, LATER, opd_code="33.25/dinsos",
                    reason="kasus sosial")
    assert moved["opd_code"] == "33.25/dinsos"

    assert outcome_event(moved) == first
    assert first["data"]["opd_code"] == "33.25/dinkes"
    assert first["occurred_at"] == AT
    assert first["data"]["acknowledge_due_at"] == case["acknowledge_due_at"]   # the first's
    assert moved["acknowledge_due_at"] != case["acknowledge_due_at"]


def test_an_unroutable_decision_is_re_emitted_identically_after_an_assignment():
    case = unroutable()
    first = outcome_event(case)
    assigned, _ = step(case, "assign", TPH, LATER, opd_code="33.25/dinsos")
    assert assigned["status"] == "routed"

    again = outcome_event(assigned)
    assert again == first
    assert again["type"] == "report.unroutable"
    assert again["id"] == contracts.stable_id("r-1", "report.unroutable")


# --- move_events ---------------------------------------------------------------------------------

def test_every_move_announces_a_case_change_with_a_stable_id():
    case = routed()
    acknowledged, events = step(case, "acknowledge", OFFICER, LATER)

    assert [e["type"] for e in events] == ["case.changed"]
    assert events[0]["id"] == contracts.stable_id("r-1", "case.changed", "1")
    assert events[0]["occurred_at"] == LATER
    changed = contracts.decode(events[0]).message
    assert (changed.report_id, changed.action, changed.from_status, changed.to_status) == (
        "r-1", "acknowledge", "routed", "acknowledged")
    assert (changed.actor_role, changed.kabupaten_code, changed.opd_code) == (
        "opd_officer", "33.25", "33.25/dinkes")
    assert (changed.escalation_level, changed.changed_at) == (0, LATER)
    assert (changed.sequence, changed.opd_name) == (1, acknowledged["opd_name"])
    assert changed.due_at == acknowledged["due_at"]     # the follow-up (resolve) deadline
    assert changed.acknowledge_due_at == acknowledged["acknowledge_due_at"] == \
        case["acknowledge_due_at"]                      # the acknowledge deadline it had
    again = move_events(case, acknowledged, acknowledged["history"][-1], 1)
    assert again == events


def test_a_case_change_names_the_follow_up_deadline_of_the_opd_holding_it():
    case, _ = step(routed(), "acknowledge", OFFICER, LATER)
    resolved, events = step(case, "resolve", OFFICER, LATER, resolution="selesai")
    assert contracts.decode(events[0]).message.due_at == resolved["due_at"]
    assert resolved["due_at"] != resolved["deem_closed_at"]   # not the deadline now running
    closed, events = step(resolved, "confirm", KADER, LATER)
    assert contracts.decode(events[0]).message.due_at == closed["due_at"]
    rejected, events = step(routed(), "reject", OFFICER, LATER, reason="bukan kami")
    changed = contracts.decode(events[0]).message
    assert (changed.opd_code, changed.opd_name, changed.due_at, changed.acknowledge_due_at) == (
        None, None, None, None)


def test_a_reopening_announces_the_new_acknowledge_and_follow_up_deadlines():
    case, _ = step(routed(), "acknowledge", OFFICER, LATER)
    resolved, _ = step(case, "resolve", OFFICER, LATER, resolution="selesai")
    reopen_at = "2026-11-20T03:00:00.000+00:00"       # Fri 10:00 WIB
    reopened, events = step(resolved, "reopen", KADER, reopen_at, reason="belum")
    changed = contracts.decode(events[0]).message
    assert (changed.action, changed.to_status) == ("reopen", "reopened")
    assert (changed.acknowledge_due_at, changed.due_at) == (reopened["acknowledge_due_at"],
                                                            reopened["due_at"])
    assert changed.acknowledge_due_at > reopen_at > case["acknowledge_due_at"]


def test_a_case_change_carries_its_history_position():
    case, events = step(routed(), "acknowledge", OFFICER, LATER)
    assert contracts.decode(events[0]).message.sequence == len(case["history"]) - 1 == 1
    started, events = step(case, "start", OFFICER, LATER)
    assert contracts.decode(events[0]).message.sequence == len(started["history"]) - 1 == 2


@pytest.mark.parametrize("action", ["transfer", "assign"])
def test_a_new_opd_is_also_announced_as_routed_to_it(action):
    if action == "transfer":
        after, events = step(routed(), "transfer", TPH, LATER, opd_code="33.25/dinsos",
                             reason="kasus sosial")
    else:
        after, events = step(unroutable(), "assign", TPH, LATER, opd_code="33.25/dinsos")

    assert [e["type"] for e in events] == ["case.changed", "report.routed"]
    routed_again = contracts.decode(events[1]).message
    assert (routed_again.opd_code, routed_again.opd_name) == ("33.25/dinsos", OPDS["33.25/dinsos"])
    assert routed_again.rule_id == f"manual:{action}"
    assert (routed_again.due_at, routed_again.routed_at) == (after["due_at"], LATER)
    assert routed_again.acknowledge_due_at == after["acknowledge_due_at"] > LATER
    assert contracts.decode(events[0]).message.acknowledge_due_at == after["acknowledge_due_at"]
    assert contracts.decode(events[0]).message.due_at == after["due_at"]
    assert routed_again.unit_code is None
    assert events[1]["id"] == contracts.stable_id("r-1", "report.routed", "1")
    assert events[1]["id"] != contracts.stable_id("r-1", "report.routed")   # not the decision's
    assert contracts.decode(events[0]).message.opd_code == "33.25/dinsos"
    assert contracts.decode(events[0]).message.opd_name == OPDS["33.25/dinsos"]
    assert contracts.decode(events[0]).message.sequence == routed_again.sequence == 1


def test_moves_that_keep_the_opd_announce_only_the_change():
    case, _ = step(routed(), "acknowledge", OFFICER, LATER)
    for action, details in (("start", {}), ("update", {"note": "x"}),
                            ("resolve", {"resolution": "y"})):
        case, events = step(case, action, OFFICER, LATER, **details)
        assert [e["type"] for e in events] == ["case.changed"], action


def test_events_never_carry_the_free_text_of_a_move():
    secrets = {"note": "NOTE-anak-demam-tinggi", "resolution": "RESOLUTION-rujuk-rsud",
               "reject": "REJECT-bukan-kewenangan", "transfer": "TRANSFER-kasus-sosial",
               "reopen": "REOPEN-belum-ditangani", "evidence": "https://bukti.example/EVIDENCE-1"}
    case = routed()
    events = []

    def do(action, actor, **details):
        nonlocal case
        case, produced = step(case, action, actor, LATER, **details)
        events.extend(produced)

    do("reject", OFFICER, reason=secrets["reject"])
    do("assign", TPH, opd_code="33.25/dinkes")
    do("acknowledge", OFFICER, note=secrets["note"])
    do("update", OFFICER, note=secrets["note"])
    do("resolve", OFFICER, resolution=secrets["resolution"], evidence=[secrets["evidence"]])
    do("reopen", KADER, reason=secrets["reopen"])
    do("transfer", OFFICER, opd_code="33.25/dinsos", reason=secrets["transfer"])
    _, _, escalations = timer_steps(case, "2027-02-01T00:00:00.000+00:00")
    events.extend(escalations)

    recorded = json.dumps(case["history"])
    published = json.dumps(events)
    assert len(events) >= 10
    for text in secrets.values():
        assert text in recorded          # the history keeps it …
        assert text not in published     # … the events never do
    assert "Budi" not in published       # nor the name of the person who acted


# --- view and history ---------------------------------------------------------------------------

def test_the_view_of_a_routed_case_shows_where_it_is_and_what_may_happen():
    case = routed(visit_id="v-9", household_ref="hh-1")
    shown = view(case, LATER)

    assert set(shown) == VIEW_FIELDS
    assert (shown["id"], shown["status"], shown["kabupaten_code"]) == ("r-1", "routed", "33.25")
    assert shown["opd"] == {"code": "33.25/dinkes", "name": OPDS["33.25/dinkes"],
                            "unit_code": "puskesmas-33.25.01"}
    assert (shown["visit_id"], shown["household_ref"]) == ("v-9", "hh-1")
    assert shown["deadline"] == "acknowledge"
    assert (shown["acknowledge_due_at"], shown["due_at"]) == (case["acknowledge_due_at"],
                                                              case["due_at"])
    assert (shown["triage_due_at"], shown["deem_closed_at"]) == (None, None)
    assert (shown["overdue"], shown["escalation_level"], shown["escalation_target"]) == (
        False, 0, None)
    assert shown["allowed_actions"] == ["acknowledge", "reject", "transfer"]
    assert (shown["linked_to"], shown["linked_reports"]) == (None, [])


def test_the_view_of_an_unroutable_case_has_no_opd_and_awaits_assignment():
    shown = view(unroutable(), LATER)
    assert shown["opd"] is None
    assert shown["deadline"] == "triage" and shown["triage_due_at"]
    assert shown["allowed_actions"] == ["assign"]
    assert shown["reason"]


def test_the_view_names_whom_an_overdue_case_was_escalated_to():
    case = routed()
    targets = []
    for now in ("2026-11-06T00:00:00.000+00:00", "2026-11-10T00:00:00.000+00:00",
                "2026-11-12T00:00:00.000+00:00"):
        after, entries, _ = timer_steps(case, now)
        case = dict(after, history=case["history"] + entries)
        shown = view(case, now)
        assert shown["overdue"] is True
        targets.append((shown["escalation_level"], shown["escalation_target"]))
    assert targets == [(1, "opd_head"), (2, "tph"), (3, "sekda")]


@pytest.mark.parametrize("final", ["closed", "linked"])
def test_closed_and_linked_cases_allow_no_action(final):
    if final == "closed":
        case, _ = step(routed(), "acknowledge", OFFICER, LATER)
        case, _ = step(case, "resolve", OFFICER, LATER, resolution="selesai")
        case, _ = step(case, "confirm", KADER, LATER)
    else:
        case = linked(received("r-2", household_ref="hh-1"), routed(household_ref="hh-1"), LATER)
        assert view(case, LATER)["linked_to"] == "r-1"
    shown = view(case, "2030-01-01T00:00:00.000+00:00")
    assert shown["status"] == final
    assert shown["allowed_actions"] == []
    assert shown["overdue"] is False


def test_the_view_leaves_storage_internals_out_and_history_only_on_request():
    case = routed(household_ref="hh-1")
    shown = json.dumps(view(case, LATER))
    for internal in ("open_key", "norms", "timer_at", "clock_started_at", "version", "outbox"):
        assert f'"{internal}"' not in shown
    assert "history" not in view(case, LATER)
    assert view(case, LATER, with_history=True)["history"] == history_view(case)


def test_history_entries_are_numbered_in_order_without_touching_the_stored_ones():
    case, _ = step(routed(), "acknowledge", OFFICER, LATER, note="diterima")
    case, _ = step(case, "update", OFFICER, LATER, note="dikunjungi")
    stored = copy.deepcopy(case["history"])

    shown = history_view(case)

    assert [(h["seq"], h["action"]) for h in shown] == [(0, "route"), (1, "acknowledge"),
                                                        (2, "update")]
    assert shown[1]["actor"] == {"role": "opd_officer", "id": "u-officer", "name": "Budi"}
    assert shown[2]["note"] == "dikunjungi"
    assert case["history"] == stored and all("seq" not in h for h in case["history"])
