"""Object-level rules (docs/security.md) over a world of two Posyandu, two OPD and two
kabupaten/kota: a case or report outside the caller's Posyandu, OPD or kabupaten/kota is 404,
a list is narrowed to theirs whatever its filters say, and an admin bound to a kabupaten/kota
changes nothing outside it."""
import pytest

from simpul_gateway.auth import scope
from simpul_gateway.auth.principal import Principal


def get(anonymous, w, who, path, **params):
    return anonymous.get(path, headers=w.headers(who), params=params)


def post(anonymous, w, who, path, **kwargs):
    return anonymous.post(path, headers={**kwargs.pop("headers", {}), **w.headers(who)}, **kwargs)


def asked_filters(w):
    return [call[1] for call in w.routing.calls if call[0] == "find_cases"][-1]


@pytest.mark.parametrize("who, visible", [
    ("kader", {"A"}), ("kader_b", {"B"}), ("opd_officer", {"A"}), ("opd_head", {"A"}),
    ("dinsos", {"B"}), ("tph", {"A", "B"}), ("tph_batam", {"batam"}), ("admin", {"A", "B", "batam"}),
    ("admin_batang", {"A", "B"}), ("key", {"A"})])
def test_a_case_and_its_report_outside_the_callers_scope_are_404(anonymous, world, who, visible):
    for name, case in world.cases.items():
        expected = 200 if name in visible else 404
        assert get(anonymous, world, who, f"/api/v1/cases/{case['id']}").status_code == expected, name
        assert get(anonymous, world, who, f"/api/v1/cases/{case['id']}/history").status_code == expected
        if who != "key":
            assert get(anonymous, world, who, f"/api/v1/reports/{case['id']}").status_code == expected


def test_an_unknown_case_answers_as_one_outside_the_scope(anonymous, world):
    outside = get(anonymous, world, "kader", f"/api/v1/cases/{world.cases['B']['id']}").json()
    unknown = get(anonymous, world, "kader", "/api/v1/cases/00000000-0000-4000-8000-000000000000").json()
    assert outside["detail"].replace(world.cases["B"]["id"], "?") == \
        unknown["detail"].replace("00000000-0000-4000-8000-000000000000", "?")


@pytest.mark.parametrize("who, bound", [
    ("kader", {"posyandu_id": "A"}), ("opd_officer", {"opd_code": "33.25/dinkes"}),
    ("key", {"opd_code": "33.25/dinkes"}), ("tph_batam", {"kabupaten_code": "21.71"}),
    ("admin_batang", {"kabupaten_code": "33.25"}), ("admin", {})])
def test_a_case_list_is_narrowed_to_the_callers_own_whatever_is_asked(anonymous, world, who, bound):
    bound = {k: world.posyandu[v]["id"] if k == "posyandu_id" else v for k, v in bound.items()}
    asked = {"posyandu_id": world.posyandu["B"]["id"], "opd_code": "33.25/dinsos", "kabupaten_code": "21.71"}
    response = get(anonymous, world, who, "/api/v1/cases", **asked)
    assert response.status_code == 200
    assert asked_filters(world) == {**asked, **bound}
    visit = get(anonymous, world, who, f"/api/v1/visits/{world.cases['A']['id']}/cases")
    assert visit.status_code == 200 and asked_filters(world) == {"visit_id": world.cases["A"]["id"], **bound}


def test_a_viewer_sees_no_case_but_every_figure(anonymous, world):
    for path in ("/api/v1/cases", f"/api/v1/cases/{world.cases['A']['id']}", "/api/v1/cases/mine",
                 f"/api/v1/households/{world.cases['A']['household_ref']}/cases"):
        assert get(anonymous, world, "viewer", path).status_code == 403, path
    assert get(anonymous, world, "viewer", "/api/v1/reporting/summary", region="21.71").status_code == 200
    assert world.routing.calls == []


def test_a_tph_sees_the_triage_of_their_own_kabupaten_only(anonymous, world):
    assert get(anonymous, world, "tph_batam", "/api/v1/triage", kabupaten_code="33.25").status_code == 200
    assert asked_filters(world) == {"queue": "triage", "kabupaten_code": "21.71"}
    assert get(anonymous, world, "tph", "/api/v1/triage").status_code == 200
    assert asked_filters(world) == {"queue": "triage", "kabupaten_code": "33.25"}
    assert get(anonymous, world, "admin", "/api/v1/triage", kabupaten_code="21.71").status_code == 200
    assert asked_filters(world) == {"queue": "triage", "kabupaten_code": "21.71"}


def test_a_household_shows_only_the_cases_the_caller_may_see(anonymous, world):
    path = f"/api/v1/households/{world.cases['A']['household_ref']}/cases"
    mine = get(anonymous, world, "kader", path).json()
    assert (mine["total"], mine["open"]) == (1, 1)
    assert [c["id"] for c in mine["by_area"]["kesehatan"]] == [world.cases["A"]["id"]]
    everything = get(anonymous, world, "admin", path).json()
    assert everything["total"] == 3


def test_a_move_on_a_case_outside_the_scope_is_404_and_never_reaches_routing(anonymous, world):
    response = post(anonymous, world, "opd_officer", f"/api/v1/cases/{world.cases['B']['id']}/acknowledge",
                    json={})
    assert response.status_code == 404
    assert not [call for call in world.routing.calls if call[0] == "act"]


def test_an_api_key_acts_as_an_officer_of_its_opd_and_only_within_its_scopes(anonymous, world):
    case_id = world.cases["A"]["id"]
    assert post(anonymous, world, "key", f"/api/v1/cases/{case_id}/acknowledge", json={}).status_code == 200
    assert world.routing.calls[-1][3] == {
        "role": "opd_officer", "id": f"apikey:{world.key_id}", "name": "SIK Dinkes Batang",
        "opd_code": "33.25/dinkes", "posyandu_id": None, "kabupaten_code": "33.25"}
    reader = world.registry.create_api_key({"name": "Baca saja", "opd_code": "33.25/dinkes",
                                            "scopes": ["cases:read"]})["key"]
    headers = {"X-API-Key": reader}
    assert anonymous.get("/api/v1/cases", headers=headers).status_code == 200
    refused = anonymous.post(f"/api/v1/cases/{case_id}/start", json={}, headers=headers)
    assert refused.status_code == 403 and "cases:act" in refused.json()["detail"]


def test_a_kader_files_only_at_their_own_posyandu(anonymous, world):
    other = world.posyandu["B"]
    response = post(anonymous, world, "kader", "/api/v1/reports", json={
        "desa_code": other["desa_code"], "posyandu_id": other["id"], "service_type": "kesehatan.balita",
        "kind": "complaint", "description": "Belum imunisasi"})
    assert response.status_code == 403 and "posyandu_id" in response.json()["detail"]
    assert world.commands.sent == []


BATAM_WRITES = [
    ("post", "/api/v1/opds", {"json": {"kabupaten_code": "21.71", "short_code": "disdik", "name": "Disdik"}}),
    ("patch", "/api/v1/opds/21.71/dinkes", {"json": {"name": "Dinkes"}}),
    ("post", "/api/v1/posyandu", {"json": {"registration_number": "REG-X", "name": "Posyandu X",
                                           "desa_code": "21.71.01.1001"}}),
    ("post", "/api/v1/posyandu/import", {"content": b"registration_number;name;desa_code\n"
                                                    b"REG-Y;Posyandu Y;33.25.01.2001\nREG-Z;Posyandu Z;21.71.01.1001\n",
                                         "headers": {"Content-Type": "text/csv"}}),
    ("post", "/api/v1/routing-rules", {"json": {"region_prefix": "21.71", "service_type": "sosial.*",
                                                "opd_code": "21.71/dinkes"}}),
    ("post", "/api/v1/people", {"json": {"name": "TPH Batam", "role": "tph", "kabupaten_code": "21.71"}}),
    ("post", "/api/v1/people", {"json": {"name": "Admin Nasional", "role": "admin"}}),
    ("post", "/api/v1/api-keys", {"json": {"name": "SIK Batam", "opd_code": "21.71/dinkes",
                                           "scopes": ["cases:read"]}}),
    ("patch", "/api/v1/service-types/kesehatan.balita", {"json": {"resolve_days": 30}}),
    ("get", "/api/v1/opds/21.71/dinkes/webhook-secret", {}),
    ("post", "/api/v1/opds/21.71/dinkes/channels/webhook/pause", {}),
]


@pytest.mark.parametrize("method, path, kwargs", BATAM_WRITES)
def test_an_admin_bound_to_batang_changes_nothing_elsewhere(anonymous, world, method, path, kwargs):
    headers = {**kwargs.get("headers", {}), **world.headers("admin_batang")}
    before = (len(world.registry.opds.items), len(world.registry.posyandu.items),
              len(world.registry.people.items), len(world.registry.api_keys.items))
    response = anonymous.request(method, path, headers=headers,
                                 **{k: v for k, v in kwargs.items() if k != "headers"})
    assert response.status_code == 403 and "33.25" in response.json()["detail"]
    assert (len(world.registry.opds.items), len(world.registry.posyandu.items),
            len(world.registry.people.items), len(world.registry.api_keys.items)) == before


def test_a_kader_placed_at_a_batam_posyandu_by_a_batang_admin_is_refused(anonymous, world):
    response = post(anonymous, world, "admin_batang", "/api/v1/people", json={
        "name": "Kader Batam", "role": "kader", "posyandu_id": world.posyandu["batam"]["id"]})
    assert response.status_code == 403
    moved = anonymous.patch(f"/api/v1/people/{world.people['kader']['id']}", headers=world.headers("admin_batang"),
                            json={"posyandu_id": world.posyandu["batam"]["id"]})
    assert moved.status_code == 403


def test_an_admin_bound_to_batang_finds_nothing_of_batam(anonymous, world):
    batam = world.people["tph_batam"]["id"]
    for path in (f"/api/v1/people/{batam}",):
        assert get(anonymous, world, "admin_batang", path).status_code == 404
    assert post(anonymous, world, "admin_batang", f"/api/v1/people/{batam}/password",
                json={"password": "kata-sandi-baru"}).status_code == 404
    assert anonymous.patch(f"/api/v1/people/{batam}", headers=world.headers("admin_batang"),
                           json={"active": False}).status_code == 404
    people = get(anonymous, world, "admin_batang", "/api/v1/people", kabupaten_code="21.71").json()
    assert people["items"] and {p["kabupaten_code"] for p in people["items"]} == {"33.25"}
    batam_key = world.registry.create_api_key({"name": "SIK Batam", "opd_code": "21.71/dinkes",
                                               "scopes": ["cases:read"]})["item"]["id"]
    assert post(anonymous, world, "admin_batang", f"/api/v1/api-keys/{batam_key}/revoke").status_code == 404
    assert post(anonymous, world, "admin_batang", f"/api/v1/api-keys/{world.key_id}/revoke").status_code == 200
    keys = get(anonymous, world, "admin_batang", "/api/v1/api-keys").json()
    assert {k["kabupaten_code"] for k in keys["items"]} == {"33.25"}
    batam_rule = world.registry.create_rule({"region_prefix": "21.71", "service_type": "kesehatan.*",
                                             "opd_code": "21.71/dinkes"})["item"]["id"]
    assert post(anonymous, world, "admin_batang", f"/api/v1/routing-rules/{batam_rule}/end",
                json={"valid_to": "2099-01-01"}).status_code == 404
    assert post(anonymous, world, "admin_batang", f"/api/v1/routing-rules/{world.rule['id']}/end",
                json={"valid_to": "2099-01-01"}).status_code == 200


def test_an_admin_bound_to_batang_sees_and_retries_only_its_deliveries(anonymous, world):
    assert get(anonymous, world, "admin_batang", "/api/v1/deliveries", kabupaten_code="21.71").status_code == 200
    assert world.notification.calls[-1][1] == {"kabupaten_code": "33.25"}
    assert post(anonymous, world, "admin_batang", "/api/v1/deliveries/retry-parked",
                json={"kabupaten_code": "21.71"}).status_code == 200
    assert ("retry_parked", {"kabupaten_code": "33.25"}) in world.notification.calls
    one = post(anonymous, world, "admin_batang", f"/api/v1/deliveries/{world.delivery}/retry")
    assert one.status_code == 403


@pytest.mark.parametrize("principal, expected", [
    (Principal("person", "k", "kader", "K", posyandu_id="P1"), {"posyandu_id": "P1"}),
    (Principal("person", "o", "opd_head", "O", opd_code="33.25/dinkes"), {"opd_code": "33.25/dinkes"}),
    (Principal("person", "t", "tph", "T", kabupaten_code="33.25"), {"kabupaten_code": "33.25"}),
    (Principal("person", "a", "admin", "A"), {}),
    (Principal("person", "v", "viewer", "V", kabupaten_code="33.25"), None),
    (Principal("person", "k", "kader", "K"), None),          # a kader bound nowhere sees nothing
])
def test_the_scope_of_each_role(principal, expected):
    assert scope.case_scope(principal) == expected
