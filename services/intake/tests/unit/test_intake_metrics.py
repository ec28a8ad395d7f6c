"""Intake counts a report once, when it stores it (simpul_reports_received_total)."""
from prometheus_client import REGISTRY

from simpul_common import contracts
from simpul_intake import usecases


class Reports:
    def __init__(self):
        self.stored = {}

    def add(self, report):
        if report["_id"] in self.stored:
            return self.stored[report["_id"]], False
        self.stored[report["_id"]] = report
        return report, True

    def add_many(self, reports):
        return [self.add(report) for report in reports]


def received_in(kabupaten):
    return REGISTRY.get_sample_value("simpul_reports_received_total", {"kabupaten": kabupaten}) or 0


def test_a_report_counts_once_in_its_kabupaten_however_often_it_is_sent():
    cmd = contracts.SubmitReport(
        report_id="r-metrics-1", kind="complaint", service_type="kesehatan.balita",
        desa_code="33.25.01.2001", posyandu_id="P332501200101", sealed="token", body_hash="h1",
        submitted_at="2026-11-02T03:00:00.000+00:00")
    reports, published, before = Reports(), [], received_in("33.25")

    for _ in range(3):
        usecases.accept_submission(cmd, reports, published.append)

    assert received_in("33.25") == before + 1
    assert len(published) == 3
