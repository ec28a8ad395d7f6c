"""The dashboard's routes against the fake registry and a fake reporting: which tables each
page asks for, all at one instant, and the pages of places, Posyandu and OPD the registry knows."""
import pytest

AS_OF = "2026-11-30T10:00:00.000+00:00"
OPD_ROW = [1, 1, 100.0, 0, None, 0.0, 0, None, None, 1, 0, 0, 0, None, 0]


@pytest.fixture(autouse=True)
def served(api, registry, reporting):
    api.app.state.rpc.services["reporting"] = reporting
    registry.create_opd({"kabupaten_code": "33.25", "short_code": "dinkes",
                         "name": "Dinas Kesehatan Kabupaten Batang"})
    registry.create_posyandu({"registration_number": "BTG-1", "name": "Posyandu Mawar",
                              "desa_code": "33.25.01.2001"})
    registry.create_posyandu({"registration_number": "BTG-2", "name": "Posyandu Melati",
                              "desa_code": "33.25.01.2001"})


def asked(reporting):
    return [(call[1], call[2], call[3]) for call in reporting.calls]


def test_the_dashboard_opens_on_kabupaten_batang(api):
    response = api.get("/dashboard", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/dashboard/wilayah/33.25"


def test_a_kabupaten_page_reads_its_tables_at_one_instant(api, reporting):
    response = api.get("/dashboard/wilayah/33.25", params={"as_of": AS_OF})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert asked(reporting) == [("areas", "33.25", {"as_of": AS_OF}), ("opd", "33.25", {"as_of": AS_OF}),
                                ("overdue", "33.25", {"as_of": AS_OF, "limit": 20}),
                                ("kecamatan", "33.25", {"as_of": AS_OF}),
                                ("coverage", "33.25", {"as_of": AS_OF})]
    for title in ("Enam bidang SPM", "Kepatuhan SLA per OPD", "Kasus lewat batas waktu",
                  "Peringkat kecamatan", "Cakupan Posyandu"):
        assert title in response.text


def test_without_as_of_every_table_is_read_at_the_same_now(api, reporting):
    assert api.get("/dashboard/wilayah/33.25").status_code == 200
    instants = {options["as_of"] for _, _, options in asked(reporting)}
    assert len(instants) == 1


def test_a_kecamatan_page_lists_its_desa_and_a_desa_page_its_posyandu(api, reporting):
    reporting.set("counts", "33.25.01", [["33.25.01.2001", 3]], columns=["desa", "reports"])
    reporting.set("posyandu", "33.25.01.2001", [["P332501200101", 3, 1, 33.3]])
    kecamatan = api.get("/dashboard/wilayah/33.25.01", params={"as_of": AS_OF})
    assert kecamatan.status_code == 200
    assert ("counts", "33.25.01", {"as_of": AS_OF, "by": "desa"}) in asked(reporting)
    assert 'href="/dashboard/wilayah/33.25.01.2001">Silurah</a>' in kecamatan.text
    assert 'data-figure="counts.33.25.01.2001.reports" data-value="3"' in kecamatan.text
    desa = api.get("/dashboard/wilayah/33.25.01.2001", params={"as_of": AS_OF})
    assert desa.status_code == 200
    assert 'href="/dashboard/posyandu/P332501200101">Posyandu Mawar</a>' in desa.text


def test_a_posyandu_page_shows_its_own_row_and_the_areas_of_its_desa(api, reporting):
    reporting.set("posyandu", "33.25.01.2001", [["P332501200101", 3, 1, 33.3],
                                                ["P332501200102", 9, 9, 100.0]])
    response = api.get("/dashboard/posyandu/P332501200101", params={"as_of": AS_OF})
    assert response.status_code == 200
    assert asked(reporting) == [("posyandu", "33.25.01.2001", {"as_of": AS_OF}),
                                ("areas", "33.25.01.2001", {"as_of": AS_OF})]
    assert 'data-figure="posyandu.P332501200101.reports" data-value="3"' in response.text
    assert "P332501200102" not in response.text
    assert "Bidang SPM di Desa Silurah" in response.text


def test_an_opd_page_shows_only_that_opd(api, reporting):
    reporting.set("opd", "33.25", [["33.25/dinkes", *OPD_ROW], ["33.25/dinsos", *OPD_ROW]])
    reporting.set("overdue", "33.25", [
        ["a" * 36, "33.25/dinkes", "kesehatan.balita", "33.25.01.2001", "acknowledge", AS_OF, 2, 0],
        ["b" * 36, "33.25/dinsos", "sosial.anak_terlantar", "33.25.01.2002", "resolve", AS_OF, 1, 0]])
    response = api.get("/dashboard/opd/33.25/dinkes", params={"as_of": AS_OF})
    assert response.status_code == 200
    assert "<h1>Dinas Kesehatan Kabupaten Batang</h1>" in response.text
    assert 'data-figure="opd.33.25/dinkes.cases"' in response.text
    assert "33.25/dinsos" not in response.text and "b" * 36 not in response.text
    assert f'href="/api/v1/cases/{"a" * 36}"' in response.text


@pytest.mark.parametrize("path", ["/dashboard/wilayah/33.99", "/dashboard/posyandu/P999",
                                  "/dashboard/opd/33.25/dishub"])
def test_what_the_registry_does_not_know_is_a_404_page(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "tidak ada di registry" in response.text


def test_a_bad_as_of_is_an_error_page_naming_it(api, reporting):
    reporting.table = lambda name, region, options=None: {
        "status": 422, "errors": [{"field": "as_of", "message": "waktu ISO-8601 dengan zona waktu"}]}
    response = api.get("/dashboard/wilayah/33.25", params={"as_of": "kemarin"})
    assert response.status_code == 422
    assert "as_of: waktu ISO-8601 dengan zona waktu" in response.text
