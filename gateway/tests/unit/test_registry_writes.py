"""Writes of the catalogue, OPD, routing rules and people through the admin API."""
import pytest

from simpul_common import sealing
from simpul_common.catalogue import SERVICE_TYPES

DINKES = {"kabupaten_code": "33.25", "short_code": "dinkes", "name": "Dinas Kesehatan Batang",
          "units": [{"code": "puskesmas-33.25.01", "name": "Puskesmas Wonotunggal",
                     "kecamatan_code": "33.25.01"}],
          "channels": [{"type": "email", "address": "dinkes@batangkab.go.id"}]}
RULE = {"region_prefix": "33.25.01", "service_type": "kesehatan.*", "opd_code": "33.25/dinkes",
        "unit_code": "puskesmas-33.25.01", "valid_from": "2026-03-01"}


@pytest.fixture
def dinkes(api):
    response = api.post("/api/v1/opds", json=DINKES)
    assert response.status_code == 201, response.text
    return response.json()


def test_the_catalogue_lists_every_service_type(api):
    assert [s["id"] for s in api.get("/api/v1/service-types").json()] == list(SERVICE_TYPES)


def test_a_service_type_change_is_passed_on_and_answered(api):
    response = api.patch("/api/v1/service-types/kesehatan.balita", json={"resolve_days": 30})
    assert response.status_code == 200
    assert response.json()["resolve_days"] == 30


def test_a_service_type_outside_the_catalogue_is_404_without_asking(api):
    response = api.patch("/api/v1/service-types/kesehatan.flu", json={"resolve_days": 30})
    assert response.status_code == 404
    assert "kesehatan.flu" in response.json()["detail"]


@pytest.mark.parametrize("body", [{"resolve_days": 0}, {"acknowledge_working_days": 31},
                                  {"label_id": "x"}, {"ilp_cluster": "lansia"}, {"spm_area": "sosial"}])
def test_a_service_type_change_out_of_bounds_is_refused(api, body):
    assert api.patch("/api/v1/service-types/kesehatan.balita", json=body).status_code == 422


def test_a_cross_check_of_the_registry_comes_back_as_its_422(api):
    response = api.patch("/api/v1/service-types/kesehatan.balita", json={"follow_up_working_days": 1})
    assert response.json()["detail"][0]["loc"] == ["body", "follow_up_working_days"]


def test_an_opd_is_found_by_its_kabupaten_and_short_code(api, dinkes):
    assert dinkes["id"] == "33.25/dinkes"
    assert dinkes["channels"][0] == {"type": "rabbitmq", "queue": "simpul.opd.33.25.dinkes"}
    assert api.get("/api/v1/opds/33.25/dinkes").json() == dinkes
    assert api.get("/api/v1/opds", params={"q": "kesehatan", "kabupaten_code": "33.25"}).json()["total"] == 1


def test_an_opd_registered_twice_is_409(api, dinkes):
    response = api.post("/api/v1/opds", json=DINKES)
    assert (response.status_code, response.json()) == (409, {"detail": "OPD 33.25/dinkes sudah ada"})


@pytest.mark.parametrize("overrides", [{"short_code": "Dinkes"}, {"kabupaten_code": "33.25.01"},
                                       {"channels": [{"type": "webhook", "url": "ftp://x.id/a"}]},
                                       {"channels": [{"type": "sms", "number": "0812"}]},
                                       {"units": [{"code": "p1", "name": "Pu"}]}])
def test_an_opd_of_the_wrong_form_is_refused(api, overrides):
    assert api.post("/api/v1/opds", json={**DINKES, **overrides}).status_code == 422


def test_an_opd_change_cannot_move_it_to_another_kabupaten(api, dinkes):
    assert api.patch("/api/v1/opds/33.25/dinkes", json={"kabupaten_code": "21.71"}).status_code == 422
    response = api.patch("/api/v1/opds/33.25/dinkes", json={"active": False})
    assert response.json()["active"] is False


def test_a_rule_is_created_listed_and_ended(api, dinkes):
    response = api.post("/api/v1/routing-rules", json=RULE)
    assert response.status_code == 201
    rule = response.json()
    listed = api.get("/api/v1/routing-rules", params={"kabupaten_code": "33.25", "on_date": "2026-04-01"})
    assert [r["id"] for r in listed.json()["items"]] == [rule["id"]]
    ended = api.post(f"/api/v1/routing-rules/{rule['id']}/end", json={"valid_to": "2026-06-01"})
    assert (ended.status_code, ended.json()["valid_to"]) == (200, "2026-06-01")
    later = api.get("/api/v1/routing-rules", params={"kabupaten_code": "33.25", "on_date": "2026-07-01"})
    assert later.json()["total"] == 0


@pytest.mark.parametrize("overrides", [{"service_type": "kesehatan.flu"}, {"service_type": "hiburan.*"},
                                       {"opd_code": "dinkes"}, {"valid_from": "1 Maret 2026"},
                                       {"region_prefix": "batang"}])
def test_a_rule_of_the_wrong_form_is_refused(api, dinkes, overrides):
    response = api.post("/api/v1/routing-rules", json={**RULE, **overrides})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", next(iter(overrides))]


def test_ending_an_unknown_rule_is_404(api):
    response = api.post("/api/v1/routing-rules/rule-9/end", json={"valid_to": "2026-06-01"})
    assert response.status_code == 404


def test_a_person_is_registered_and_found_by_role(api):
    body = {"name": "Budi", "role": "tph", "kabupaten_code": "33.25", "phone": "0812-3456-7890"}
    response = api.post("/api/v1/people", json=body)
    assert response.status_code == 201
    person = response.json()
    assert response.headers["location"] == f"/api/v1/people/{person['id']}"
    assert person["phone"] == "+6281234567890"
    stored = api.app.state.rpc.services["registry"].people.items[person["id"]]["phone"]
    assert sealing.looks_sealed(stored) and "3456" not in stored   # sealed before it left the gateway
    assert api.get("/api/v1/people", params={"role": "tph"}).json()["items"] == [person]
    assert api.get(f"/api/v1/people/{person['id']}").json()["phone"] == "+6281234567890"
    assert api.get("/api/v1/people", params={"role": "kader"}).json()["total"] == 0


def test_a_kader_without_a_posyandu_is_the_registrys_422(api):
    response = api.post("/api/v1/people", json={"name": "Siti", "role": "kader"})
    assert response.json()["detail"][0]["loc"] == ["body", "posyandu_id"]


@pytest.mark.parametrize("body", [{"name": "Siti", "role": "bidan"}, {"name": "S", "role": "admin"},
                                  {"name": "Siti", "role": "admin", "email": "siti@"},
                                  {"name": "Siti", "role": "admin", "phone": "12345"}])
def test_a_person_of_the_wrong_form_is_refused(api, body):
    assert api.post("/api/v1/people", json=body).status_code == 422


def test_a_persons_role_cannot_change(api):
    person = api.post("/api/v1/people", json={"name": "Budi", "role": "viewer"}).json()
    assert api.patch(f"/api/v1/people/{person['id']}", json={"role": "admin"}).status_code == 422
    changed = api.patch(f"/api/v1/people/{person['id']}", json={"email": "budi@batangkab.go.id"})
    assert changed.json()["email"] == "budi@batangkab.go.id"
