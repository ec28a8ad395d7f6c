"""End to end: a citizen's personal data on the whole running system (docs/privacy.md). The
kader of the Posyandu and the OPD the case went to see the citizen in full, everyone else
masked; an admin exports or erases one citizen's reports by NIK; retention erases the reports
of cases closed longer ago than RETENTION_MONTHS (intake's `apply_retention(now)`, on a clock
the test sets, honoured because the local system runs with SIMPUL_CLOCK_OVERRIDE=1). Erasure
never changes a case or a count."""
import datetime as dt
import random

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from simpul_devtools.pytest_fixtures import wait_until

KADER, DINKES, TPH, DINSOS = "kader.batang", "dinkes.batang", "tph.batang", "dinsos.batang"
RETENTION_MONTHS = 24   # intake's default; the local system leaves it


def citizen() -> dict:
    """A citizen of their own for each test: the tests share one database."""
    serial = random.randint(1, 9999)
    return {"name": "Siti Aminah", "nik": f"3325014501{random.randint(80, 99)}{serial:04d}",
            "phone": f"0812{random.randint(10_000_000, 99_999_999)}", "household_id": f"KK-{serial}"}


@pytest.fixture(scope="module")
def place(api):
    posyandu_id = api.get("/api/v1/auth/me", headers=api.login(KADER)).json()["posyandu_id"]
    return api.get(f"/api/v1/posyandu/{posyandu_id}").json()["desa_code"], posyandu_id


@pytest.fixture(scope="module")
def intake_rpc(system):
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=10) as rpc:
        yield rpc.intake


def file_report(api, place, person: dict) -> str:
    response = api.post("/api/v1/reports", headers=api.login(KADER), json={
        "desa_code": place[0], "posyandu_id": place[1], "service_type": "kesehatan.balita",
        "kind": "service_need", "description": "Balita belum mendapat imunisasi campak",
        "citizen": person})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def report(api, report_id, who=None):
    headers = api.login(who) if who else {}
    response = api.get(f"/api/v1/reports/{report_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def routed(api, report_id):
    def there():   # 404 until intake has stored it
        response = api.get(f"/api/v1/reports/{report_id}")
        return response.status_code == 200 and response.json()["status"] == "routed"
    wait_until(there, seconds=15, interval=0.1, what=f"{report_id} routed")


def full(person: dict) -> dict:
    return {**person, "phone": "+62" + person["phone"][1:]}


def move(api, case_id, action, who, **body):
    response = api.post(f"/api/v1/cases/{case_id}/{action}", json=body, headers=api.login(who))
    assert response.status_code == 200, (action, response.text)
    return response.json()


def test_the_kader_and_the_opd_see_the_citizen_in_full_others_masked_and_each_read_is_audited(
        api, place):
    person = citizen()
    report_id = file_report(api, place, person)
    routed(api, report_id)

    for who in (KADER, DINKES):
        assert report(api, report_id, who)["citizen"] == full(person), who
    for who in (TPH, None):   # None: the national admin
        shown = report(api, report_id, who)["citizen"]
        assert shown["nik"] == person["nik"][:4] + "*" * 10 + person["nik"][-2:]
        assert person["phone"][4:] not in shown["phone"]
    assert api.get(f"/api/v1/reports/{report_id}", headers=api.login(DINSOS)).status_code == 404

    reads = api.get("/api/v1/audit", params={"service": "intake", "action": "report.read",
                                             "target_id": report_id, "per_page": 50})
    assert reads.status_code == 200, reads.text
    revealed = {(e["actor"]["role"], e["details"]["revealed"]) for e in reads.json()["items"]}
    assert {("kader", True), ("opd_officer", True), ("tph", False), ("admin", False)} <= revealed


def test_an_admin_exports_a_citizen_in_full_then_erases_them_and_the_case_and_counts_stay(
        api, place):
    person = citizen()
    report_id = file_report(api, place, person)
    routed(api, report_id)
    visit = api.post("/api/v1/visits", headers=api.login(KADER), json={
        "desa_code": place[0], "posyandu_id": place[1], "citizen": person,
        "needs": [{"service_type": "pendidikan.dasar", "kind": "service_need",
                   "description": "Anak putus sekolah"}]})
    assert visit.status_code == 202, visit.text
    visit_report = visit.json()["reports"][0]["id"]
    routed(api, visit_report)

    export = api.post("/api/v1/privacy/export", json={"nik": person["nik"]})
    assert export.status_code == 200, export.text
    body = export.json()
    assert body["nik_masked"] == person["nik"][:4] + "*" * 10 + person["nik"][-2:]
    assert body["total"] == 2 and {r["id"] for r in body["reports"]} == {report_id, visit_report}
    mine = next(r for r in body["reports"] if r["id"] == report_id)
    assert mine["citizen"] == full(person)
    assert mine["description"] == "Balita belum mendapat imunisasi campak"
    assert api.post("/api/v1/privacy/export", json={"nik": person["nik"]},
                    headers=api.login(TPH)).status_code == 403
    assert api.post(f"/api/v1/privacy/export?nik={person['nik']}", json={}).status_code == 422

    summary = {"region": "33.25"}
    counted = wait_until(lambda: api.get("/api/v1/reporting/summary", params=summary).json(),
                         what="summary")
    case_before = api.get(f"/api/v1/cases/{report_id}").json()
    erased = api.post("/api/v1/privacy/erase",
                      json={"nik": person["nik"], "reason": "Permintaan warga, surat 7/2026"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] == 2
    assert set(erased.json()["report_ids"]) == {report_id, visit_report}

    for who in (KADER, DINKES, None):
        shown = report(api, report_id, who)
        assert (shown["citizen"], shown["description"]) == (None, None)
        assert shown["erased_at"] and shown["status"] == "routed"
        assert shown["service_type"] == "kesehatan.balita" and shown["history"]
    case_after = api.get(f"/api/v1/cases/{report_id}").json()
    assert (case_after["status"], case_after["opd"]) == (case_before["status"], case_before["opd"])
    after = api.get("/api/v1/reporting/summary", params=summary).json()
    assert after["total"] >= counted["total"]
    assert after["by_service_type"]["kesehatan.balita"] >= counted["by_service_type"]["kesehatan.balita"]
    again = api.post("/api/v1/privacy/export", json={"nik": person["nik"]}).json()
    assert again["total"] == 0
    entries = api.get("/api/v1/audit", params={"service": "intake", "action": "citizen.erase"})
    assert any(set(e["details"]["report_ids"]) == {report_id, visit_report}
               for e in entries.json()["items"])


def test_retention_erases_a_closed_cases_report_once_the_months_have_passed_not_an_open_one(
        api, place, intake_rpc):
    closed_id, open_id = (file_report(api, place, citizen()) for _ in range(2))
    for report_id in (closed_id, open_id):
        routed(api, report_id)
    move(api, closed_id, "acknowledge", DINKES)
    move(api, closed_id, "resolve", DINKES, resolution="Balita sudah diimunisasi")
    closed_at = move(api, closed_id, "confirm", KADER)["updated_at"]
    wait_until(lambda: report(api, closed_id)["status"] == "closed", what="the report closed")

    moment = dt.datetime.fromisoformat(closed_at)
    due = moment.replace(year=moment.year + RETENTION_MONTHS // 12)
    early = intake_rpc.apply_retention((due - dt.timedelta(hours=1)).isoformat())
    assert early["months"] == RETENTION_MONTHS
    assert report(api, closed_id)["erased_at"] is None

    done = intake_rpc.apply_retention((due + dt.timedelta(minutes=1)).isoformat())
    assert done["erased"] >= 1
    erased = report(api, closed_id, KADER)
    assert (erased["citizen"], erased["description"], erased["status"]) == (None, None, "closed")
    assert erased["erased_at"] == (due + dt.timedelta(minutes=1)).astimezone(dt.timezone.utc) \
        .isoformat(timespec="milliseconds")
    still = report(api, open_id, KADER)
    assert still["erased_at"] is None and still["citizen"]["nik"]
    assert still["description"] == "Balita belum mendapat imunisasi campak"
    assert api.get(f"/api/v1/cases/{closed_id}").json()["status"] == "closed"
