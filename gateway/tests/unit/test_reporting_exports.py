"""The reporting tables over HTTP, as JSON and CSV, and the DHIS2 export, against a fake
reporting service: what is passed on, what comes back, and how errors read."""
import csv
import io

import pytest

from simpul_gateway.api.routes.reporting import as_csv

AREAS = [["pendidikan", 4, 2, 2, 50.0, 1], ["kesehatan", 42, 10, 30, 87.5, 2],
         ["sosial", 0, 0, 0, None, 0]]
AS_OF = "2026-11-30T10:00:00.000+00:00"


@pytest.fixture(autouse=True)
def served(api, reporting):
    reporting.set("areas", "33.25", AREAS)
    api.app.state.rpc.services["reporting"] = reporting


def test_csv_has_a_header_of_the_columns_and_an_empty_cell_for_none():
    table = {"columns": ["spm_area", "reports", "resolved_in_sla_pct"],
             "rows": [["kesehatan", 42, 87.5], ["sosial", 0, None]]}
    assert as_csv(table) == "spm_area,reports,resolved_in_sla_pct\r\nkesehatan,42,87.5\r\nsosial,0,\r\n"


def test_csv_quotes_what_needs_quoting():
    table = {"columns": ["name", "n"], "rows": [['Dinas "Sosial", Batang', 1]]}
    assert list(csv.reader(io.StringIO(as_csv(table)))) == [["name", "n"], ['Dinas "Sosial", Batang', "1"]]


def test_a_table_is_passed_through_with_only_the_options_given(api, reporting):
    response = api.get("/api/v1/reporting/tables/areas", params={"region": "33.25", "as_of": AS_OF,
                                                                 "since": "2026-11-01"})
    assert response.status_code == 200, response.text
    assert response.json() == {"table": "areas", "region": "33.25", "as_of": AS_OF,
                               "filters": {"since": "2026-11-01"}, "rows": AREAS,
                               "columns": reporting.COLUMNS["areas"]}
    assert reporting.calls == [("table", "areas", "33.25", {"as_of": AS_OF, "since": "2026-11-01"})]


def test_the_csv_export_is_the_same_table(api, reporting):
    response = api.get("/api/v1/reporting/tables/areas.csv", params={"region": "33.25", "as_of": AS_OF})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="simpul-areas-33.25.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == reporting.COLUMNS["areas"]
    assert rows[1:] == [["pendidikan", "4", "2", "2", "50.0", "1"], ["kesehatan", "42", "10", "30", "87.5", "2"],
                        ["sosial", "0", "0", "0", "", "0"]]
    assert reporting.calls == [("table", "areas", "33.25", {"as_of": AS_OF})]


@pytest.mark.parametrize("path", ["tables/areas", "tables/areas.csv", "dhis2"])
def test_an_unknown_region_is_404(api, reporting, path):
    response = api.get(f"/api/v1/reporting/{path}", params={"region": "33.99", "period": "202611"})
    assert response.status_code == 404
    assert "33.99" in response.json()["detail"]
    assert reporting.calls == []


def test_an_unknown_table_is_404(api, reporting):
    for path in ("/api/v1/reporting/tables/bogus", "/api/v1/reporting/tables/bogus.csv"):
        response = api.get(path, params={"region": "33.25"})
        assert response.status_code == 404
        assert "bogus" in response.json()["detail"]


@pytest.mark.parametrize("params, field", [({"by": "colour"}, "by"), ({"since": "1 November"}, "since"),
                                           ({"limit": 0}, "limit"), ({"region": "33.2"}, "region")])
def test_a_bad_option_is_422_naming_it(api, reporting, params, field):
    response = api.get("/api/v1/reporting/tables/counts", params={"region": "33.25", **params})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", field]]


def test_dhis2_passes_region_period_and_as_of(api, reporting):
    response = api.get("/api/v1/reporting/dhis2", params={"region": "33.25", "period": "202611",
                                                          "as_of": AS_OF})
    assert response.status_code == 200, response.text
    assert response.json() == {"dataValues": [{"dataElement": "SIMPUL_REPORTS_KESEHATAN",
                                               "period": "202611", "orgUnit": "33.25", "value": "3"}]}
    assert reporting.calls == [("dhis2", "33.25", "202611", AS_OF)]


def test_dhis2_refuses_a_bad_period_naming_it(api, reporting):
    response = api.get("/api/v1/reporting/dhis2", params={"region": "33.25", "period": "2026-11"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "period"]
