"""A citizen's personal data through the gateway (docs/privacy.md): intake answers it sealed for
one reader and the gateway opens it; an admin exports or erases a citizen's reports by NIK, which
goes to intake only as its keyed hash."""
import json

import pytest

from simpul_common import sealing

NIK = "3325014501900003"
CITIZEN = {"name": "Siti Aminah", "nik": NIK, "phone": "+6281234567890"}


def sealed_for_reader(w, report: dict, citizen=CITIZEN, description=None) -> dict:
    key = w.app.state.data_key
    extra = {"sealed_citizen": sealing.seal(key, citizen, sealing.reveal_context(report["id"]))}
    if description is not None:
        extra["sealed_description"] = sealing.seal(
            key, {"text": description}, sealing.reveal_context(report["id"], "description"))
    return {**report, "citizen": {"nik": NIK[:4] + "*" * 10 + NIK[-2:]}, **extra}


@pytest.fixture
def w(world, api):
    world.app = api.app
    return world


def test_a_report_read_names_the_reader_and_shows_the_citizen_intake_sealed_for_them(anonymous, w):
    report_id = w.cases["A"]["id"]
    w.intake.reports[report_id] = sealed_for_reader(w, w.intake.reports[report_id])

    response = anonymous.get(f"/api/v1/reports/{report_id}", headers=w.headers("kader"))

    assert response.status_code == 200
    body = response.json()
    assert body["citizen"] == CITIZEN and body["erased_at"] is None
    assert not any(field.startswith("sealed") for field in body)
    method, asked, actor = w.intake.calls[-1]
    assert (method, asked) == ("get_report", report_id)
    assert (actor["role"], actor["id"], actor["posyandu_id"]) == (
        "kader", w.people["kader"]["id"], w.posyandu["A"]["id"])


def test_an_erased_report_answers_when_and_no_personal_data(anonymous, w):
    report_id = w.cases["A"]["id"]
    w.intake.reports[report_id].update(description=None, citizen=None,
                                       erased_at="2027-01-01T00:00:00.000+00:00")
    body = anonymous.get(f"/api/v1/reports/{report_id}", headers=w.headers("tph")).json()
    assert (body["description"], body["citizen"], body["erased_at"]) == (
        None, None, "2027-01-01T00:00:00.000+00:00")


def test_an_export_finds_the_citizen_by_keyed_hash_and_answers_their_reports_in_full(anonymous, w):
    ref = sealing.keyed_hash(w.app.state.data_key, "nik", NIK)
    report_id = w.cases["A"]["id"]
    w.intake.reports[report_id] = sealed_for_reader(
        w, {**w.intake.reports[report_id], "description": None}, description="Balita belum imunisasi")
    w.intake.citizens[ref] = [report_id]

    response = anonymous.post("/api/v1/privacy/export", json={"nik": NIK}, headers=w.headers("admin"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["nik_masked"], body["total"]) == ("3325**********03", 1)
    assert body["reports"][0]["citizen"] == CITIZEN
    assert body["reports"][0]["description"] == "Balita belum imunisasi"
    call = w.intake.calls[-1]
    assert call[:2] == ("citizen_reports", ref) and call[2]["role"] == "admin"
    assert NIK not in json.dumps(call)


def test_an_erasure_sends_the_keyed_hash_the_admin_and_the_reason(anonymous, w):
    ref = sealing.keyed_hash(w.app.state.data_key, "nik", NIK)
    w.intake.citizens[ref] = ["r-1", "r-2"]
    response = anonymous.post("/api/v1/privacy/erase", headers=w.headers("admin"),
                              json={"nik": NIK, "reason": "Permintaan warga, surat 12/2026"})
    assert response.status_code == 200
    assert response.json() == {"erased": 2, "report_ids": ["r-1", "r-2"]}
    assert w.intake.calls[-1][0::3] == ("erase_citizen", "Permintaan warga, surat 12/2026")
    assert w.intake.calls[-1][1] == ref


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/privacy/export", {"nik": "1234"}, "nik"),
    ("/api/v1/privacy/export", {"nik": "3325014501900000"}, "nik"),
    ("/api/v1/privacy/export", {}, "nik"),
    ("/api/v1/privacy/export", {"nik": NIK, "name": "Siti"}, "name"),
    ("/api/v1/privacy/erase", {"nik": NIK}, "reason"),
    ("/api/v1/privacy/erase", {"nik": NIK, "reason": "ya"}, "reason"),
    ("/api/v1/privacy/erase", {"nik": NIK, "reason": "x" * 501}, "reason"),
])
def test_a_bad_request_is_a_422_naming_the_field_and_reaches_no_service(anonymous, w, path, body, field):
    response = anonymous.post(path, json=body, headers=w.headers("admin"))
    assert response.status_code == 422
    assert field in [str(part) for error in response.json()["detail"] for part in error["loc"]]
    assert w.intake.calls == []


def test_what_intake_refuses_is_refused_alike(anonymous, w):
    w.intake.citizen_reports = lambda ref, actor: {
        "status": 403, "errors": [{"field": "actor", "message": "hanya admin"}]}
    response = anonymous.post("/api/v1/privacy/export", json={"nik": NIK}, headers=w.headers("admin"))
    assert response.status_code == 403
