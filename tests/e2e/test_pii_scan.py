"""No NIK or phone number reaches a log file or a RabbitMQ message (docs/security.md, "the
scan"). Runs last (tests/e2e/conftest.py): files reports with personal data of its own, reads
them back as the kader and as the OPD officer who may see them in full, then scans every log
file of every process and every message the firehose tap saw in the whole session: for this
test's own NIKs, phone numbers and names, and for any NIK or Indonesian mobile number."""
import random

import pytest

from simpul_devtools import pii_scan
from simpul_devtools.broker_tap import MARK_PREFIX
from simpul_devtools.pytest_fixtures import wait_until

KADER, DESA, POSYANDU = "kader.batang", "33.25.01.2001", "P332501200101"
PLACES = {"33.25": "batang", "21.71": "batam"}


def a_nik(rng: random.Random) -> str:
    """A NIK of Kecamatan 33.25.01 the gateway accepts (a real province and birth date)."""
    day = rng.randint(1, 28) + rng.choice((0, 40))
    return f"332501{day:02d}{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}{rng.randint(1, 9999):04d}"


def a_citizen(rng: random.Random) -> dict:
    """A citizen nobody else in the session files; the household is a Kartu Keluarga number,
    which has the shape of a NIK."""
    return {"name": f"Warga Pindai {rng.choice(['Sari', 'Budi', 'Tini'])} {rng.randrange(16**6):x}",
            "nik": a_nik(rng), "phone": f"0812{rng.randint(0, 99999999):08d}",
            "household_id": a_nik(rng)}


def is_mark(record: dict) -> bool:
    return any(key.startswith(MARK_PREFIX) for key in record["routing_keys"])


def delivered(api, report_id: str) -> dict:
    def check():
        response = api.get(f"/api/v1/reports/{report_id}")
        return response.status_code == 200 and \
            response.json()["delivery"]["state"] == "delivered" and response.json()
    return wait_until(check, seconds=20, interval=0.2, what=f"delivery of {report_id}")


def officer(report: dict) -> str:
    kabupaten, short_code = report["assigned_opd"]["code"].split("/")
    return f"{short_code}.{PLACES[kabupaten]}"


def file(api, kader: dict, one: dict, two: dict) -> tuple[dict[str, dict], str]:
    """A report about `one` and a visit about `two` with two needs: three reports for three
    OPD, each id with its citizen, and the visit's id."""
    report = api.post("/api/v1/reports", headers=kader, json={
        "desa_code": DESA, "posyandu_id": POSYANDU, "service_type": "kesehatan.balita",
        "kind": "service_need", "description": "Balita belum imunisasi campak", "citizen": one})
    assert report.status_code == 202, report.text
    visit = api.post("/api/v1/visits", headers=kader, json={
        "desa_code": DESA, "posyandu_id": POSYANDU, "citizen": two, "needs": [
            {"service_type": "pendidikan.dasar", "kind": "service_need",
             "description": "Anak putus sekolah dasar"},
            {"service_type": "sosial.anak_terlantar", "kind": "complaint",
             "description": "Anak tidak terurus"}]})
    assert visit.status_code == 202, visit.text
    filed = {report.json()["id"]: one} | {r["id"]: two for r in visit.json()["reports"]}
    return filed, visit.json()["visit_id"]


def read_back(api, login, kader: dict, filed: dict[str, dict], visit_id: str) -> None:
    """Once routed and delivered, each report as the kader and as its OPD's officer, who see
    the citizen in full, their cases, the visit's cases and the kader's inbox."""
    for report_id, citizen in filed.items():
        staff = login(officer(delivered(api, report_id)))
        for reader in (kader, staff):
            shown = api.get(f"/api/v1/reports/{report_id}", headers=reader)
            assert shown.status_code == 200 and shown.json()["citizen"]["nik"] == citizen["nik"]
        assert api.get("/api/v1/cases/mine", headers=staff).status_code == 200
    assert api.get(f"/api/v1/visits/{visit_id}/cases", headers=kader).status_code == 200
    assert api.get("/api/v1/inbox", headers=kader).status_code == 200


@pytest.fixture(scope="module")
def crossed(api, login, broker_tap):
    """Personal data of this test's own through every path once: sealed in SubmitReport, then
    intake, routing, the OPD's notification, the kader's inbox, intake's RPC replies to the
    kader's and the officer's reads. Then a canary NIK on the default exchange, and the tap
    has read everything published before it."""
    rng, kader = random.Random(), login(KADER)
    citizens = [a_citizen(rng), a_citizen(rng)]
    filed, visit_id = file(api, kader, *citizens)
    read_back(api, login, kader, filed, visit_id)
    if broker_tap.error:
        pytest.fail(f"no scan without the tap: {broker_tap.error}")
    canary = a_nik(rng)
    broker_tap.mark(f"pii-scan canary {canary}")
    known = [value for c in citizens for value in
             (c["nik"], pii_scan.phone_needle(c["phone"]), c["name"], c["household_id"])]
    return {"known": known, "report_ids": list(filed), "canary": canary}


def test_the_tap_saw_every_message_of_the_session(crossed, broker_tap):
    records = broker_tap.records()
    assert broker_tap.error is None and broker_tap.dropped == 0, (broker_tap.error, broker_tap.dropped)
    session = [r for r in records if not is_mark(r)]
    assert len(session) > 4 * len(crossed["report_ids"]), f"only {len(session)} messages tapped"
    for report_id in crossed["report_ids"]:
        carrying = [r for r in session if report_id in r["body"]]
        keys = {key for r in carrying for key in r["routing_keys"]}
        assert {"report.submit", "report.received", "report.routed"} <= keys, (report_id, keys)
        assert any(key.endswith(".case.routed") for key in keys), (report_id, keys)
        assert any(pii_scan.is_rpc_reply(r) for r in carrying), f"no RPC reply about {report_id}"
    canary = [hit for r in records if is_mark(r) for hit in pii_scan.scan_messages([r])]
    assert [(h.kind, h.masked) for h in canary] == [("nik", pii_scan.masked(crossed["canary"]))]


def test_no_log_line_of_any_process_carries_personal_data(crossed, system):
    logs = sorted(system.workdir.joinpath("logs").glob("*.log"))
    assert {"gateway.log", "intake-1.log", "routing-1.log"} <= {p.name for p in logs}
    assert sum(p.stat().st_size for p in logs) > 0, "the processes wrote no logs"
    hits = pii_scan.scan_logs(system.workdir / "logs", crossed["known"])
    assert not hits, "personal data in the logs:\n" + pii_scan.summary(hits)


def test_no_message_on_the_broker_carries_personal_data(crossed, broker_tap):
    records = [r for r in broker_tap.records() if not is_mark(r)]
    hits = pii_scan.scan_messages(records, crossed["known"])
    assert not hits, f"{len(hits)} pieces of personal data in the {len(records)} tapped " \
                     "messages:\n" + pii_scan.summary(hits)
