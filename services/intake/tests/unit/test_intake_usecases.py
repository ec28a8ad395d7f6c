import copy
import logging

import pytest

from simpul_common import contracts, sealing
from simpul_intake import usecases
from simpul_intake.repository import ReportNotFound

KEY = sealing.load_key(sealing.new_key())
CITIZEN = {"name": "Siti Aminah", "nik": "3325014101900001", "phone": "+6281234567890"}


class FakeReportRepository:
    """In memory, with the semantics of repository.ReportRepository."""

    def __init__(self):
        self.reports = {}

    def add(self, report):
        if report["_id"] in self.reports:
            return copy.deepcopy(self.reports[report["_id"]]), False
        self.reports[report["_id"]] = copy.deepcopy(report)
        return report, True

    def get(self, report_id):
        return copy.deepcopy(self.reports.get(report_id))

    def apply(self, report_id, changes, entry):
        report = self.reports.get(report_id)
        if report is None:
            raise ReportNotFound(report_id)
        if any(h["event_id"] == entry["event_id"] for h in report["history"]):
            return False
        for path, value in changes.items():
            *parents, leaf = path.split(".")
            target = report
            for name in parents:
                target = target[name]
            target[leaf] = value
        report["history"].append(dict(entry))
        return True


def submit(report_id="r-1", body_hash="h1", description="Balita belum diimunisasi"):
    sealed = sealing.seal(KEY, {"description": description, "citizen": CITIZEN}, report_id)
    return contracts.SubmitReport(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        desa_code="33.25.01.2001", posyandu_id="P332501200101", sealed=sealed,
        body_hash=body_hash, submitted_at="2026-11-02T02:59:00+00:00")


def received(message, event_id, at="2026-11-02T03:00:01+00:00"):
    return contracts.decode(message.envelope(event_id, at))


def routed(report_id="r-1"):
    return contracts.ReportRouted(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        opd_code="33.25/dinkes", opd_name="Dinas Kesehatan Kabupaten Batang",
        rule_id="demo:33.25.01:kesehatan.*", due_at="2026-11-09T16:59:59+00:00",
        routed_at="2026-11-02T03:00:01+00:00", unit_code="puskesmas-33.25.01")


def unroutable(report_id="r-1"):
    return contracts.ReportUnroutable(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        reason="tidak ada OPD", tph_region="33.25", routed_at="2026-11-02T03:00:01+00:00")


def delivered(report_id="r-1"):
    return contracts.NotificationDelivered(
        notification_id="n-1", report_id=report_id, opd_code="33.25/dinkes", channel="rabbitmq",
        destination="simpul.opd.33.25.dinkes", cause="e-routed",
        delivered_at="2026-11-02T03:00:02+00:00")


@pytest.fixture
def reports():
    return FakeReportRepository()


def test_a_submission_is_stored_and_announced(reports):
    published = []
    usecases.accept_submission(submit(), reports, published.append)

    assert reports.get("r-1")["status"] == "received"
    assert [e["type"] for e in published] == ["report.received"]
    assert published[0]["data"]["report_id"] == "r-1"


def test_a_repeated_submission_keeps_the_first_report_and_reannounces_it(reports):
    published = []
    first = usecases.accept_submission(submit(), reports, published.append)
    again = usecases.accept_submission(submit(), reports, published.append)

    assert len(reports.reports) == 1
    assert again["received_at"] == first["received_at"]
    assert published[0] == published[1]


def test_a_reused_key_with_another_body_keeps_the_first_and_warns(reports, caplog):
    usecases.accept_submission(submit(body_hash="h1"), reports, lambda e: None)
    with caplog.at_level(logging.WARNING):
        kept = usecases.accept_submission(submit(body_hash="h2", description="lain"), reports,
                                          lambda e: None)

    assert kept["body_hash"] == "h1"
    assert "idempotency key reused" in caplog.text


def test_a_routed_report_shows_its_opd_and_due_date(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)

    assert usecases.track(received(routed(), "e-routed"), reports) is True

    report = reports.get("r-1")
    assert report["status"] == "routed"
    assert report["assigned_opd"] == {"code": "33.25/dinkes",
                                      "name": "Dinas Kesehatan Kabupaten Batang"}
    assert report["due_at"] == "2026-11-09T16:59:59+00:00"
    assert report["history"][-1]["rule_id"] == "demo:33.25.01:kesehatan.*"


def test_a_redelivered_tracking_event_is_applied_once(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    usecases.track(received(routed(), "e-routed"), reports)

    assert usecases.track(received(routed(), "e-routed"), reports) is False
    assert len(reports.get("r-1")["history"]) == 2


def test_an_unroutable_report_has_no_opd(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    usecases.track(received(unroutable(), "e-unroutable"), reports)

    report = reports.get("r-1")
    assert report["status"] == "unroutable"
    assert report["assigned_opd"] is None
    assert report["history"][-1]["tph_region"] == "33.25"


def test_a_delivery_marks_the_report_delivered_without_changing_its_status(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    usecases.track(received(routed(), "e-routed"), reports)
    usecases.track(received(delivered(), "e-delivered"), reports)

    report = reports.get("r-1")
    assert report["status"] == "routed"
    assert report["delivery"]["state"] == "delivered"


def test_tracking_an_unknown_report_is_an_error(reports):
    with pytest.raises(ReportNotFound):
        usecases.track(received(routed("nope"), "e-routed"), reports)


def test_showing_a_report_opens_its_content_and_masks_the_citizen(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    usecases.track(received(routed(), "e-routed"), reports)
    usecases.track(received(delivered(), "e-delivered", at="2026-11-02T03:00:02+00:00"), reports)

    view = usecases.show_report("r-1", reports, KEY)

    assert view["description"] == "Balita belum diimunisasi"
    assert view["citizen"]["nik"] != CITIZEN["nik"]
    assert CITIZEN["nik"] not in str(view) and CITIZEN["phone"] not in str(view)
    assert view["delivery"] == {"state": "delivered", "deliveries": [
        {"channel": "rabbitmq", "opd_code": "33.25/dinkes",
         "delivered_at": "2026-11-02T03:00:02+00:00"}]}
    assert [h["type"] for h in view["history"]] == ["report.received", "report.routed",
                                                    "notification.delivered"]


def test_showing_an_unknown_report_gives_none(reports):
    assert usecases.show_report("nope", reports, KEY) is None


def test_a_report_cannot_be_shown_with_another_key(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    with pytest.raises(sealing.SealError):
        usecases.show_report("r-1", reports, sealing.load_key(sealing.new_key()))
