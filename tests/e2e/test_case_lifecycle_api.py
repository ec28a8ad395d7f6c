"""End to end: the demo users (docs/security.md) move cases through their lifecycle over HTTP,
each signed in, on the whole running system, and see only the cases of their own Posyandu, OPD
or kabupaten/kota; the deadlines are run on a clock the test sets (routing's
`sweep(now)`, honoured because the local system runs with SIMPUL_CLOCK_OVERRIDE=1).

A sweep acts on every due case of the shared database, so the tests only look at their own
cases, and the ones that sweep run last."""
import datetime as dt
import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from simpul_devtools.pytest_fixtures import wait_until
from simpul_registry.domain.demo import person_id

TPH, KADER, VIEWER = "tph.batang", "kader.batang", "viewer.batang"
DINKES, DINKES_HEAD, DINSOS = "dinkes.batang", "kepala.dinkes.batang", "dinsos.batang"
KADER_BATAM, TPH_BATAM = "kader.batam", "tph.batam"
PERSON_ID = {KADER: person_id("kader:33.25"), DINKES: person_id("opd_officer:33.25/dinkes"),
             DINKES_HEAD: person_id("opd_head:33.25/dinkes")}
EVIDENCE = ["https://dinkes.batangkab.go.id/bukti/imunisasi-1.jpg"]


@pytest.fixture(scope="module")
def place(api):
    """Where the demo kader of Batang works: (desa_code, posyandu_id)."""
    posyandu_id = api.get("/api/v1/auth/me", headers=api.login(KADER)).json()["posyandu_id"]
    return api.get(f"/api/v1/posyandu/{posyandu_id}").json()["desa_code"], posyandu_id


@pytest.fixture(scope="module")
def other_place(api, place):
    """Another Posyandu of Batang: (desa_code, posyandu_id)."""
    items = api.get("/api/v1/posyandu", params={"kabupaten_code": "33.25", "per_page": 2}).json()["items"]
    other = next(p for p in items if p["id"] != place[1])
    return other["desa_code"], other["id"]


@pytest.fixture(scope="module")
def other_kader(enrol, other_place):
    """The username of a kader of another Posyandu of Batang, registered by the admin."""
    return enrol({"name": "Kader Posyandu Lain", "role": "kader", "posyandu_id": other_place[1]})[1]


@pytest.fixture(scope="module")
def routing_rpc(system):
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=10) as rpc:
        yield rpc.routing


def file_report(api, place, service_type="kesehatan.balita", household_id=None, by=KADER):
    citizen = {"household_id": household_id} if household_id else None
    response = api.post("/api/v1/reports", headers=api.login(by), json={
        "desa_code": place[0], "posyandu_id": place[1], "service_type": service_type,
        "kind": "complaint", "description": "Balita belum mendapat imunisasi campak",
        "citizen": citizen})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def wait_case(api, case_id, status="routed"):
    def there():
        response = api.get(f"/api/v1/cases/{case_id}")
        return response.status_code == 200 and response.json()["status"] == status and response.json()
    return wait_until(there, seconds=15, interval=0.1, what=f"case {case_id} {status}")


def routed_case(api, place, service_type="kesehatan.balita"):
    return wait_case(api, file_report(api, place, service_type))


def move(api, case_id, action, person, **body):
    return api.post(f"/api/v1/cases/{case_id}/{action}", json=body, headers=api.login(person))


def history(api, case_id):
    response = api.get(f"/api/v1/cases/{case_id}/history")
    assert response.status_code == 200
    return response.json()


def later(instant: str, **delta) -> str:
    return (dt.datetime.fromisoformat(instant) + dt.timedelta(**delta)).isoformat()


def test_a_case_walks_from_routed_to_closed_and_its_history_tells_every_step(api, place):
    case = routed_case(api, place)
    assert case["opd"]["code"] == "33.25/dinkes" and case["deadline"] == "acknowledge"
    assert case["history"][0]["action"] == "route" and case["escalation_level"] == 0
    steps = [("acknowledge", DINKES, {"note": "Diterima Puskesmas"}, "acknowledged"),
             ("start", DINKES, {}, "in_progress"),
             ("update", DINKES, {"note": "Kunjungan rumah dijadwalkan Kamis"}, "in_progress"),
             ("resolve", DINKES_HEAD, {"resolution": "Balita sudah diimunisasi campak",
                                       "evidence": EVIDENCE}, "resolved"),
             ("reopen", KADER, {"reason": "Ibu balita belum dikunjungi"}, "reopened"),
             ("acknowledge", DINKES, {}, "acknowledged"),
             ("resolve", DINKES, {"resolution": "Sudah dikunjungi dan diimunisasi"}, "resolved"),
             ("confirm", KADER, {"note": "Ibu balita membenarkan"}, "closed")]
    for action, person, body, status in steps:
        response = move(api, case["id"], action, person, **body)
        assert response.status_code == 200, (action, response.text)
        assert response.json()["status"] == status and response.json()["opd"]["code"] == "33.25/dinkes"
    assert response.json()["allowed_actions"] == []

    trail = history(api, case["id"])
    assert [h["action"] for h in trail] == ["route"] + [s[0] for s in steps]
    assert [h["seq"] for h in trail] == list(range(len(steps) + 1))
    assert [h["to"] for h in trail[1:]] == [s[3] for s in steps]
    assert [h["at"] for h in trail] == sorted(h["at"] for h in trail)
    assert [h["actor"]["id"] for h in trail] == ["routing"] + [PERSON_ID[s[1]] for s in steps]
    assert trail[3]["note"] == "Kunjungan rumah dijadwalkan Kamis"
    assert trail[4]["evidence"] == EVIDENCE and trail[5]["reason"] == "Ibu balita belum dikunjungi"
    assert trail[4]["actor"]["role"] == "opd_head" and trail[8]["actor"]["role"] == "kader"

    def report_closed():
        report = api.get(f"/api/v1/reports/{case['id']}").json()
        return report["status"] == "closed" and report
    wait_until(report_closed, seconds=10, interval=0.1, what="the report follows its case")


def test_wrong_moves_are_refused_clearly_and_change_nothing(api, anonymous, place, other_kader):
    case_id = routed_case(api, place)["id"]
    before = history(api, case_id)
    refused = move(api, case_id, "resolve", DINKES, resolution="Sudah selesai")
    assert refused.status_code == 409 and "acknowledge" in refused.json()["detail"]
    assert move(api, case_id, "confirm", KADER).status_code == 409
    assert move(api, case_id, "acknowledge", KADER).status_code == 403       # routing: not a kader's move
    assert move(api, case_id, "acknowledge", DINSOS).status_code == 404      # not Dinsos' case to see
    assert move(api, case_id, "acknowledge", VIEWER).status_code == 403      # a viewer moves nothing
    missing = move(api, case_id, "reject", DINKES)
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "reason"]
    stranger = anonymous.post(f"/api/v1/cases/{case_id}/acknowledge", json={})
    assert stranger.status_code == 401 and stranger.headers["www-authenticate"] == "Bearer"
    forged = anonymous.post(f"/api/v1/cases/{case_id}/acknowledge", json={},
                            headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."})
    assert forged.status_code == 401
    assert move(api, str(uuid.uuid4()), "acknowledge", DINKES).status_code == 404
    assert history(api, case_id) == before

    assert move(api, case_id, "acknowledge", DINKES).status_code == 200
    assert move(api, case_id, "resolve", DINKES, resolution="Sudah selesai").status_code == 200
    before = history(api, case_id)
    for person in (other_kader, KADER_BATAM):   # cannot see it: as if it did not exist
        assert move(api, case_id, "reopen", person, reason="Belum selesai").status_code == 404
        assert move(api, case_id, "confirm", person).status_code == 404
    assert move(api, case_id, "acknowledge", DINKES).status_code == 409
    assert history(api, case_id) == before and wait_case(api, case_id, "resolved")


def test_a_rejected_case_goes_to_triage_and_the_tph_assigns_it_elsewhere(api, place):
    case_id = routed_case(api, place, "sosial.anak_terlantar")["id"]
    assert wait_case(api, case_id)["opd"]["code"] == "33.25/dinsos"
    rejected = move(api, case_id, "reject", DINSOS, reason="Anak sudah diasuh keluarga besar")
    assert rejected.status_code == 200 and rejected.json()["deadline"] == "triage"
    triage = api.get("/api/v1/triage", params={"kabupaten_code": "33.25", "per_page": 200}).json()
    assert case_id in [c["id"] for c in triage["items"]]
    tph_queue = api.get("/api/v1/cases/mine", params={"per_page": 200}, headers=api.login(TPH)).json()
    assert case_id in [c["id"] for c in tph_queue["items"]]
    batam = api.get("/api/v1/triage", params={"kabupaten_code": "33.25", "per_page": 200},
                    headers=api.login(TPH_BATAM)).json()   # narrowed to Batam's own triage
    assert case_id not in [c["id"] for c in batam["items"]]
    assert {c["kabupaten_code"] for c in batam["items"]} <= {"21.71"}
    assert api.get(f"/api/v1/cases/{case_id}", headers=api.login(TPH_BATAM)).status_code == 404
    assert move(api, case_id, "assign", DINSOS, opd_code="33.25/dinkes").status_code == 404   # rejected: not theirs

    assigned = move(api, case_id, "assign", TPH, opd_code="33.25/dinkes", note="Cek gizi anak")
    assert assigned.status_code == 200
    assert (assigned.json()["status"], assigned.json()["opd"]["code"]) == ("routed", "33.25/dinkes")
    dinkes_queue = api.get("/api/v1/cases/mine", params={"per_page": 200}, headers=api.login(DINKES)).json()
    assert case_id in [c["id"] for c in dinkes_queue["items"]]

    same = move(api, case_id, "transfer", DINKES, opd_code="33.25/dinkes", reason="Tetap di sini")
    assert same.status_code == 409
    elsewhere = move(api, case_id, "transfer", DINKES, opd_code="21.71/dinsos", reason="Salah kota")
    assert elsewhere.status_code == 422 and elsewhere.json()["detail"][0]["loc"] == ["body", "opd_code"]
    moved = move(api, case_id, "transfer", DINKES, opd_code="33.25/dinsos", reason="Urusan sosial")
    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["opd"]["code"]) == ("routed", "33.25/dinsos")
    assert [h["action"] for h in moved.json()["history"]] == ["route", "reject", "assign", "transfer"]
    assert moved.json()["history"][2]["opd_code"] == "33.25/dinkes"


def test_one_visit_with_three_needs_becomes_a_case_at_each_opd_of_one_household(api, place):
    household_id = f"KK-{uuid.uuid4()}"
    needs = [{"service_type": s, "kind": "service_need", "description": "Perlu pendampingan"}
             for s in ("kesehatan.balita", "pendidikan.dasar", "sosial.anak_terlantar")]
    response = api.post("/api/v1/visits", headers=api.login(KADER), json={
        "desa_code": place[0], "posyandu_id": place[1], "needs": needs,
        "citizen": {"name": "Siti Aminah", "household_id": household_id}})
    assert response.status_code == 202, response.text
    visit = response.json()
    assert response.headers["location"] == f"/api/v1/visits/{visit['visit_id']}/cases"
    assert len(visit["reports"]) == 3 and household_id not in response.text

    def all_routed():
        page = api.get(response.headers["location"]).json()
        return page["total"] == 3 and all(c["status"] == "routed" for c in page["items"]) and page
    cases = wait_until(all_routed, seconds=15, interval=0.1, what="three routed cases")["items"]
    assert {c["service_type"]: c["opd"]["code"] for c in cases} == {
        "kesehatan.balita": "33.25/dinkes", "pendidikan.dasar": "33.25/disdik",
        "sosial.anak_terlantar": "33.25/dinsos"}
    assert {(c["visit_id"], c["household_ref"]) for c in cases} == {(visit["visit_id"], visit["household_ref"])}
    household = api.get(f"/api/v1/households/{visit['household_ref']}/cases").json()
    assert (household["total"], household["open"]) == (3, 3)
    assert {area: [c["service_type"] for c in items] for area, items in household["by_area"].items()} == {
        "kesehatan": ["kesehatan.balita"], "pendidikan": ["pendidikan.dasar"],
        "sosial": ["sosial.anak_terlantar"]}

    open_case = next(c["id"] for c in cases if c["service_type"] == "kesehatan.balita")
    duplicate = file_report(api, place, "kesehatan.balita", household_id=household_id)
    linked = wait_case(api, duplicate, "linked")
    assert linked["linked_to"] == open_case and linked["household_ref"] == visit["household_ref"]

    def joined():   # the open case notes the duplicate just after the duplicate is stored
        case = api.get(f"/api/v1/cases/{open_case}").json()
        return case["linked_reports"] and case
    joined = wait_until(joined, seconds=5, interval=0.1, what="the open case notes its duplicate")
    assert joined["status"] == "routed" and joined["linked_reports"] == [duplicate]
    assert [(h["action"], h.get("report_id")) for h in joined["history"]] == [
        ("route", None), ("link_duplicate", duplicate)]

    def report_linked():
        report = api.get(f"/api/v1/reports/{duplicate}").json()
        return report["status"] == "linked" and report
    report = wait_until(report_linked, seconds=10, interval=0.1, what="the report shows its link")
    assert report["linked_to"] == open_case and report["household_ref"] == visit["household_ref"]


def test_each_user_sees_only_the_cases_and_reports_of_their_own_place(api, place, other_place,
                                                                      other_kader):
    mine = routed_case(api, place)["id"]                                    # Batang, for Dinkes
    theirs = wait_case(api, file_report(api, other_place, by=other_kader))["id"]
    for who, visible, hidden in ((KADER, mine, theirs), (other_kader, theirs, mine)):
        for path in ("/api/v1/cases/{}", "/api/v1/reports/{}", "/api/v1/cases/{}/history"):
            assert api.get(path.format(visible), headers=api.login(who)).status_code == 200, (who, path)
            assert api.get(path.format(hidden), headers=api.login(who)).status_code == 404, (who, path)
    listed = api.get("/api/v1/cases", params={"posyandu_id": other_place[1], "per_page": 200},
                     headers=api.login(KADER)).json()
    assert {c["posyandu_id"] for c in listed["items"]} == {place[1]}   # narrowed, whatever was asked
    assert api.get(f"/api/v1/cases/{mine}", headers=api.login(DINKES)).status_code == 200
    for path in (f"/api/v1/cases/{mine}", f"/api/v1/reports/{mine}"):
        assert api.get(path, headers=api.login(DINSOS)).status_code == 404
        assert api.get(path, headers=api.login(TPH_BATAM)).status_code == 404
        assert api.get(path, headers=api.login(TPH)).status_code == 200
    dinsos = api.get("/api/v1/cases", params={"opd_code": "33.25/dinkes", "per_page": 200},
                     headers=api.login(DINSOS)).json()
    assert mine not in {c["id"] for c in dinsos["items"]}
    assert {c["opd"]["code"] for c in dinsos["items"] if c["opd"]} <= {"33.25/dinsos"}


def test_a_viewer_reads_reporting_but_no_case_or_report(api, place):
    case_id = routed_case(api, place)["id"]
    viewer = api.login(VIEWER)
    for path in ("/api/v1/cases", f"/api/v1/cases/{case_id}", f"/api/v1/reports/{case_id}",
                 "/api/v1/cases/mine", "/api/v1/people"):
        assert api.get(path, headers=viewer).status_code == 403, path
    assert api.get("/api/v1/reporting/summary", params={"region": "33.25"}, headers=viewer).status_code == 200
    assert api.get("/api/v1/reporting/tables/areas", params={"region": "33.25"},
                   headers=viewer).status_code == 200


def test_a_missed_deadline_climbs_the_ladder_one_rung_at_a_time(api, place, routing_rpc):
    case = routed_case(api, place)
    routing_rpc.sweep(now=later(case["acknowledge_due_at"], seconds=1))
    first = api.get(f"/api/v1/cases/{case['id']}").json()
    assert (first["escalation_level"], first["escalation_target"]) == (1, "opd_head")
    assert first["history"][-1]["action"] == "escalate"
    assert (first["history"][-1]["level"], first["history"][-1]["deadline"]) == (1, "acknowledge")

    routing_rpc.sweep(now=later(case["acknowledge_due_at"], days=30))
    top = api.get(f"/api/v1/cases/{case['id']}").json()
    assert (top["escalation_level"], top["escalation_target"]) == (3, "sekda")
    ladder = [(h["level"], h["target"]) for h in top["history"] if h["action"] == "escalate"]
    assert ladder == [(1, "opd_head"), (2, "tph"), (3, "sekda")]
    escalated = api.get("/api/v1/cases", params={"escalation_level": 3, "opd_code": "33.25/dinkes",
                                                 "per_page": 200}).json()
    assert case["id"] in [c["id"] for c in escalated["items"]]


def test_a_resolved_case_nobody_answers_is_deemed_closed(api, place, routing_rpc):
    case_id = routed_case(api, place)["id"]
    assert move(api, case_id, "acknowledge", DINKES).status_code == 200
    resolved = move(api, case_id, "resolve", DINKES, resolution="Sudah diimunisasi").json()
    assert resolved["deadline"] == "deem_close"
    routing_rpc.sweep(now=later(resolved["deem_closed_at"], seconds=1))
    closed = api.get(f"/api/v1/cases/{case_id}").json()
    assert closed["status"] == "closed" and closed["allowed_actions"] == []
    last = closed["history"][-1]
    assert (last["action"], last["from"], last["to"], last["actor"]["role"]) == (
        "deem_closed", "resolved", "closed", "system")

