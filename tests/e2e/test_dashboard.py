"""End to end, issue 6 "done when": after `simpul-demo-load` (and a few reports of the test's
own), at one instant (`as_of`) the reporting tables read from the API, the CSV export, the DHIS2
export, the dashboard page as the gateway serves it and as a real headless Chromium renders it
all give the same figures, which agree with reporting's summary; the gateway's metrics count
the reports accepted; and a rebuild of reporting from its journal of events reproduces every
table exactly. A screenshot of the dashboard is kept in var/test-artifacts/.

Chromium opens the dashboard without signing in: the local system runs in demo mode
(SIMPUL_DEMO=1, set by LocalSystem), where an anonymous dashboard visitor is a viewer
(docs/security.md); outside demo mode it would be sent to /dashboard/masuk."""
import csv
import datetime as dt
import html
import io
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from prometheus_client.parser import text_string_to_metric_families

from simpul_devtools.local import ROOT
from simpul_devtools.pytest_fixtures import wait_until

KABUPATEN = "33.25"
BIN = Path(sys.executable).parent
DEMO_LOAD = BIN / "simpul-demo-load"
SCREENSHOT = ROOT / "var" / "test-artifacts" / "dashboard-33.25.png"
DINKES = "dinkes.batang"   # the demo officer of Batang's Dinkes (docs/security.md)
OPEN = ("routed", "unroutable", "rejected", "acknowledged", "in_progress", "reopened")
# what the kabupaten page shows, and with which options (overdue: its top 20)
PAGE_TABLES = {"areas": {}, "opd": {}, "overdue": {"limit": 20}, "kecamatan": {}, "coverage": {}}
KEYS = {"kecamatan": ("kecamatan_code",), "overdue": ("report_id",),   # others: the first column
        "accountability": ("opd_code", "service_type")}
LABELS = {"opd_code", "service_type", "desa_code", "deadline", "spm_area", "kecamatan_code",
          "kabupaten_code", "report_id"}
DHIS2 = (("REPORTS", "reports"), ("OPEN", "open"), ("RESOLVED", "resolved"),
         ("RESOLVED_IN_SLA_PCT", "resolved_in_sla_pct"), ("OVERDUE", "overdue"))
SESSION_STARTED = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()


class Figures(HTMLParser):
    """`data-figure` → `data-value` of every element of a page that carries one; a figure
    shown twice must show one value."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self.as_of = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-as-of" in attrs:
            self.as_of = attrs["data-as-of"]
        if "data-figure" in attrs:
            name, value = attrs["data-figure"], attrs["data-value"]
            assert self.values.setdefault(name, value) == value, f"{name} shown as two values"


# --- reading the figures ---------------------------------------------------------------------

def table(api, name, region=KABUPATEN, **options):
    response = api.get(f"/api/v1/reporting/tables/{name}", params={"region": region, **options})
    assert response.status_code == 200, response.text
    return response.json()


def records(t: dict) -> list[dict]:
    return [dict(zip(t["columns"], row)) for row in t["rows"]]


def page_figures(*tables: dict) -> dict[str, str]:
    """The `data-figure`s a page shows for tables: every number, by row key and column."""
    shown = {}
    for t in tables:
        key = KEYS.get(t["table"], t["columns"][:1])
        shown.update({f"{t['table']}.{':'.join(str(r[k]) for k in key)}.{column}": "" if value is None
                      else str(value) for r in records(t) for column, value in r.items()
                      if column not in LABELS and column not in key})
    return shown


def only(t: dict, column: str, value) -> dict:
    return {**t, "rows": [row for row in t["rows"] if dict(zip(t["columns"], row))[column] == value]}


def csv_export(api, name, **options) -> list[list[str]]:
    response = api.get(f"/api/v1/reporting/tables/{name}.csv", params={"region": KABUPATEN, **options})
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))


def summary(api, region=KABUPATEN) -> dict:
    return api.get("/api/v1/reporting/summary", params={"region": region}).json()


def settled(api, seconds=90.0, quiet=1.2) -> dict:
    """The summary once it has not changed for `quiet` seconds: no event in flight."""
    deadline, before = time.monotonic() + seconds, summary(api)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = summary(api)
        if now == before:
            return now
        before = now
    raise AssertionError(f"reporting still moving after {seconds} s")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: the dashboard must be checked in a real browser. "
                    ".ci/run installs it (Debian package `chromium`); locally: apt-get install -y chromium")
    return found


def browse(url: str, *what: str) -> str:
    """Run headless Chromium on `url`: its stdout (the DOM with --dump-dom)."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
                               "--hide-scrollbars", f"--user-data-dir={profile}", *what, url],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def accepted(api):
    """simpul_reports_accepted_total of the gateway, None while it serves no metrics."""
    response = api.get("/metrics")
    if response.status_code == 404:
        return None
    return sum(s.value for family in text_string_to_metric_families(response.text)
               for s in family.samples if s.name == "simpul_reports_accepted_total")


# --- the activity ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def activity(system, api):
    """Demo load's reports and follow-up, and three reports of the test's own (one acknowledged):
    what the gateway counted accepted before and after the test's own."""
    if DEMO_LOAD.exists():
        done = subprocess.run([str(DEMO_LOAD), "--url", system.gateway_url, "--reports", "60",
                               "--seed", "11"], capture_output=True, timeout=180)
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()[-2000:]
    before = accepted(api)
    posyandu = api.get("/api/v1/posyandu", params={"kecamatan_code": "33.25.07", "per_page": 3}).json()["items"]
    ids = []
    for item in posyandu:
        response = api.post("/api/v1/reports", json={
            "desa_code": item["desa_code"], "posyandu_id": item["id"], "service_type": "kesehatan.ibu_hamil",
            "kind": "service_need", "description": "Ibu hamil belum periksa kehamilan keempat"})
        assert response.status_code == 202, response.text
        ids.append(response.json()["id"])
    wait_until(lambda: api.get(f"/api/v1/cases/{ids[0]}").status_code == 200, seconds=15, interval=0.1,
               what="the test's first case routed")
    response = api.post(f"/api/v1/cases/{ids[0]}/acknowledge", json={}, headers=api.login(DINKES))
    assert response.status_code == 200, response.text
    return {"before": before, "after": accepted(api), "posted": len(ids),
            "demo_load": DEMO_LOAD.exists(), "posyandu": posyandu[0]}


@pytest.fixture(scope="module")
def read(api, activity):
    """Everything read at one instant, once reporting has settled."""
    totals = settled(api)
    as_of = table(api, "areas")["as_of"]
    options = {"as_of": as_of}
    return {"as_of": as_of, "summary": totals,
            "tables": {name: table(api, name, **extra, **options) for name, extra in PAGE_TABLES.items()},
            "csv": {name: csv_export(api, name, **options) for name in ("areas", "opd")}}


def test_the_api_the_exports_and_the_dashboard_agree_at_one_instant(system, api, read):
    as_of, tables = read["as_of"], read["tables"]
    assert tables["areas"]["rows"] and sum(r["reports"] for r in records(tables["areas"])) > 0

    for name in ("areas", "opd"):                           # the CSV export
        assert read["csv"][name] == [tables[name]["columns"]] + [
            ["" if v is None else str(v) for v in row] for row in tables[name]["rows"]]

    day = dt.datetime.fromisoformat(as_of).astimezone(ZoneInfo("Asia/Jakarta")).date()
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    month = table(api, "areas", as_of=as_of, since=first.isoformat(), until=last.isoformat())
    response = api.get("/api/v1/reporting/dhis2", params={"region": KABUPATEN, "period": f"{first:%Y%m}",
                                                          "as_of": as_of})
    assert response.status_code == 200, response.text
    dhis2 = {(v["dataElement"], v["orgUnit"]): v["value"] for v in response.json()["dataValues"]}
    assert {k: v for k, v in dhis2.items() if k[1] == KABUPATEN} == {
        (f"SIMPUL_{element}_{r['spm_area'].upper()}", KABUPATEN): str(r[column])
        for r in records(month) for element, column in DHIS2 if r[column] is not None}
    if SESSION_STARTED >= first:          # every report of this session was received this month
        assert month["rows"] == tables["areas"]["rows"]

    expected = page_figures(*tables.values())
    url = f"{system.gateway_url}/dashboard/wilayah/{KABUPATEN}?{urlencode({'as_of': as_of})}"
    served = api.get(f"/dashboard/wilayah/{KABUPATEN}", params={"as_of": as_of})
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/html")
    page = Figures(served.text)
    assert page.as_of == as_of
    assert page.values == expected

    rendered = Figures(browse(url, "--dump-dom"))
    assert rendered.as_of == as_of
    assert rendered.values == expected

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    browse(url, f"--screenshot={SCREENSHOT}", "--window-size=1280,2400")
    assert SCREENSHOT.exists() and SCREENSHOT.stat().st_size > 20_000

    totals, areas = read["summary"], records(tables["areas"])   # reporting's own counters
    assert sum(r["reports"] for r in areas) == totals["total"]
    assert {r["spm_area"]: r["reports"] for r in areas if r["reports"]} == totals["by_spm_area"]
    assert sum(r["open"] for r in areas) == sum(totals["by_status"].get(s, 0) for s in OPEN)
    assert sum(r["cases"] for r in records(tables["opd"])) == totals["total"] - sum(
        totals["by_status"].get(s, 0) for s in ("linked", "unroutable", "received"))
    coverage = records(tables["coverage"])[0]
    assert (coverage["posyandu"], coverage["ilp"], coverage["six_spm"]) == (
        totals["posyandu"]["total"], totals["posyandu"]["ilp"], totals["posyandu"]["six_spm"])


def test_every_kind_of_page_shows_the_figures_of_its_tables(api, activity, read):
    as_of, posyandu = read["as_of"], activity["posyandu"]
    desa, kecamatan = posyandu["desa_code"], posyandu["kecamatan_code"]
    at = {"as_of": as_of}
    pages = {   # each page and the tables it shows (of the OPD and the Posyandu: their rows)
        "/dashboard/wilayah/33": [table(api, "areas", "33", **at), table(api, "coverage", "33", **at),
                                  table(api, "counts", "33", by="kabupaten", **at)],
        f"/dashboard/wilayah/{kecamatan}": [table(api, "areas", kecamatan, **at),
                                            table(api, "opd", kecamatan, **at),
                                            table(api, "counts", kecamatan, by="desa", **at)],
        f"/dashboard/wilayah/{desa}": [table(api, "areas", desa, **at), table(api, "posyandu", desa, **at)],
        f"/dashboard/posyandu/{posyandu['id']}": [
            only(table(api, "posyandu", desa, **at), "posyandu_id", posyandu["id"]),
            table(api, "areas", desa, **at)],
        "/dashboard/opd/33.25/dinkes": [
            only(table(api, name, **options, **at), "opd_code", "33.25/dinkes")
            for name, options in (("opd", {}), ("accountability", {}), ("overdue", {"limit": 1000}))],
    }
    for path, tables in pages.items():
        response = api.get(path, params=at)
        assert response.status_code == 200, (path, response.text[-500:])
        page = Figures(response.text)
        assert page.as_of == as_of
        assert page.values == page_figures(*tables), path
    assert html.escape(posyandu["name"]) in api.get(f"/dashboard/posyandu/{posyandu['id']}").text
    assert api.get("/dashboard/wilayah/33.25.99").status_code == 404


def test_the_gateway_counts_the_reports_it_accepted(activity):
    if activity["before"] is None:
        pytest.skip("the gateway serves no /metrics yet")
    assert activity["after"] - activity["before"] == activity["posted"]
    assert activity["after"] >= activity["posted"] + (1 if activity["demo_load"] else 0)


def test_a_rebuild_from_the_journal_reproduces_every_table_exactly(system, api, read):
    settled(api)
    as_of = read["as_of"]
    everything = {**PAGE_TABLES, "accountability": {}, "posyandu": {}, "counts": {"by": "status"},
                  "overdue": {"limit": 1000}}
    before = {name: table(api, name, as_of=as_of, **options) for name, options in everything.items()}
    totals = summary(api)
    rebuild = BIN / "simpul-reporting-rebuild"
    command = [str(rebuild)] if rebuild.exists() else [sys.executable, "-m", "simpul_reporting.rebuild"]
    done = subprocess.run([*command, "--mongo-uri", system.mongo_uri, "--db", f"{system.db_prefix}_reporting"],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "Selesai:" in done.stdout
    after = {name: table(api, name, as_of=as_of, **options) for name, options in everything.items()}
    for name in everything:
        assert after[name] == before[name], name
    assert summary(api) == totals
