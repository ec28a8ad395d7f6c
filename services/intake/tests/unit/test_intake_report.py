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


REPORT = dict(report_id="r-1", kind="service_need", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")


def tracked(message, event_id="e-1", at="2026-11-03T03:00:00.000+00:00"):
    return domain.tracking_change(contracts.decode(message.envelope(event_id, at)))


def test_a_new_report_starts_unlinked_unescalated_with_its_visit_and_household():
    report = domain.new_report(submit(visit_id="v-1", household_ref="hh-1"),
                               "2026-11-02T03:00:00.000+00:00")
    assert (report["escalation_level"], report["linked_to"]) == (0, None)
    assert (report["visit_id"], report["household_ref"]) == ("v-1", "hh-1")
    message = contracts.decode(domain.received_event(report)).message
    assert (message.visit_id, message.household_ref) == ("v-1", "hh-1")


def test_a_new_report_has_seen_no_position_of_a_case_yet():
    report = domain.new_report(submit(), "2026-11-02T03:00:00.000+00:00")
    assert report["case_sequence"] is None
    assert "status_at" not in report


def test_a_linked_report_tracks_the_case_it_joined():
    changes, entry, sequence = tracked(contracts.ReportLinked(
        case_id="r-0", linked_at="2026-11-02T03:00:01.000+00:00", **REPORT))
    assert changes == {"status": "linked", "linked_to": "r-0",
                       "closed_at": "2026-11-03T03:00:00.000+00:00"}   # a duplicate ends there
    assert (entry["event_id"], entry["type"], entry["case_id"]) == ("e-1", "report.linked", "r-0")
    assert sequence == 0


def test_a_case_change_sets_the_status_its_deadline_its_holder_and_level():
    changes, entry, sequence = tracked(contracts.CaseChanged(
        action="acknowledge", from_status="routed", to_status="acknowledged",
        actor_role="opd_officer", kabupaten_code="33.25", escalation_level=0,
        changed_at="2026-11-03T03:00:00.000+00:00", sequence=1, opd_code="33.25/dinkes",
        opd_name="Dinas Kesehatan", due_at="2026-11-06T16:59:59.999+00:00", **REPORT))
    assert changes == {"status": "acknowledged", "due_at": "2026-11-06T16:59:59.999+00:00",
                       "assigned_opd": {"code": "33.25/dinkes", "name": "Dinas Kesehatan"},
                       "escalation_level": 0, "closed_at": None}
    assert (entry["type"], entry["action"], entry["status"], entry["actor_role"]) == (
        "case.changed", "acknowledge", "acknowledged", "opd_officer")
    assert sequence == 1


def test_a_case_change_no_opd_holds_clears_the_assigned_opd():
    changes, _, sequence = tracked(contracts.CaseChanged(
        action="reject", from_status="routed", to_status="rejected", actor_role="opd_officer",
        kabupaten_code="33.25", escalation_level=0, changed_at="2026-11-03T03:00:00.000+00:00",
        sequence=2, opd_code=None, due_at=None, **REPORT))
    assert changes == {"status": "rejected", "due_at": None, "assigned_opd": None,
                       "escalation_level": 0, "closed_at": None}   # triage is not an end
    assert sequence == 2


def test_an_escalation_sets_only_the_level():
    changes, entry, sequence = tracked(contracts.CaseEscalated(
        level=2, target="tph", deadline="acknowledge",
        overdue_since="2026-11-05T16:59:59.999+00:00", kabupaten_code="33.25",
        escalated_at="2026-11-10T00:00:00.000+00:00", sequence=3, opd_code="33.25/dinkes",
        **REPORT))
    assert changes == {"escalation_level": 2}
    assert (entry["type"], entry["level"], entry["target"], entry["deadline"]) == (
        "case.escalated", 2, "tph", "acknowledge")
    assert sequence == 3


def test_routing_outcomes_are_placed_by_the_case_history_and_deliveries_outside_it():
    _, _, first = tracked(contracts.ReportRouted(
        opd_code="33.25/dinkes", opd_name="Dinkes", rule_id="r", due_at="d",
        routed_at="2026-11-02T03:00:01.000+00:00", **REPORT))
    _, _, transferred = tracked(contracts.ReportRouted(
        opd_code="33.25/dinsos", opd_name="Dinsos", rule_id="manual:transfer", due_at="d",
        routed_at="2026-11-03T03:00:01.000+00:00", sequence=4, **REPORT))
    _, _, unroutable = tracked(contracts.ReportUnroutable(
        reason="x", tph_region="33.25", routed_at="2026-11-02T03:00:02.000+00:00", **REPORT))
    changes, _, delivered = tracked(contracts.NotificationDelivered(
        notification_id="n-1", report_id="r-1", opd_code="33.25/dinkes", channel="rabbitmq",
        destination="q", cause="e", delivered_at="2026-11-02T03:00:03.000+00:00"))
    assert (first, transferred, unroutable) == (0, 4, 0)
    assert "status" not in changes and delivered is None


def test_a_case_change_entry_keeps_only_the_facts_of_the_move():
    changes, entry, _ = tracked(contracts.CaseChanged(
        action="transfer", from_status="routed", to_status="routed", actor_role="tph",
        kabupaten_code="33.25", escalation_level=0, changed_at="t", sequence=1,
        opd_code="33.25/dinsos", opd_name="Dinas Sosial", **REPORT))
    assert set(entry) == {"event_id", "type", "at", "action", "status", "actor_role"}
    assert changes["assigned_opd"] == {"code": "33.25/dinsos", "name": "Dinas Sosial"}


def moved(action, to_status, at, sequence=3):
    return tracked(contracts.CaseChanged(
        action=action, from_status="resolved", to_status=to_status, actor_role="kader",
        kabupaten_code="33.25", escalation_level=0, changed_at=at, sequence=sequence,
        opd_code="33.25/dinkes", opd_name="Dinas Kesehatan", **REPORT), at=at)


def test_a_case_that_ends_records_when_in_utc_and_under_the_case_position():
    changes, _, sequence = moved("confirm", "closed", "2026-11-05T10:00:00+07:00")
    assert changes["closed_at"] == "2026-11-05T03:00:00.000+00:00"
    assert sequence == 3
    assert domain.guarded(changes)["case_sequence"]["closed_at"] == changes["closed_at"]


def test_a_case_that_moves_on_again_is_no_longer_closed():
    changes, _, _ = moved("reopen", "reopened", "2026-11-05T03:00:00.000Z")
    assert changes["closed_at"] is None


@pytest.mark.parametrize("instant, months, before", [
    ("2026-11-05T03:00:00.000+00:00", 24, "2024-11-05T03:00:00.000+00:00"),
    ("2026-03-31T12:00:00.000+00:00", 1, "2026-02-28T12:00:00.000+00:00"),
    ("2028-03-31T00:00:00.000+00:00", 1, "2028-02-29T00:00:00.000+00:00"),
    ("2026-01-15T00:00:00+07:00", 2, "2025-11-14T17:00:00.000+00:00"),
])
def test_retention_counts_calendar_months_back(instant, months, before):
    assert domain.months_before(instant, months) == before


def test_an_erasure_clears_the_sealed_content_and_every_keyed_hash_and_says_why():
    changes = domain.erasure("2026-11-05T03:00:00.000+00:00", "retention")
    assert changes == {"sealed": None, "citizen_ref": None, "household_ref": None,
                       "body_hash": None,
                       "erased": {"at": "2026-11-05T03:00:00.000+00:00", "reason": "retention"}}


def test_an_erased_report_shows_when_and_nothing_personal_but_keeps_what_spm_counts():
    report = {**domain.new_report(submit(citizen_ref="c" * 64, household_ref="hh-1"),
                                  "2026-11-02T03:00:00.000+00:00"),
              **domain.erasure("2027-01-01T00:00:00.000+00:00", "retention")}
    view = domain.public_view(report, {})
    assert (view["description"], view["citizen"], view["household_ref"]) == (None, None, None)
    assert view["erased_at"] == "2027-01-01T00:00:00.000+00:00"
    assert (view["service_type"], view["desa_code"], view["posyandu_id"], view["status"]) == (
        "kesehatan.balita", "33.25.01.2001", "P332501200101", "received")
    assert "citizen_ref" not in view


def test_a_new_report_keeps_the_citizen_reference_and_is_neither_closed_nor_erased():
    report = domain.new_report(submit(citizen_ref="c" * 64), "2026-11-02T03:00:00.000+00:00")
    assert (report["citizen_ref"], report["closed_at"], report["erased"]) == ("c" * 64, None, None)
    assert domain.public_view(report, {})["erased_at"] is None
    assert "c" * 64 not in str(domain.received_event(report))
