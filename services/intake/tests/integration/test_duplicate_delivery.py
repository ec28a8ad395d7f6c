"""Duplicates through the real broker onto both of intake's queues, handled by two replicas at
once: every copy is acknowledged, the report is stored once (`_id` is the report id) and each
tracking event is applied once (a write conditional on `history.event_id`)."""
import pytest
from nameko.utils.concurrency import SpawningProxy
from prometheus_client import REGISTRY
from pymongo import MongoClient

from simpul_common import contracts, sealing
from simpul_devtools import broker_testing
from simpul_devtools.pytest_fixtures import wait_until
from simpul_intake.domain.report import new_report
from simpul_intake.repository import ReportRepository, prepare
from simpul_intake.service import IntakeService

REPORT_ID = "d531a1d8-4581-5a7c-84ee-3985a07ede40"
FIELDS = dict(report_id=REPORT_ID, kind="service_need", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")


@pytest.fixture
def replicas(run_service, service_config, db_names, broker):
    """Two intake replicas on one database, five workers each, consuming: their containers."""
    config = service_config(db_names["intake"], max_workers=5)
    return [run_service(IntakeService, config) for _ in range(2)]


@pytest.fixture
def intake_db(mongo_uri, db_names):
    return MongoClient(mongo_uri)[db_names["intake"]]


def handled(queue: str, message_type: str) -> dict:
    return broker_testing.handled("intake", queue, message_type)


def reports_received() -> float:
    return REGISTRY.get_sample_value("simpul_reports_received_total", {"kabupaten": "33.25"}) or 0



def submission(data_key) -> dict:
    sealed = sealing.seal(sealing.load_key(data_key), {"description": "Balita belum imunisasi",
                                                       "citizen": {"nik": "3325014501900003"}},
                          REPORT_ID)
    cmd = contracts.SubmitReport(
        report_id=REPORT_ID, kind="service_need", service_type="kesehatan.balita",
        desa_code="33.25.01.2001", posyandu_id="P332501200101", sealed=sealed, body_hash="h1",
        submitted_at=contracts.utc_now())
    return cmd.envelope(contracts.stable_id(REPORT_ID, cmd.type))


def test_a_submission_delivered_nine_times_to_two_replicas_is_stored_and_counted_once(
        replicas, intake_db, broker, data_key):
    envelope = submission(data_key)
    announced = broker.probe(contracts.ReportReceived.type)
    before, counted = handled("intake.submissions", "report.submit"), reports_received()
    broker.burst([envelope] * 7 + [{**envelope, "id": "the-same-report-another-envelope"}])
    wait_until(lambda: handled("intake.submissions", "report.submit")["ok"] - before["ok"] == 8,
               seconds=30, what="eight copies handled")
    broker.publish(envelope)           # and one more, late, once the report is stored
    wait_until(lambda: handled("intake.submissions", "report.submit")["ok"] - before["ok"] == 9,
               seconds=30, what="the late copy handled")
    SpawningProxy(replicas).stop()     # what they had not acknowledged goes back to the queue

    assert intake_db.reports.count_documents({}) == 1
    assert len(intake_db.reports.find_one({"_id": REPORT_ID})["history"]) == 1
    assert reports_received() - counted == 1
    assert handled("intake.submissions", "report.submit")["dead"] == before["dead"]
    events = announced.of_type(contracts.ReportReceived.type)
    assert len(events) >= 9, "each copy re-announces the report"
    assert {e["id"] for e in events} == {contracts.stable_id(REPORT_ID, "report.received")}
    assert len({e["occurred_at"] for e in events}) == 1
    assert set(broker.left_on("intake.submissions").values()) == {0}


def tracking_events() -> list[dict]:
    """Four events of one case, each under its stable id: routed, acknowledged, escalated
    (a later position than the acknowledgement) and delivered."""
    def stable(message, *parts):
        return message.envelope(contracts.stable_id(REPORT_ID, message.type, *parts))

    opd = dict(opd_code="33.25/dinkes", opd_name="Dinas Kesehatan Kabupaten Batang")
    return [
        stable(contracts.ReportRouted(rule_id="r1", due_at="2026-12-01T16:59:59.999+00:00",
                                      routed_at=contracts.utc_now(), **opd, **FIELDS)),
        stable(contracts.CaseChanged(action="acknowledge", from_status="routed",
                                     to_status="acknowledged", actor_role="opd_officer",
                                     kabupaten_code="33.25", escalation_level=0,
                                     changed_at=contracts.utc_now(), sequence=1,
                                     due_at="2026-12-08T16:59:59.999+00:00", **opd, **FIELDS), "1"),
        stable(contracts.CaseEscalated(level=1, target="opd_head", deadline="resolve",
                                       overdue_since="2026-12-08T16:59:59.999+00:00",
                                       kabupaten_code="33.25", escalated_at=contracts.utc_now(),
                                       sequence=2, opd_code="33.25/dinkes", **FIELDS), "2"),
        contracts.NotificationDelivered(
            notification_id="n-1", report_id=REPORT_ID, opd_code="33.25/dinkes",
            channel="rabbitmq", destination="simpul.opd.33.25.dinkes", cause="e-1",
            delivered_at=contracts.utc_now()).envelope(contracts.stable_id("n-1", "delivered")),
    ]


def test_tracking_events_delivered_four_times_each_to_two_replicas_apply_once(
        replicas, intake_db, broker, data_key):
    prepare(intake_db)
    cmd = contracts.decode(submission(data_key)).message
    ReportRepository(intake_db).add(new_report(cmd, contracts.utc_now()))
    events = tracking_events()
    before = {e["type"]: handled("intake.tracking", e["type"]) for e in events}
    broker.burst(list(reversed(events)) * 4)   # out of order, each four times
    wait_until(lambda: all(handled("intake.tracking", kind)["ok"] - done["ok"] == 4
                           for kind, done in before.items()), seconds=30,
               what="sixteen copies handled")
    SpawningProxy(replicas).stop()     # what they had not acknowledged goes back to the queue

    report = intake_db.reports.find_one({"_id": REPORT_ID})
    ids = [entry["event_id"] for entry in report["history"]]
    assert sorted(ids[1:]) == sorted(e["id"] for e in events), "one history entry per event"
    assert (report["status"], report["escalation_level"]) == ("acknowledged", 1)
    assert (report["case_sequence"], report["level_sequence"]) == (1, 2)
    assert report["delivery"]["state"] == "delivered"
    assert all(handled("intake.tracking", kind)["dead"] == done["dead"]
               for kind, done in before.items())
    assert set(broker.left_on("intake.tracking").values()) == {0}
