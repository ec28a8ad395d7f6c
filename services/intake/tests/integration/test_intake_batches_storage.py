"""Intake's batch writes on the real storage: one unordered insert of a batch of reports, and
one ordered bulk write of a batch of tracking events, falling back to the single way for the
events it could not apply."""
import pytest
from pymongo import MongoClient

from simpul_common import contracts
from simpul_intake import usecases
from simpul_intake.repository import ReportNotFound, ReportRepository, prepare

FIELDS = dict(kind="service_need", service_type="kesehatan.balita", spm_area="kesehatan",
              desa_code="33.25.01.2001", posyandu_id="P332501200101")
OPD = dict(opd_code="33.25/dinkes", opd_name="Dinas Kesehatan Kabupaten Batang")


@pytest.fixture
def reports(mongo_uri, db_names):
    db = MongoClient(mongo_uri)[db_names["intake"]]
    prepare(db)
    return ReportRepository(db)


def submit(report_id, body_hash="h1"):
    return contracts.SubmitReport(report_id=report_id, sealed="sealed", body_hash=body_hash,
                                  submitted_at=contracts.utc_now(),
                                  **{k: v for k, v in FIELDS.items() if k != "spm_area"})


def events(report_id):
    """Routed, acknowledged, escalated (a later position) and delivered, enveloped."""
    fields = {**FIELDS, "report_id": report_id}
    messages = [
        contracts.ReportRouted(rule_id="r1", due_at="2026-12-01T16:59:59.999+00:00",
                               routed_at=contracts.utc_now(), **OPD, **fields),
        contracts.CaseChanged(action="acknowledge", from_status="routed",
                              to_status="acknowledged", actor_role="opd_officer",
                              kabupaten_code="33.25", escalation_level=0,
                              changed_at=contracts.utc_now(), sequence=1, **OPD, **fields),
        contracts.CaseEscalated(level=1, target="opd_head", deadline="resolve",
                                overdue_since="2026-12-08T16:59:59.999+00:00",
                                kabupaten_code="33.25", escalated_at=contracts.utc_now(),
                                sequence=2, opd_code=OPD["opd_code"], **fields),
        contracts.NotificationDelivered(notification_id=f"n-{report_id}", report_id=report_id,
                                        opd_code=OPD["opd_code"], channel="rabbitmq",
                                        destination="simpul.opd.33.25.dinkes", cause="e",
                                        delivered_at=contracts.utc_now())]
    return [contracts.decode(m.envelope(f"{report_id}-{i}")) for i, m in enumerate(messages)]


def test_a_batch_of_submissions_stores_each_report_once(reports):
    usecases.accept_submission(submit("b-old"), reports, lambda e: None)
    published = []

    stored = usecases.accept_submissions([submit("b-1"), submit("b-old", "h2"), submit("b-1")],
                                         reports, published.append)

    assert reports.reports.count_documents({}) == 2
    assert stored[1]["body_hash"] == "h1"
    assert published[2] == published[0]
    assert [e["data"]["report_id"] for e in published] == ["b-1", "b-old", "b-1"]


def test_a_batch_of_tracking_events_applies_each_once_in_order_or_not(reports):
    for report_id in ("t-1", "t-2"):
        usecases.accept_submission(submit(report_id), reports, lambda e: None)
    in_order, reversed_twice = events("t-1"), list(reversed(events("t-2"))) * 2

    usecases.track(in_order[0], reports)          # redelivered within the batch below
    usecases.track_many(in_order + reversed_twice, reports)

    for report_id in ("t-1", "t-2"):
        report = reports.get(report_id)
        assert len(report["history"]) == 5, "one entry per event"
        assert (report["status"], report["escalation_level"]) == ("acknowledged", 1)
        assert (report["case_sequence"], report["level_sequence"]) == (1, 2)
        assert report["delivery"]["state"] == "delivered"


def test_an_event_of_a_missing_report_fails_its_batch(reports):
    usecases.accept_submission(submit("m-1"), reports, lambda e: None)
    batch = events("m-1")[:1] + events("m-2")[:1]

    with pytest.raises(ReportNotFound):
        usecases.track_many(batch, reports)
    assert reports.get("m-1")["status"] == "routed"
