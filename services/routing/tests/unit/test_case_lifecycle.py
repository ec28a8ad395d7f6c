"""Every legal and illegal move of a case, with who may make it and what it must carry."""
import copy
import itertools

import pytest

from simpul_routing.domain import sla
from simpul_routing.domain.lifecycle import MOVES, STATUSES, Actor, IllegalMove, allowed_actions, apply

AT = "2026-11-23T03:00:00+00:00"
OFFICER = Actor("opd_officer", "u-officer", opd_code="33.25/dinkes")
OTHER_OPD = Actor("opd_officer", "u-other", opd_code="33.25/dinsos")
KADER = Actor("kader", "u-kader", posyandu_id="P332501200101")
OTHER_KADER = Actor("kader", "u-kader-2", posyandu_id="P332501200102")
TPH = Actor("tph", "u-tph", kabupaten_code="33.25")
BATAM_TPH = Actor("tph", "u-tph-btm", kabupaten_code="21.71")
SYSTEM = Actor("system", "simpul")
DETAILS = {"note": "sudah dikunjungi", "resolution": "imunisasi diberikan 23/11",
           "reason": "bukan kewenangan kami", "opd_code": "33.25/dinsos"}
EXPECTED = {   # status → {action: status after}
    "routed": {"acknowledge": "acknowledged", "reject": "rejected", "transfer": "routed"},
    "unroutable": {"assign": "routed"},
    "rejected": {"assign": "routed"},
    "acknowledged": {"start": "in_progress", "update": "acknowledged", "resolve": "resolved",
                     "reject": "rejected", "transfer": "routed"},
    "in_progress": {"update": "in_progress", "resolve": "resolved", "reject": "rejected",
                    "transfer": "routed"},
    "resolved": {"confirm": "closed", "reopen": "reopened", "deem_closed": "closed"},
    "reopened": {"acknowledge": "acknowledged", "start": "in_progress", "update": "reopened",
                 "resolve": "resolved", "reject": "rejected", "transfer": "routed"},
    "closed": {},
    "linked": {},
}
OPDS = {"33.25/dinkes": "Dinas Kesehatan Kabupaten Batang",
        "33.25/dinsos": "Dinas Sosial Kabupaten Batang"}


def case(status):
    return {"_id": "r-1", "status": status, "opd_code": "33.25/dinkes", "kabupaten_code": "33.25",
            "posyandu_id": "P332501200101", "escalation_level": 2,
            "norms": sla.norms_for(None), "timezone": "Asia/Jakarta", "history": []}


def actor_for(action):
    roles = MOVES[action].roles
    return {"opd_officer": OFFICER, "tph": TPH, "kader": KADER, "system": SYSTEM}[roles[0]]


def details_for(action):
    details = dict(DETAILS)
    if action == "assign":
        details["opd_code"] = "33.25/dinkes"
    return details


@pytest.mark.parametrize("status,action", itertools.product(STATUSES, MOVES))
def test_every_move_from_every_status_is_either_legal_or_refused_unchanged(status, action):
    before = case(status)
    kept = copy.deepcopy(before)
    if action in EXPECTED[status]:
        after, entry = apply(before, action, actor_for(action), AT, details_for(action), OPDS)
        assert after["status"] == EXPECTED[status][action]
        assert (entry["from"], entry["to"], entry["action"], entry["at"]) == (
            status, after["status"], action, AT)
        assert entry["actor"] == {"role": actor_for(action).role, "id": actor_for(action).id}
    else:
        with pytest.raises(IllegalMove):
            apply(before, action, actor_for(action), AT, details_for(action), OPDS)
    assert before == kept


def test_the_allowed_actions_are_exactly_the_legal_ones():
    for status in STATUSES:
        assert set(allowed_actions(case(status))) == set(EXPECTED[status])


@pytest.mark.parametrize("action,actor", [
    ("acknowledge", OTHER_OPD), ("acknowledge", KADER), ("resolve", TPH),
    ("assign", BATAM_TPH), ("deem_closed", KADER)])
def test_only_the_responsible_actor_may_move_a_case(action, actor):
    status = next(s for s, moves in EXPECTED.items() if action in moves)
    with pytest.raises(IllegalMove) as refused:
        apply(case(status), action, actor, AT, details_for(action), OPDS)
    assert refused.value.field == "actor"
    assert refused.value.status == 403


def test_the_kader_of_another_posyandu_cannot_confirm():
    with pytest.raises(IllegalMove):
        apply(case("resolved"), "confirm", OTHER_KADER, AT, {})


@pytest.mark.parametrize("action,field", [("resolve", "resolution"), ("reject", "reason"),
                                          ("reopen", "reason"), ("transfer", "opd_code"),
                                          ("update", "note")])
def test_a_move_without_what_it_must_carry_names_the_missing_field(action, field):
    status = next(s for s, moves in EXPECTED.items() if action in moves)
    actor = KADER if action == "reopen" else OFFICER
    with pytest.raises(IllegalMove) as refused:
        apply(case(status), action, actor, AT, {}, OPDS)
    assert refused.value.field == field
    assert refused.value.status == 422


def test_a_transfer_moves_the_case_to_another_opd_and_restarts_escalation():
    after, entry = apply(case("in_progress"), "transfer", OFFICER, AT, DETAILS, OPDS)
    assert after["opd_code"] == "33.25/dinsos" and after["escalation_level"] == 0
    assert after["opd_name"] == "Dinas Sosial Kabupaten Batang"
    assert entry["opd_code"] == "33.25/dinsos" and entry["reason"] == DETAILS["reason"]
    with pytest.raises(IllegalMove) as refused:
        apply(case("in_progress"), "transfer", OFFICER, AT, {**DETAILS, "opd_code": "33.25/dinkes"},
              OPDS)
    assert (refused.value.field, refused.value.status) == ("opd_code", 409)


def test_a_reopened_case_stays_with_the_same_opd():
    after, _ = apply(case("resolved"), "reopen", KADER, AT, {"reason": "balita belum diimunisasi"})
    assert after["status"] == "reopened" and after["opd_code"] == "33.25/dinkes"
    acknowledged, _ = apply(after, "acknowledge", OFFICER, AT, {})
    assert acknowledged["status"] == "acknowledged"


def test_the_tph_assigns_a_rejected_case_to_an_opd_of_its_kabupaten():
    after, entry = apply(case("rejected"), "assign", TPH, AT, {"opd_code": "33.25/dinsos"}, OPDS)
    assert (after["status"], after["opd_code"]) == ("routed", "33.25/dinsos")
    assert entry["actor"]["role"] == "tph"


def test_an_unknown_action_is_refused():
    with pytest.raises(IllegalMove):
        apply(case("routed"), "delete", OFFICER, AT, {})


def test_a_case_moves_only_to_an_opd_of_its_own_kabupaten():
    with pytest.raises(IllegalMove) as refused:
        apply(case("unroutable"), "assign", TPH, AT, {"opd_code": "21.71/dinsos"},
              {**OPDS, "21.71/dinsos": "Dinas Sosial Kota Batam"})
    assert refused.value.field == "opd_code"
    assert refused.value.status == 422


def test_an_unknown_or_inactive_opd_of_the_same_kabupaten_is_refused():
    with pytest.raises(IllegalMove) as refused:
        apply(case("unroutable"), "assign", TPH, AT, {"opd_code": "33.25/dpupr"}, OPDS)
    assert (refused.value.field, refused.value.status) == ("opd_code", 422)


def test_a_move_from_the_wrong_status_is_a_conflict_naming_the_action():
    with pytest.raises(IllegalMove) as refused:
        apply(case("closed"), "acknowledge", OFFICER, AT, {})
    assert (refused.value.field, refused.value.status) == ("action", 409)


def test_the_actor_entry_carries_the_name_when_known():
    named = Actor("opd_officer", "u-officer", opd_code="33.25/dinkes", name="Budi")
    _, entry = apply(case("routed"), "acknowledge", named, AT, {})
    assert entry["actor"] == {"role": "opd_officer", "id": "u-officer", "name": "Budi"}


@pytest.mark.parametrize("data", [None, "tph", ["tph"], 5])
def test_an_actor_is_built_only_from_an_object(data):
    with pytest.raises(TypeError):
        Actor.from_dict(data)
