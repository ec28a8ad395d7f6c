"""End to end: signing in (docs/security.md) on the running system in demo mode — the demo users,
the bearer token every route but the public ones asks for, an OPD's API key acting on its own
cases until it is revoked, a person deactivated by an admin refused at once, and the dashboard's
login page and cookie."""
import re

import pytest

from simpul_devtools.pytest_fixtures import wait_until
from simpul_registry.domain.demo import person_id

PUBLIC = {("GET", "/healthz"), ("POST", "/api/v1/auth/token")}   # of the documented routes
WRONG = {"detail": "nama pengguna atau kata sandi salah"}
KECAMATAN = "33.25.10"   # no other e2e module files reports here


@pytest.mark.parametrize("username, role, bound", [
    ("admin", "admin", {"id": person_id("admin"), "kabupaten_code": None}),
    ("kader.batang", "kader", {"id": person_id("kader:33.25"), "kabupaten_code": "33.25"}),
    ("tph.batam", "tph", {"kabupaten_code": "21.71"}),
    ("dinkes.batang", "opd_officer", {"opd_code": "33.25/dinkes"}),
    ("kepala.bpbd.batam", "opd_head", {"opd_code": "21.71/bpbd"}),
    ("viewer.batang", "viewer", {"kabupaten_code": "33.25"})])
def test_every_demo_user_signs_in_and_is_who_the_docs_say(api, username, role, bound):
    me = api.get("/api/v1/auth/me", headers=api.login(username)).json()
    assert me["kind"] == "person" and me["role"] == role
    assert {key: me[key] for key in bound} == bound


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(anonymous):
    for form in ({"username": "admin", "password": "bukan-kata-sandinya"},
                 {"username": "tidak.ada", "password": "simpul-demo-2026"}):
        response = anonymous.post("/api/v1/auth/token", data=form)
        assert (response.status_code, response.json()) == (401, WRONG)


def test_without_a_token_every_route_but_the_public_ones_is_401(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    asked = 0
    for path, operations in paths.items():
        for method in operations:
            if (method.upper(), path) in PUBLIC:
                continue
            response = anonymous.request(method.upper(), re.sub(r"\{[^}]+\}", "x", path))
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
            asked += 1
    assert asked > 50
    for public in ("/healthz", "/metrics", "/docs", "/openapi.json", "/dashboard/masuk"):
        assert anonymous.get(public).status_code == 200, public


@pytest.fixture(scope="module")
def place(api):
    found = api.get("/api/v1/posyandu", params={"kecamatan_code": KECAMATAN, "per_page": 1}).json()
    return found["items"][0]


def routed_case(api, place):
    response = api.post("/api/v1/reports", json={   # filed by the admin, standing in for the kader
        "desa_code": place["desa_code"], "posyandu_id": place["id"], "service_type": "kesehatan.balita",
        "kind": "service_need", "description": "Balita perlu pemeriksaan gizi"})
    assert response.status_code == 202, response.text
    case_id = response.json()["id"]
    return wait_until(lambda: (r := api.get(f"/api/v1/cases/{case_id}")).status_code == 200 and r.json(),
                      seconds=15, interval=0.1, what="the case routed")


def test_an_opd_api_key_acts_on_its_own_cases_until_it_is_revoked(api, anonymous, place):
    case = routed_case(api, place)
    assert case["opd"]["code"] == "33.25/dinkes"
    created = api.post("/api/v1/api-keys", json={"name": "SIK Dinkes Batang", "opd_code": "33.25/dinkes",
                                                 "scopes": ["cases:read", "cases:act"]})
    assert created.status_code == 201, created.text
    key, key_id = created.json()["key"], created.json()["item"]["id"]
    assert key not in api.get("/api/v1/api-keys", params={"opd_code": "33.25/dinkes"}).text
    system = {"X-API-Key": key}

    listed = anonymous.get("/api/v1/cases", params={"per_page": 200}, headers=system).json()
    assert {c["opd"]["code"] for c in listed["items"]} == {"33.25/dinkes"}
    moved = anonymous.post(f"/api/v1/cases/{case['id']}/acknowledge", json={"note": "Diterima SIK"},
                           headers=system)
    assert moved.status_code == 200, moved.text
    assert moved.json()["history"][-1]["actor"] == {"role": "opd_officer", "id": f"apikey:{key_id}",
                                                    "name": "SIK Dinkes Batang"}
    dinsos_case = api.get("/api/v1/cases", params={"opd_code": "33.25/dinsos", "per_page": 1}).json()["items"]
    if dinsos_case:
        assert anonymous.get(f"/api/v1/cases/{dinsos_case[0]['id']}", headers=system).status_code == 404
    assert anonymous.get("/api/v1/people", headers=system).status_code == 403

    reader = api.post("/api/v1/api-keys", json={"name": "Dasbor Dinkes", "opd_code": "33.25/dinkes",
                                                "scopes": ["cases:read"]}).json()["key"]
    refused = anonymous.post(f"/api/v1/cases/{case['id']}/start", json={}, headers={"X-API-Key": reader})
    assert refused.status_code == 403

    assert api.post(f"/api/v1/api-keys/{key_id}/revoke").json()["revoked_at"]
    assert anonymous.get("/api/v1/cases", headers=system).status_code == 401


def test_a_person_deactivated_by_an_admin_is_refused_at_once(api, enrol, anonymous):
    person, username = enrol({"name": "Petugas Sementara", "role": "tph", "kabupaten_code": "33.25"})
    token = api.login(username)
    assert anonymous.get("/api/v1/triage", headers=token).status_code == 200
    assert api.patch(f"/api/v1/people/{person}", json={"active": False}).status_code == 200
    assert anonymous.get("/api/v1/triage", headers=token).status_code == 401
    refused = anonymous.post("/api/v1/auth/token", data={"username": username, "password": "simpul-demo-2026"})
    assert (refused.status_code, refused.json()) == (401, WRONG)


def test_the_dashboard_login_keeps_the_token_in_a_cookie_for_the_dashboard_only(system):
    import httpx
    with httpx.Client(base_url=system.gateway_url, timeout=15) as browser:
        assert browser.get("/dashboard/wilayah/33.25").status_code == 200   # demo mode: a viewer
        signed_in = browser.post("/dashboard/masuk", follow_redirects=False, data={
            "username": "viewer.batam", "password": "simpul-demo-2026", "next": "/dashboard/wilayah/21.71"})
        assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/dashboard/wilayah/21.71")
        assert "HttpOnly" in signed_in.headers["set-cookie"] and "Path=/dashboard" in signed_in.headers["set-cookie"]
        assert browser.get("/dashboard/wilayah/21.71").status_code == 200
        token = browser.cookies["simpul_token"]
        assert browser.get("/api/v1/auth/me", cookies={"simpul_token": token}).status_code == 401
        assert browser.get("/dashboard/keluar", follow_redirects=False).status_code == 303
