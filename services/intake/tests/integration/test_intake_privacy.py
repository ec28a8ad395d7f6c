"""Intake in a nameko container, on real RabbitMQ and SecantusDB: it checks every report read
against the actor itself, audits it, reveals the citizen (sealed) only to the kader and the
OPD, and erases personal data on retention and on a citizen's request (docs/privacy.md)."""
import json
import uuid

import pytest
from pymongo import MongoClient

from simpul_common import contracts, sealing
from simpul_devtools.pytest_fixtures import wait_until
from simpul_intake.service import IntakeService

NIK, PHONE = "3325014501900003", "+6281234567890"
CITIZEN = {"name": "Siti Aminah", "nik": NIK, "phone": PHONE}
BATANG = dict(desa_code="33.25.01.2001", posyandu_id="P332501200101")
BATAM = dict(desa_code="21.71.01.1002", posyandu_id="P217101100201")


def actor(role, **bound):
    return {"role": role, "id": f"p-{role}-{uuid.uuid4().hex[:4]}", "name": role,
            "opd_code": None, "posyandu_id": None, "kabupaten_code": None, **bound}


KADER = actor("kader", posyandu_id=BATANG["posyandu_id"])
OTHER_KADER = actor("kader", posyandu_id="P332501200102")
DINKES = actor("opd_officer", opd_code="33.25/dinkes")
TPH = actor("tph", kabupaten_code="33.25")
ADMIN, BATAM_ADMIN = actor("admin"), actor("admin", kabupaten_code="21.71")


@pytest.fixture
def start(run_service, service_config, mongo_uri, db_names, broker):
    """Starts intake with `settings`; answers its database."""
    def started(**settings):
        run_service(IntakeService, service_config(db_names["intake"], **settings))
        return MongoClient(mongo_uri)[db_names["intake"]]
    return started


@pytest.fixture
def key(data_key):
    return sealing.load_key(data_key)


def file(broker, db, key, place=BATANG, nik=NIK) -> str:
    report_id = str(uuid.uuid4())
    citizen = {**CITIZEN, "nik": nik, "household_id": "KK-1"}
    cmd = contracts.SubmitReport(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        sealed=sealing.seal(key, {"description": "Balita belum imunisasi", "citizen": citizen},
                            report_id),
        body_hash="h", submitted_at=contracts.utc_now(), household_ref="hh-ref",
        citizen_ref=sealing.keyed_hash(key, "nik", nik), **place)
    broker.publish(cmd.envelope(contracts.stable_id(report_id, cmd.type)))
    wait_until(lambda: db.reports.find_one({"_id": report_id}), what="stored")
    return report_id


def fields(report_id, place=BATANG):
    return dict(report_id=report_id, kind="service_need", service_type="kesehatan.balita",
                spm_area="kesehatan", **place)


def route(broker, db, report_id):
    routed = contracts.ReportRouted(opd_code="33.25/dinkes", opd_name="Dinkes", rule_id="r",
                                    due_at="2026-12-01T16:59:59+00:00",
                                    routed_at=contracts.utc_now(), **fields(report_id))
    broker.publish(routed.envelope(contracts.stable_id(report_id, routed.type)))
    wait_until(lambda: db.reports.find_one({"_id": report_id, "status": "routed"}), what="routed")


def close(broker, db, report_id, at, to_status="closed", sequence=5):
    changed = contracts.CaseChanged(
        action="confirm", from_status="resolved", to_status=to_status, actor_role="kader",
        kabupaten_code="33.25", escalation_level=0, changed_at=at, sequence=sequence,
        opd_code="33.25/dinkes", opd_name="Dinkes", **fields(report_id))
    event_id = f"close-{report_id}-{sequence}"
    broker.publish(changed.envelope(event_id, occurred_at=at))
    wait_until(lambda: db.reports.find_one({"_id": report_id, "history.event_id": event_id}),
               what=f"{report_id} {to_status}")


def test_a_read_is_checked_audited_and_the_citizen_revealed_sealed_to_kader_and_opd_only(
        start, broker, rpc, key):
    db = start()
    report_id = file(broker, db, key)
    route(broker, db, report_id)

    assert rpc.intake.get_report(report_id, OTHER_KADER) is None
    assert rpc.intake.get_report(report_id, {"role": "viewer", "id": "v"}) is None
    for who in (KADER, DINKES):
        shown = rpc.intake.get_report(report_id, who)
        assert NIK not in json.dumps(shown) and PHONE[3:] not in json.dumps(shown)
        full = sealing.open_sealed(key, shown["sealed_citizen"], sealing.reveal_context(report_id))
        assert (full["nik"], full["phone"]) == (NIK, PHONE)
    masked = rpc.intake.get_report(report_id, TPH)
    assert "sealed_citizen" not in masked and masked["citizen"]["nik"].startswith("3325")

    entries = {e["actor"]["id"]: e for e in db.audit.find({"action": "report.read"})}
    assert set(entries) == {KADER["id"], DINKES["id"], TPH["id"]}, "refused reads leave no entry"
    assert entries[KADER["id"]]["target"] == {"type": "report", "id": report_id}
    assert [entries[who["id"]]["details"]["revealed"] for who in (KADER, DINKES, TPH)] == [
        True, True, False]
    assert rpc.intake.audit_log({"action": "report.read"}, 1, 10)["total"] == 3


def test_retention_erases_only_reports_closed_longer_ago_than_the_months(start, broker, rpc, key):
    db = start(SIMPUL_CLOCK_OVERRIDE=1, RETENTION_MONTHS=24)
    old, recent, still_open = (file(broker, db, key) for _ in range(3))
    close(broker, db, old, "2025-01-10T03:00:00.000+00:00")
    close(broker, db, recent, "2026-06-01T03:00:00.000+00:00")
    route(broker, db, still_open)

    done = rpc.intake.apply_retention("2027-02-01T00:00:00+00:00")

    assert done == {"erased": 1, "months": 24, "closed_before": "2025-02-01T00:00:00.000+00:00"}
    erased = db.reports.find_one({"_id": old})
    assert erased["erased"] == {"at": "2027-02-01T00:00:00.000+00:00", "reason": "retention"}
    assert (erased["sealed"], erased["citizen_ref"], erased["household_ref"]) == (None, None, None)
    assert (erased["status"], erased["service_type"], erased["posyandu_id"]) == (
        "closed", "kesehatan.balita", BATANG["posyandu_id"])
    assert [h["type"] for h in erased["history"]] == ["report.received", "case.changed"]
    assert db.reports.count_documents({"erased": None}) == 2
    shown = rpc.intake.get_report(old, KADER)
    assert (shown["description"], shown["citizen"], shown["erased_at"]) == (
        None, None, "2027-02-01T00:00:00.000+00:00")
    [entry] = db.audit.find({"action": "retention.erase"})
    assert entry["actor"]["id"] == "system" and entry["details"] == {"count": 1, "months": 24}
    assert rpc.intake.apply_retention("2027-02-01T00:00:00+00:00")["erased"] == 0


def test_the_retention_timer_runs_on_its_own_and_the_clock_is_not_set_without_the_override(
        start, broker, rpc, key):
    db = start(RETENTION_MONTHS=1, RETENTION_SWEEP_SECONDS=0.2)
    report_id = file(broker, db, key)
    close(broker, db, report_id, "2020-01-01T00:00:00.000+00:00")
    wait_until(lambda: db.reports.find_one({"_id": report_id})["erased"], what="erased by timer")

    refused = rpc.intake.apply_retention("2030-01-01T00:00:00+00:00")
    assert refused["status"] == 403 and refused["errors"][0]["field"] == "now"


def test_a_case_that_moved_on_is_not_closed_whatever_order_its_events_arrive_in(
        start, broker, rpc, key):
    db = start(SIMPUL_CLOCK_OVERRIDE=1)
    report_id = file(broker, db, key)
    close(broker, db, report_id, "2020-01-02T07:00:00+07:00", sequence=5)
    assert db.reports.find_one({"_id": report_id})["closed_at"] == "2020-01-02T00:00:00.000+00:00"
    close(broker, db, report_id, "2020-01-03T00:00:00.000+00:00", to_status="reopened", sequence=7)
    close(broker, db, report_id, "2020-01-04T00:00:00.000+00:00", sequence=6)   # arrives late
    assert db.reports.find_one({"_id": report_id})["closed_at"] is None
    assert rpc.intake.apply_retention("2030-01-01T00:00:00+00:00")["erased"] == 0


def test_a_citizen_is_exported_and_erased_by_an_admin_within_their_kabupaten(
        start, broker, rpc, key):
    db = start()
    batang = [file(broker, db, key) for _ in range(2)]
    batam = file(broker, db, key, place=BATAM)
    other = file(broker, db, key, nik="3325014501900011")
    ref = sealing.keyed_hash(key, "nik", NIK)

    assert rpc.intake.citizen_reports(ref, TPH)["status"] == 403
    export = rpc.intake.citizen_reports(ref, ADMIN)
    assert sorted(item["id"] for item in export["items"]) == sorted(batang + [batam])
    assert NIK not in json.dumps(export) and "Balita belum" not in json.dumps(export)
    item = export["items"][0]
    assert sealing.open_sealed(key, item["sealed_citizen"],
                               sealing.reveal_context(item["id"]))["nik"] == NIK
    assert sealing.open_sealed(key, item["sealed_description"],
                               sealing.reveal_context(item["id"], "description")) == {
        "text": "Balita belum imunisasi"}

    done = rpc.intake.erase_citizen(ref, BATAM_ADMIN, "Permintaan warga, surat 12/2026")
    assert done == {"erased": 1, "report_ids": [batam]}
    done = rpc.intake.erase_citizen(ref, ADMIN, "Permintaan warga, surat 12/2026")
    assert sorted(done["report_ids"]) == sorted(batang) and done["erased"] == 2
    assert db.reports.count_documents({"erased": None}) == 1
    assert db.reports.find_one({"_id": other})["citizen_ref"] is not None
    assert db.reports.find_one({"_id": batam})["erased"]["reason"] == \
        "request: Permintaan warga, surat 12/2026"
    assert rpc.intake.citizen_reports(ref, ADMIN)["total"] == 0

    actions = [e["action"] for e in db.audit.find().sort("at", 1)]
    assert actions == ["citizen.export", "citizen.erase", "citizen.erase", "citizen.export"]
    erase = db.audit.find_one({"action": "citizen.erase", "actor.id": ADMIN["id"]})
    assert erase["target"] == {"type": "citizen", "id": ref}
    assert erase["details"]["count"] == 2 and sorted(erase["details"]["report_ids"]) == sorted(batang)
