"""Intake in a nameko container: stores submissions once, announces them, tracks them."""
import json

import pytest
from pymongo import MongoClient

from simpul_common import contracts, messaging, sealing
from simpul_devtools.pytest_fixtures import wait_until
from simpul_intake.service import IntakeService

NIK = "3325014501900003"
KADER = {"role": "kader", "id": "p-kader", "name": "Kader", "opd_code": None,
         "posyandu_id": "P332501200101", "kabupaten_code": None}


@pytest.fixture
def intake(run_service, service_config, mongo_uri, db_names, broker):
    run_service(IntakeService, service_config(db_names["intake"]))
    return MongoClient(mongo_uri)[db_names["intake"]]


def submission(data_key, report_id="11111111-2222-4333-8444-555555555555", body_hash="h1"):
    key = sealing.load_key(data_key)
    sealed = sealing.seal(key, {"description": "Balita belum imunisasi",
                                "citizen": {"nik": NIK, "phone": "+6281234567890"}}, report_id)
    cmd = contracts.SubmitReport(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        desa_code="33.25.01.2001", posyandu_id="P332501200101", sealed=sealed,
        body_hash=body_hash, submitted_at=contracts.utc_now())
    return cmd.envelope(contracts.stable_id(report_id, cmd.type))


def test_stores_a_submission_sealed_and_announces_it(intake, broker, data_key, rpc):
    probe = broker.probe(contracts.ReportReceived.type)
    envelope = submission(data_key)
    broker.publish(envelope)

    received = wait_until(lambda: probe.of_type("report.received"), what="report.received")
    assert received[0]["data"]["report_id"] == envelope["data"]["report_id"]
    assert received[0]["data"]["spm_area"] == "kesehatan"
    stored = intake.reports.find_one({"_id": envelope["data"]["report_id"]})
    assert stored["status"] == "received"
    raw = json.dumps(stored, default=str) + json.dumps(received)
    assert NIK not in raw and "Balita belum" not in raw and "81234567890" not in raw

    shown = rpc.intake.get_report(envelope["data"]["report_id"], KADER)
    assert "Balita belum" not in json.dumps(shown) and NIK not in json.dumps(shown)
    assert sealing.open_sealed(sealing.load_key(data_key), shown["sealed_description"],
                               sealing.reveal_context(shown["id"], "description")) == {
        "text": "Balita belum imunisasi"}
    assert shown["citizen"]["nik"] != NIK and shown["citizen"]["nik"].startswith("3325")


def test_a_redelivered_submission_is_stored_once_and_announced_with_the_same_id(intake, broker, data_key):
    probe = broker.probe(contracts.ReportReceived.type)
    envelope = submission(data_key)
    broker.publish(envelope)
    broker.publish(envelope)
    broker.publish(submission(data_key, body_hash="different"))

    events = wait_until(lambda: len(probe.of_type("report.received")) >= 3 and probe.seen,
                        what="three announcements")
    assert len({e["id"] for e in events}) == 1
    assert intake.reports.count_documents({}) == 1
    assert intake.reports.find_one()["body_hash"] == "h1", "the first submission wins"


def test_tracks_routing_and_delivery_once(intake, broker, data_key, rpc):
    envelope = submission(data_key)
    report_id = envelope["data"]["report_id"]
    broker.publish(envelope)
    wait_until(lambda: intake.reports.find_one({"_id": report_id}), what="stored")
    routed = contracts.ReportRouted(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        opd_code="33.25/dinkes", opd_name="Dinas Kesehatan Kabupaten Batang", rule_id="r1",
        due_at="2026-12-01T16:59:59+00:00", routed_at=contracts.utc_now())
    routed_envelope = routed.envelope(contracts.stable_id(report_id, routed.type))
    broker.publish(routed_envelope)
    broker.publish(routed_envelope)

    report = wait_until(lambda: (r := rpc.intake.get_report(report_id, KADER))["status"] == "routed" and r,
                        what="routed")
    assert report["assigned_opd"] == {"code": "33.25/dinkes",
                                      "name": "Dinas Kesehatan Kabupaten Batang"}
    wait_until(lambda: intake.reports.count_documents({}) == 1)
    history = intake.reports.find_one({"_id": report_id})["history"]
    assert [h["type"] for h in history].count("report.routed") == 1


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_queue(intake, broker):
    routed = contracts.ReportRouted(
        report_id="00000000-0000-4000-8000-000000000000", kind="complaint",
        service_type="sosial.anak_terlantar", spm_area="sosial", desa_code="21.71.01.1002",
        posyandu_id="P217101100101", opd_code="21.71/dinsos", opd_name="Dinas Sosial",
        rule_id="r", due_at="2026-12-01T16:59:59+00:00", routed_at=contracts.utc_now())
    broker.publish(routed.envelope("poison-1"))

    dead = wait_until(lambda: broker.read(contracts.DEAD_LETTER_QUEUE), seconds=15,
                      what="dead letter")
    headers = dead[0].headers
    assert headers[messaging.QUEUE_HEADER] == "intake.tracking"
    assert headers[messaging.ATTEMPT_HEADER] == len(messaging.RETRY_DELAYS_MS) + 1
    assert "ReportNotFound" in headers[messaging.ERROR_HEADER]
    assert dead[0].payload["id"] == "poison-1"


def test_a_message_outside_the_contract_is_dead_lettered_at_once(intake, broker):
    broker.publish({"type": "report.submit", "version": 99, "id": "bad-1", "data": {}})
    dead = wait_until(lambda: broker.read(contracts.DEAD_LETTER_QUEUE), what="dead letter")
    assert "unsupported version" in dead[0].headers[messaging.ERROR_HEADER]
    assert dead[0].headers[messaging.ATTEMPT_HEADER] == 0


def test_a_message_that_is_not_even_json_is_parked_and_the_service_lives_on(intake, broker, data_key):
    from kombu import Connection
    with Connection(broker.uri) as connection:
        connection.default_channel.basic_publish(
            connection.default_channel.prepare_message(b"{not json", content_type="application/json"),
            exchange="simpul.commands", routing_key="report.submit")
    dead = wait_until(lambda: broker.read(contracts.DEAD_LETTER_QUEUE), what="dead letter")
    assert dead[0].body == b"{not json"
    assert dead[0].headers[messaging.QUEUE_HEADER] == "intake.submissions"

    probe = broker.probe(contracts.ReportReceived.type)
    broker.publish(submission(data_key))
    assert wait_until(lambda: probe.of_type("report.received"), what="service still consuming")


def test_case_events_arriving_out_of_order_leave_the_latest_state(mongo_uri, db_names):
    """On the real storage server: each part of the report (state, escalation level) keeps
    what the latest position of the case set, whatever order the events arrive in."""
    from simpul_intake.repository import ReportRepository, prepare
    from simpul_intake.usecases import track

    db = MongoClient(mongo_uri)[db_names["intake"]]
    prepare(db)
    reports = ReportRepository(db)
    reports.add({"_id": "r-1", "status": "received", "case_sequence": None,
                 "level_sequence": None, "escalation_level": 0, "history": []})
    fields = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
                  spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P1")

    def changed(seq, action, to, level):
        return contracts.CaseChanged(action=action, from_status="routed", to_status=to,
                                     actor_role="opd_officer", kabupaten_code="33.25",
                                     escalation_level=level, changed_at=contracts.utc_now(),
                                     sequence=seq, opd_code="33.25/dinkes", opd_name="Dinkes",
                                     **fields)

    escalated = contracts.CaseEscalated(level=1, target="opd_head", deadline="resolve",
                                        overdue_since="x", kabupaten_code="33.25",
                                        escalated_at=contracts.utc_now(), sequence=2,
                                        opd_code="33.25/dinkes", **fields)
    for seq, message in ((2, escalated), (1, changed(1, "acknowledge", "acknowledged", 0)),
                         (1, changed(1, "acknowledge", "acknowledged", 0))):
        track(contracts.decode(message.envelope(f"e-{seq}-{message.type}")), reports)
    report = reports.get("r-1")
    assert (report["status"], report["escalation_level"]) == ("acknowledged", 1)
    assert (report["case_sequence"], report["level_sequence"]) == (1, 2)
    assert len(report["history"]) == 2   # the redelivered change is kept once

    track(contracts.decode(changed(3, "start", "in_progress", 0).envelope("e-3")), reports)
    report = reports.get("r-1")
    assert (report["status"], report["escalation_level"]) == ("in_progress", 0)
