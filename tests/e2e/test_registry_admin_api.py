"""End to end: an admin keeps the registry through the gateway, and the running system follows
at once — no restart. Each test works in a kecamatan of its own."""
import uuid

from simpul_devtools.pytest_fixtures import wait_until

GOOD_AND_BAD = """registration_number;name;desa_code;ilp;six_spm;active;kader
E2E-{tag}-1;Posyandu Kenanga Baru;33.25.02.2001;ya;tidak;ya;Sri Wahyuni, Lestari
E2E-{tag}-2;Posyandu Tanpa Desa;33.25.02.9999;;;;
E2E-{tag}-3;Posyandu Aneh;33.25.02.2001;kadang;;;
"""


def routed(api, report_id):
    def done():
        response = api.get(f"/api/v1/reports/{report_id}")
        return response.status_code == 200 and response.json()["status"] == "routed" and response.json()
    return wait_until(done, seconds=15, interval=0.2, what=f"routing of {report_id}")


def file_report(api, desa_code, posyandu_id, service_type="kesehatan.balita"):
    response = api.post("/api/v1/reports", json={
        "desa_code": desa_code, "posyandu_id": posyandu_id, "service_type": service_type,
        "kind": "complaint", "description": "Balita di RT 02 belum ditimbang tiga bulan"})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_region_search_finds_kab_batang_and_codes_are_checked(api):
    found = api.get("/api/v1/regions", params={"q": "kab. batang"}).json()
    assert found["items"][0]["code"] == "33.25" and found["items"][0]["name"] == "Kabupaten Batang"
    assert api.get("/api/v1/regions", params={"q": "kota batam"}).json()["items"][0]["code"] == "21.71"
    assert api.get("/api/v1/regions/33.25.99").status_code == 404
    malformed = api.get("/api/v1/regions", params={"within": "33-25"})
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"] == ["query", "within"]
    unknown = api.get("/api/v1/posyandu", params={"kecamatan_code": "33.25.99"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "kecamatan_code"]
    assert "33.25.99" in unknown.json()["detail"][0]["msg"]
    assert api.get("/api/v1/reporting/summary", params={"region": "33.99"}).status_code == 404
    assert api.get("/api/v1/registry/coverage", params={"kabupaten": "33.99"}).status_code == 404


def test_a_rule_changed_through_the_api_reroutes_the_next_report(api):
    desa, posyandu = "33.25.05.2001", None
    posyandu = api.get("/api/v1/posyandu", params={"desa_code": desa}).json()["items"][0]["id"]
    before = routed(api, file_report(api, desa, posyandu))
    assert before["assigned_opd"]["code"] == "33.25/dinkes"

    short = f"gizi_{uuid.uuid4().hex[:6]}"
    opd = api.post("/api/v1/opds", json={
        "kabupaten_code": "33.25", "short_code": short, "name": "UPT Gizi Dinas Kesehatan Batang",
        "units": [{"code": "upt-gizi-05", "name": "UPT Gizi Kecamatan 05", "kecamatan_code": "33.25.05"}]})
    assert opd.status_code == 201, opd.text
    rule = api.post("/api/v1/routing-rules", json={
        "region_prefix": "33.25.05", "service_type": "kesehatan.balita",
        "opd_code": f"33.25/{short}", "unit_code": "upt-gizi-05"})
    assert rule.status_code == 201, rule.text

    after = routed(api, file_report(api, desa, posyandu))
    assert after["assigned_opd"]["code"] == f"33.25/{short}"
    assert routed(api, before["id"])["assigned_opd"]["code"] == "33.25/dinkes"  # history stays
    coverage = api.get("/api/v1/registry/coverage", params={"kabupaten": "33.25"}).json()
    assert coverage["complete"]


def test_a_rule_in_the_past_is_refused_with_the_field_named(api):
    response = api.post("/api/v1/routing-rules", json={
        "region_prefix": "33.25", "service_type": "sosial.*", "opd_code": "33.25/dinsos",
        "valid_from": "2020-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "valid_from"]


def test_a_csv_imports_the_good_rows_explains_the_bad_and_the_new_posyandu_takes_reports(api):
    tag = uuid.uuid4().hex[:6]
    response = api.post("/api/v1/posyandu/import", content=GOOD_AND_BAD.format(tag=tag).encode(),
                        headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["accepted"], report["rejected"], report["imported"]) == (1, 2, True)
    rejected = {r["row"]: r["errors"][0]["field"] for r in report["rows"] if r["status"] == "rejected"}
    assert rejected == {3: "desa_code", 4: "ilp"}
    created = next(r for r in report["rows"] if r["status"] == "created")
    posyandu = api.get(f"/api/v1/posyandu/{created['id']}").json()
    assert posyandu["kader"] == ["Sri Wahyuni", "Lestari"] and posyandu["ilp"] is True
    assert api.get("/api/v1/posyandu", params={"q": f"E2E-{tag}"}).json()["total"] == 1
    assert routed(api, file_report(api, "33.25.02.2001", created["id"], "sosial.anak_terlantar"))


def test_the_catalogue_opd_and_people_are_editable_and_listed_by_page(api):
    edited = api.patch("/api/v1/service-types/kesehatan.terduga_tb",
                       json={"label_en": "People with presumed TB"})
    assert edited.status_code == 200 and edited.json()["label_en"] == "People with presumed TB"
    page = api.get("/api/v1/posyandu", params={"kabupaten_code": "21.71", "ilp": True, "per_page": 7})
    assert page.json()["total"] == 428 and len(page.json()["items"]) == 7
    tph = api.post("/api/v1/people", json={"name": "Tim Pengurus Harian Batam", "role": "tph",
                                           "kabupaten_code": "21.71"})
    assert tph.status_code == 201, tph.text
    assert api.get(f"/api/v1/people/{tph.json()['id']}").json()["kabupaten_code"] == "21.71"
    opds = api.get("/api/v1/opds", params={"kabupaten_code": "21.71"}).json()
    assert opds["total"] == 8


def test_the_admin_api_is_documented(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/regions", "/api/v1/service-types/{code}", "/api/v1/posyandu/import",
                 "/api/v1/opds/{kabupaten}/{short_code}", "/api/v1/routing-rules/{rule_id}/end",
                 "/api/v1/people/{person_id}"):
        assert path in paths


def test_the_summary_counts_the_posyandu_of_a_region(api):
    summary = api.get("/api/v1/reporting/summary", params={"region": "21.71"}).json()
    assert summary["posyandu"]["total"] == 574 and summary["posyandu"]["ilp"] == 428
