import pytest

from simpul_common import contracts
from simpul_intake.domain import report as domain


def submit(**overrides):
    fields = dict(report_id="r-1", kind="service_need", service_type="kesehatan.balita",
                  desa_code="33.25.01.2001", posyandu_id="P332501200101", sealed="token",
                  body_hash="h1", submitted_at="2026-11-02T02:59:00+00:00")
    return contracts.SubmitReport(**{**fields, **overrides})


def test_a_new_report_is_received_with_its_spm_area_and_nothing_assigned():
    report = domain.new_report(submit(), "2026-11-02T03:00:00+00:00")
    assert report["_id"] == "r-1"
    assert report["status"] == "received"
    assert report["spm_area"] == "kesehatan"
    assert report["assigned_opd"] is None and report["due_at"] is None
    assert [h["type"] for h in report["history"]] == ["report.received"]


def test_the_received_event_has_the_same_id_however_often_it_is_built():
    first = domain.received_event(domain.new_report(submit(), "2026-11-02T03:00:00+00:00"))
    again = domain.received_event(domain.new_report(submit(), "2026-11-02T03:05:00+00:00"))
    assert first["id"] == again["id"]


def test_the_received_event_follows_the_contract_and_leaves_the_sealed_content_out():
    report = domain.new_report(submit(), "2026-11-02T03:00:00+00:00")
    received = contracts.decode(domain.received_event(report))
    assert isinstance(received.message, contracts.ReportReceived)
    assert received.message.received_at == "2026-11-02T03:00:00+00:00"
    assert "token" not in str(domain.received_event(report))


def test_tracking_a_received_event_is_refused():
    report = domain.new_report(submit(), "t")
    with pytest.raises(ValueError):
        domain.tracking_change(contracts.decode(domain.received_event(report)))


def test_mask_citizen_keeps_only_the_ends_of_nik_and_phone():
    masked = domain.mask_citizen({"nik": "3325014101900001", "phone": "+6281234567890",
                                  "name": "Siti Aminah", "birth_date": "1990-01-01",
                                  "household_id": None})
    assert masked == {"nik": "3325**********01", "phone": "+628*******890",
                      "name": "S*** A***", "birth_date": "***"}


@pytest.mark.parametrize("citizen", [None, {}])
def test_no_citizen_shows_as_none(citizen):
    assert domain.mask_citizen(citizen) is None
