"""Posyandu CSV import: the raw file as the body or a form's `file` field, bounded and UTF-8."""
import pytest

from simpul_gateway.settings import Settings

HEADER = "registration_number,name,desa_code,ilp,six_spm,active,kader\n"
GOOD = "400.5/1/2024,Posyandu Mawar I,33.25.01.2001,ya,tidak,ya,Siti;Sri\n"
BAD = "400.5/2/2024,Posyandu Melati,33.25.01.2999,tidak,tidak,ya,\n"
CSV = {"content-type": "text/csv"}
MAX_BYTES = Settings.model_fields["MAX_UPLOAD_BYTES"].default


def upload(api, body, headers=CSV, **params):
    return api.post("/api/v1/posyandu/import", content=body, headers=headers, params=params)


def test_the_import_report_is_passed_on_even_with_rejected_rows(api):
    response = upload(api, HEADER + GOOD + BAD)
    assert response.status_code == 200
    report = response.json()
    assert (report["accepted"], report["rejected"], report["imported"]) == (1, 1, True)
    assert [(r["row"], r["status"]) for r in report["rows"]] == [(2, "created"), (3, "rejected")]
    assert report["rows"][1]["errors"][0]["field"] == "desa_code"
    assert api.get("/api/v1/posyandu").json()["total"] == 1


def test_a_dry_run_imports_nothing(api):
    report = upload(api, HEADER + GOOD, dry_run="true").json()
    assert (report["dry_run"], report["imported"], report["accepted"]) == (True, False, 1)
    assert api.get("/api/v1/posyandu").json()["total"] == 0


def test_a_byte_order_mark_is_dropped(api):
    report = upload(api, "\ufeff".encode() + (HEADER + GOOD).encode()).json()
    assert report["accepted"] == 1


def test_the_file_may_come_as_a_form_field(api):
    response = api.post("/api/v1/posyandu/import",
                        files={"file": ("posyandu.csv", (HEADER + GOOD).encode(), "text/csv")})
    assert response.status_code == 200
    assert response.json()["created"] == 1


def test_a_form_without_a_file_field_is_refused(api):
    response = api.post("/api/v1/posyandu/import", files={"berkas": ("p.csv", b"x", "text/csv")})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


@pytest.mark.parametrize("body", [b"registration_number,name\n\xff\xfe,x\n", b"", b" \n"])
def test_a_file_that_is_not_utf8_text_or_empty_is_refused_as_file(api, body):
    response = upload(api, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


def test_a_wrong_header_is_the_registrys_422_on_file(api):
    response = upload(api, "nama,desa\nMawar,33.25.01.2001\n")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


def test_a_file_over_5_mb_is_413(api):
    response = upload(api, (HEADER + GOOD * (MAX_BYTES // len(GOOD) + 1)).encode())
    assert response.status_code == 413
    assert api.get("/api/v1/posyandu").json()["total"] == 0


def test_a_body_of_another_type_is_415(api):
    response = upload(api, HEADER + GOOD, headers={"content-type": "application/json"})
    assert response.status_code == 415
