"""The case and visit routes over the fake registry and routing: who acts, which queue is whose,
what reaches routing and intake, and how routing's answers come out. Who may see which case is
in test_access_matrix.py and test_object_scope.py."""
import uuid

import pytest

from simpul_common import contracts

CASE_ID = str(uuid.uuid4())
HOUSEHOLD = "ab" * 32


@pytest.fixture
def place(api):
    response = api.post("/api/v1/posyandu", json={"registration_number": "400.5/12/2024",
                                                  "name": "Posyandu Mawar I", "desa_code": "33.25.01.2001"})
    return response.json()


@pytest.fixture
def people(api, registry, place):
    registry.opds.add({"id": "33.25/dinkes", "kabupaten_code": "33.25"})
    bindings = {"officer": {"role": "opd_officer", "opd_code": "33.25/dinkes", "kabupaten_code": "33.25"},
                "kader": {"role": "kader", "posyandu_id": place["id"], "kabupaten_code": "33.25"},
                "tph": {"role": "tph", "kabupaten_code": "33.25"},
                "viewer": {"role": "viewer", "kabupaten_code": "33.25"},
                "retired": {"role": "tph", "kabupaten_code": "33.25", "active": False}}
    return {name: registry.create_person({"name": f"Orang {name}", **binding})["item"]["id"]
            for name, binding in bindings.items()}


@pytest.fixture
def case(routing, place):
    routing.cases[CASE_ID] = {
        "id": CASE_ID, "status": "routed", "kind": "complaint", "spm_area": "kesehatan",
        "service_type": "kesehatan.balita", "desa_code": "33.25.01.2001", "posyandu_id": place["id"],
        "kabupaten_code": "33.25", "visit_id": None, "household_ref": HOUSEHOLD,
        "opd": {"code": "33.25/dinkes", "name": "Dinkes", "unit_code": None}, "reason": None,
        "routed_at": "t", "updated_at": "t", "deadline": "acknowledge", "acknowledge_due_at": "t",
        "due_at": "t", "triage_due_at": None, "deem_closed_at": None, "overdue": False,
        "escalation_level": 0, "escalation_target": None, "linked_to": None, "linked_reports": [],
        "allowed_actions": ["acknowledge", "reject", "transfer"]}
    return routing.cases[CASE_ID]


def test_a_move_without_a_token_is_401_with_the_bearer_challenge(anonymous, case):
    response = anonymous.post(f"/api/v1/cases/{CASE_ID}/acknowledge", json={})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in response.json()["detail"]


@pytest.mark.parametrize("who", ["nobody", "retired"])
def test_a_token_of_an_unknown_or_inactive_person_is_401(anonymous, registry, people, case, who, auth):
    person = registry.people.items.get(people.get(who), {"id": "person-999", "role": "tph"})
    response = anonymous.post(f"/api/v1/cases/{CASE_ID}/acknowledge", json={}, headers=auth(person))
    assert response.status_code == 401 and "tidak aktif" in response.json()["detail"]


def test_a_move_reaches_routing_with_the_actor_and_only_the_details_given(api, routing, people, case, auth):
    response = api.post(f"/api/v1/cases/{CASE_ID}/resolve", headers=auth(people["officer"]),
                        json={"resolution": "Sudah diimunisasi", "evidence": ["https://x.id/1"]})
    assert response.status_code == 200
    assert response.json()["history"][0]["from"] == "routed"
    assert routing.calls[-1] == ("act", CASE_ID, "resolve", {
        "role": "opd_officer", "id": people["officer"], "name": "Orang officer",
        "opd_code": "33.25/dinkes", "posyandu_id": None, "kabupaten_code": "33.25"},
        {"resolution": "Sudah diimunisasi", "evidence": ["https://x.id/1"]})


def test_routings_refusal_is_the_http_error(api, people, case, auth):
    response = api.post(f"/api/v1/cases/{CASE_ID}/acknowledge", json={}, headers=auth(people["kader"]))
    assert (response.status_code, response.json()["detail"]) == (403, "peran kader tidak dapat melakukan acknowledge")
    unknown = api.post(f"/api/v1/cases/{uuid.uuid4()}/acknowledge", json={},
                       headers=auth(people["officer"]))
    assert unknown.status_code == 404


def test_a_move_body_is_checked_before_routing_is_asked(api, routing, people, case, auth):
    response = api.post(f"/api/v1/cases/{CASE_ID}/update", json={}, headers=auth(people["officer"]))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "note"]
    assert not [c for c in routing.calls if c[0] == "act"]


def test_a_person_is_looked_up_once_while_cached(api, registry, people, case, auth):
    asked = []
    original = registry.get_person
    registry.get_person = lambda pid: asked.append(pid) or original(pid)
    for _ in range(3):
        api.post(f"/api/v1/cases/{CASE_ID}/acknowledge", json={}, headers=auth(people["officer"]))
    assert asked == [people["officer"]]


def test_a_person_deactivated_through_the_gateway_is_refused_at_once(api, people, case, auth):
    officer = auth(people["officer"])
    assert api.get(f"/api/v1/cases/{CASE_ID}", headers=officer).status_code == 200
    assert api.patch(f"/api/v1/people/{people['officer']}", json={"active": False}).status_code == 200
    assert api.get(f"/api/v1/cases/{CASE_ID}", headers=officer).status_code == 401


@pytest.mark.parametrize("who, filters", [
    ("officer", {"queue": "open", "opd_code": "33.25/dinkes"}),
    ("kader", {"queue": "open", "posyandu_id": "P332501200101"}),
    ("tph", {"queue": "triage", "kabupaten_code": "33.25"}),
])
def test_my_cases_are_the_queue_of_my_role(api, routing, people, place, who, filters, auth):
    filters = {k: place["id"] if k == "posyandu_id" else v for k, v in filters.items()}
    response = api.get("/api/v1/cases/mine", headers=auth(people[who]))
    assert response.status_code == 200
    assert routing.calls[-1] == ("find_cases", filters, 1, 50)


def test_a_role_without_a_queue_is_403(api, anonymous, people, auth):
    assert api.get("/api/v1/cases/mine", headers=auth(people["viewer"])).status_code == 403
    assert api.get("/api/v1/cases/mine").status_code == 403   # a national admin
    assert anonymous.get("/api/v1/cases/mine").status_code == 401


def test_filters_reach_routing_as_given_and_lists_carry_no_history(api, routing, case):
    response = api.get("/api/v1/cases", params=[("opd_code", "33.25/dinkes"), ("status", "routed"),
                                                ("status", "reopened"), ("overdue", "false"),
                                                ("escalation_level", "1"), ("per_page", "10")])
    assert response.status_code == 200
    assert routing.calls[-1] == ("find_cases", {"opd_code": "33.25/dinkes", "status": ["routed", "reopened"],
                                                "overdue": False, "escalation_level": 1}, 1, 10)
    assert response.json()["items"][0]["id"] == CASE_ID and "history" not in response.json()["items"][0]


@pytest.mark.parametrize("query, field", [("queue=mine", "queue"), ("escalation_level=4", "escalation_level"),
                                          ("status=lost", "status"), ("opd_code=dinkes", "opd_code")])
def test_a_bad_filter_is_422_on_the_query(api, query, field):
    response = api.get(f"/api/v1/cases?{query}")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][:2] == ["query", field]


def test_a_case_and_its_history_are_404_when_routing_has_none(api, case):
    assert api.get(f"/api/v1/cases/{CASE_ID}").json()["history"] == []
    assert api.get(f"/api/v1/cases/{CASE_ID}/history").json() == []
    for path in (f"/api/v1/cases/{uuid.uuid4()}", f"/api/v1/cases/{uuid.uuid4()}/history"):
        assert api.get(path).status_code == 404
    assert api.get("/api/v1/cases/not-a-uuid").status_code == 422


def test_triage_household_and_visit_lists_ask_routing_for_their_cases(api, routing, case):
    assert api.get("/api/v1/triage").json()["detail"][0]["loc"] == ["query", "kabupaten_code"]
    api.get("/api/v1/triage", params={"kabupaten_code": "33.25"})
    assert routing.calls[-1][1] == {"queue": "triage", "kabupaten_code": "33.25"}
    visit_id = str(uuid.uuid4())
    api.get(f"/api/v1/visits/{visit_id}/cases")
    assert routing.calls[-1][1] == {"visit_id": visit_id}
    household = api.get(f"/api/v1/households/{HOUSEHOLD}/cases").json()
    assert household["by_area"]["kesehatan"][0]["id"] == CASE_ID
    assert api.get("/api/v1/households/KK-0001/cases").status_code == 422


def visit_body(place, *service_types, **extra):
    return {"desa_code": "33.25.01.2001", "posyandu_id": place["id"], **extra,
            "needs": [{"service_type": s, "kind": "service_need", "description": "Perlu bantuan"}
                      for s in service_types]}


def test_a_visit_files_one_report_per_need_with_the_visit_and_household(api, commands, place):
    body = visit_body(place, "kesehatan.balita", "pendidikan.dasar", citizen={"household_id": "KK-1"})
    response = api.post("/api/v1/visits", json=body)
    assert response.status_code == 202
    accepted = response.json()
    assert response.headers["location"] == f"/api/v1/visits/{accepted['visit_id']}/cases"
    assert [r["service_type"] for r in accepted["reports"]] == ["kesehatan.balita", "pendidikan.dasar"]
    assert [r["id"] for r in accepted["reports"]] == [
        contracts.stable_id(accepted["visit_id"], "need", str(n)) for n in range(2)]
    sent = [e["data"] for e in commands.sent]
    assert [s["report_id"] for s in sent] == [r["id"] for r in accepted["reports"]]
    assert {s["visit_id"] for s in sent} == {accepted["visit_id"]}
    assert {s["household_ref"] for s in sent} == {accepted["household_ref"]}
    assert len(accepted["household_ref"]) == 64 and "KK-1" not in str(commands.sent)


def test_a_visit_sent_again_with_its_idempotency_key_has_the_same_ids(api, place):
    body, key = visit_body(place, "kesehatan.balita"), {"Idempotency-Key": "kader-app-1"}
    first, second = (api.post("/api/v1/visits", json=body, headers=key).json() for _ in range(2))
    assert first == second and first["household_ref"] is None
    assert api.post("/api/v1/visits", json=body).json()["visit_id"] != first["visit_id"]


def test_a_visit_at_an_unknown_posyandu_is_422_and_nothing_is_sent(api, commands, place):
    response = api.post("/api/v1/visits", json={**visit_body(place, "kesehatan.balita"),
                                                "posyandu_id": "P-UNKNOWN"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "posyandu_id"]
    assert commands.sent == []


def test_a_visit_naming_a_service_type_twice_is_422_naming_the_repeat(api, place):
    response = api.post("/api/v1/visits", json=visit_body(place, "kesehatan.balita", "kesehatan.balita"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "needs", 1, "service_type"]


def test_a_report_with_a_household_carries_its_reference(api, commands, place):
    body = {"desa_code": "33.25.01.2001", "posyandu_id": place["id"], "kind": "complaint",
            "service_type": "kesehatan.balita", "description": "Belum imunisasi",
            "citizen": {"household_id": "KK-1"}}
    assert api.post("/api/v1/reports", json=body).status_code == 202
    without = {**body, "citizen": {"name": "Siti"}}
    assert api.post("/api/v1/reports", json=without).status_code == 202
    first, second = (e["data"] for e in commands.sent)
    assert len(first["household_ref"]) == 64 and second["household_ref"] is None
    assert first["visit_id"] is None


def test_every_move_is_its_own_documented_route_behind_the_token_or_key(api):
    spec = api.get("/openapi.json").json()
    for action in ("acknowledge", "start", "update", "resolve", "reject", "transfer", "assign",
                   "confirm", "reopen"):
        operation = spec["paths"][f"/api/v1/cases/{{case_id}}/{action}"]["post"]
        assert not [p for p in operation["parameters"] if p["in"] == "header"]
        assert {"OAuth2PasswordBearer", "APIKeyHeader"} <= {n for s in operation["security"] for n in s}
        assert operation["summary"] and {"401", "403", "404", "409", "422"} <= set(operation["responses"])
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("In")
