"""End to end: reports filed and followed up over HTTP reach reporting, and its tables read as
JSON, as CSV and as DHIS2 `dataValueSets` agree figure for figure at one instant (`as_of`).

Other modules file reports into the same system, so the test files its own at a Posyandu of a
kecamatan the others leave alone, checks that desa's figures moved by exactly its reports, and
compares the exports with each other, read at the same `as_of`, once reporting is settled."""
import csv
import datetime as dt
import io
import time
from zoneinfo import ZoneInfo

import pytest

from simpul_devtools.pytest_fixtures import wait_until

KABUPATEN, KECAMATAN = "33.25", "33.25.15"     # Banyuputih: no other e2e module files there
DINKES, DINSOS = "dinkes.batang", "dinsos.batang"   # demo officers (docs/security.md)
DHIS2 = (("REPORTS", "reports"), ("OPEN", "open"), ("RESOLVED", "resolved"),
         ("RESOLVED_IN_SLA_PCT", "resolved_in_sla_pct"), ("OVERDUE", "overdue"))


@pytest.fixture(scope="module")
def place(api):
    """(desa_code, posyandu_id) of a Posyandu in Banyuputih."""
    found = api.get("/api/v1/posyandu", params={"kecamatan_code": KECAMATAN, "per_page": 1}).json()
    return found["items"][0]["desa_code"], found["items"][0]["id"]


def file_report(api, place, service_type):
    response = api.post("/api/v1/reports", json={
        "desa_code": place[0], "posyandu_id": place[1], "service_type": service_type,
        "kind": "service_need", "description": "Laporan uji angka pelaporan"})
    assert response.status_code == 202, response.text
    case_id = response.json()["id"]
    wait_until(lambda: api.get(f"/api/v1/cases/{case_id}").status_code == 200, seconds=15,
               interval=0.1, what=f"case {case_id} routed")
    return case_id


def move(api, case_id, action, person, **body):
    response = api.post(f"/api/v1/cases/{case_id}/{action}", json=body, headers=api.login(person))
    assert response.status_code == 200, response.text


def table(api, name, region, **options):
    response = api.get(f"/api/v1/reporting/tables/{name}", params={"region": region, **options})
    assert response.status_code == 200, response.text
    return response.json()


def by_area(areas: dict) -> dict:
    return {row[0]: dict(zip(areas["columns"][1:], row[1:])) for row in areas["rows"]}


def settled(api, region, seconds=60.0, quiet=1.2):
    """The region's summary once it has not changed for `quiet` seconds: no event in flight."""
    deadline = time.monotonic() + seconds
    before = api.get("/api/v1/reporting/summary", params={"region": region}).json()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = api.get("/api/v1/reporting/summary", params={"region": region}).json()
        if now == before:
            return now
        before = now
    raise AssertionError(f"reporting of {region} still moving after {seconds} s")


def csv_rows(api, name, region, **options):
    response = api.get(f"/api/v1/reporting/tables/{name}.csv", params={"region": region, **options})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="simpul-{name}-{region}.csv"'
    return list(csv.reader(io.StringIO(response.text)))


def as_csv(table: dict) -> list[list[str]]:
    return [table["columns"]] + [["" if v is None else str(v) for v in row] for row in table["rows"]]


def month_of(as_of: str, region: str = KABUPATEN) -> tuple[str, str, str]:
    """(yyyyMM, first day, last day) of the month `as_of` falls in, in the region's time zone."""
    day = dt.datetime.fromisoformat(as_of).astimezone(ZoneInfo("Asia/Jakarta")).date()
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first.strftime("%Y%m"), first.isoformat(), last.isoformat()


def dhis2_of(areas: dict, period: str) -> list[dict]:
    """The data values DHIS2 should get for one region's `areas` table of a month."""
    return [{"dataElement": f"SIMPUL_{element}_{area.upper()}", "period": period,
             "orgUnit": areas["region"], "value": str(figures[column])}
            for area, figures in by_area(areas).items() for element, column in DHIS2
            if figures[column] is not None]


def test_json_csv_and_dhis2_agree_on_the_figures_of_the_reports_filed(api, place):
    desa = place[0]
    before = by_area(table(api, "areas", desa))
    dinkes = [file_report(api, place, "kesehatan.balita") for _ in range(3)]
    dinsos = file_report(api, place, "sosial.lansia_terlantar")
    move(api, dinkes[0], "acknowledge", DINKES)
    move(api, dinkes[1], "acknowledge", DINKES)
    move(api, dinkes[1], "resolve", DINKES, resolution="Imunisasi susulan diberikan")
    move(api, dinsos, "acknowledge", DINSOS)

    def moved():
        now = by_area(table(api, "areas", desa))
        return (now["kesehatan"]["reports"] - before["kesehatan"]["reports"] == 3
                and now["kesehatan"]["resolved"] - before["kesehatan"]["resolved"] == 1
                and now["kesehatan"]["open"] - before["kesehatan"]["open"] == 2
                and now["sosial"]["reports"] - before["sosial"]["reports"] == 1
                and now["sosial"]["open"] - before["sosial"]["open"] == 1)
    wait_until(moved, seconds=20, interval=0.2, what="reporting has the reports and their moves")
    settled(api, KABUPATEN)

    as_of = table(api, "areas", KABUPATEN)["as_of"]        # now, as reporting writes it
    period, first, last = month_of(as_of)
    for region in (desa, KECAMATAN, KABUPATEN):
        for name, options in (("areas", {}), ("opd", {}), ("accountability", {}), ("overdue", {"limit": 50}),
                              ("posyandu", {}), ("counts", {"by": "status"})):
            json_table = table(api, name, region, as_of=as_of, **options)
            assert json_table["as_of"] == as_of
            assert csv_rows(api, name, region, as_of=as_of, **options) == as_csv(json_table), (name, region)
            assert table(api, name, region, as_of=as_of, **options) == json_table   # read again: the same
    mine = by_area(table(api, "areas", desa, as_of=as_of))
    assert mine["kesehatan"]["reports"] >= 3 and mine["sosial"]["reports"] >= 1
    assert table(api, "opd", desa, as_of=as_of)["columns"][:2] == ["opd_code", "cases"]

    response = api.get("/api/v1/reporting/dhis2", params={"region": KABUPATEN, "period": period, "as_of": as_of})
    assert response.status_code == 200, response.text
    values = response.json()["dataValues"]
    children = [c["code"] for c in api.get(f"/api/v1/regions/{KABUPATEN}").json()["children"]]
    assert {v["orgUnit"] for v in values} == {KABUPATEN, *children}
    expected = [v for region in (KABUPATEN, *children)
                for v in dhis2_of(table(api, "areas", region, as_of=as_of, since=first, until=last), period)]
    assert sorted(values, key=str) == sorted(expected, key=str)
    kesehatan = next(v for v in values if v["orgUnit"] == KECAMATAN
                     and v["dataElement"] == "SIMPUL_REPORTS_KESEHATAN")
    assert int(kesehatan["value"]) >= 3


def test_the_tables_refuse_what_they_do_not_know(api):
    assert api.get("/api/v1/reporting/tables/areas", params={"region": "33.99"}).status_code == 404
    assert api.get("/api/v1/reporting/tables/bogus", params={"region": KABUPATEN}).status_code == 404
    for name, params, field in (("counts", {"by": "warna"}, "by"), ("areas", {"as_of": "kemarin"}, "as_of"),
                                ("kecamatan", {}, "region")):
        region = KECAMATAN if field == "region" else KABUPATEN
        response = api.get(f"/api/v1/reporting/tables/{name}", params={"region": region, **params})
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["query", field]
    response = api.get("/api/v1/reporting/dhis2", params={"region": KABUPATEN, "period": "2026-11"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "period"]
