import collections
import copy
import dataclasses
import logging

import pytest
from prometheus_client import REGISTRY

from simpul_common import contracts, sealing
from simpul_intake import usecases
from simpul_intake.domain import report as domain
from simpul_intake.repository import ReportNotFound

KEY = sealing.load_key(sealing.new_key())
CITIZEN = {"name": "Siti Aminah", "nik": "3325014101900001", "phone": "+6281234567890"}
CITIZEN_REF = sealing.keyed_hash(KEY, "nik", CITIZEN["nik"])
RECEIVED_AT = "2026-11-02T03:00:00.000+00:00"


def actor(role, **bound):
    return {"role": role, "id": f"p-{role}", "name": f"Orang {role}", "opd_code": None,
            "posyandu_id": None, "kabupaten_code": None, **bound}


KADER = actor("kader", posyandu_id="P332501200101")
OTHER_KADER = actor("kader", posyandu_id="P332501200102")
DINKES = actor("opd_officer", opd_code="33.25/dinkes")
DINSOS = actor("opd_officer", opd_code="33.25/dinsos")
TPH = actor("tph", kabupaten_code="33.25")
ADMIN = actor("admin")
BATAM_ADMIN = actor("admin", kabupaten_code="21.71")
BATANG_ADMIN = actor("admin", kabupaten_code="33.25")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Intake dates a report with contracts.utc_now(): pinned, so the order of the tracking
    events below (routed just after, etc.) does not depend on the wall clock."""
    now = {"value": RECEIVED_AT}
    monkeypatch.setattr(contracts, "utc_now", lambda: now["value"])
    return now


class FakeReportRepository:
    """In memory, with the semantics of repository.ReportRepository: a tracking event is
    applied once per event id, and with the case's history `sequence` its changes apply only
    when no later position of the case is stored (its history entry is kept either way).
    `calls` counts the calls of each method (each is one round trip or a few)."""

    def __init__(self):
        self.reports = {}
        self.calls = collections.Counter()

    def add(self, report):
        if report["_id"] in self.reports:
            return copy.deepcopy(self.reports[report["_id"]]), False
        self.reports[report["_id"]] = copy.deepcopy(report)
        return report, True

    def add_many(self, reports):
        self.calls["add_many"] += 1
        return [self.add(report) for report in reports]

    def get(self, report_id):
        return copy.deepcopy(self.reports.get(report_id))

    def apply(self, report_id, changes, entry, sequence=None):
        self.calls["apply"] += 1
        report = self.reports.get(report_id)
        if report is None:
            raise ReportNotFound(report_id)
        if any(h["event_id"] == entry["event_id"] for h in report["history"]):
            return False
        if sequence is not None:   # each part applies unless a later position set it
            kept = {}
            for guard, part in domain.guarded(changes).items():
                if report.get(guard) is None or report[guard] <= sequence:
                    kept.update(part, **{guard: sequence})
            changes = kept
        for path, value in changes.items():
            *parents, leaf = path.split(".")
            target = report
            for name in parents:
                target = target[name]
            target[leaf] = value
        report["history"].append(dict(entry))
        return True

    def apply_in_order(self, changes):
        """Each change applies whole (one conditional update) or not at all."""
        self.calls["apply_in_order"] += 1
        return sum(self._in_order(*change) for change in changes)

    def _in_order(self, report_id, changes, entry, sequence):
        report = self.reports.get(report_id)
        if report is None or any(h["event_id"] == entry["event_id"] for h in report["history"]):
            return False
        if sequence is not None and any(report.get(guard) is not None and report[guard] > sequence
                                        for guard in domain.guarded(changes)):
            return False
        self.calls["apply"] -= 1
        return self.apply(report_id, changes, entry, sequence)

    def event_ids(self, report_ids):
        self.calls["event_ids"] += 1
        return {report_id: {h["event_id"] for h in self.reports[report_id]["history"]}
                for report_id in set(report_ids) if report_id in self.reports}

    def of_citizen(self, citizen_ref):
        return [copy.deepcopy(r) for r in self.reports.values() if r.get("citizen_ref") == citizen_ref]

    def erase(self, report_ids, erasure):
        return self._erase([r for r in self.reports.values() if r["_id"] in report_ids], erasure)

    def erase_closed_before(self, instant, erasure):
        return self._erase([r for r in self.reports.values()
                            if r.get("closed_at") is not None and r["closed_at"] < instant], erasure)

    def _erase(self, found, erasure):
        found = [r for r in found if r.get("erased") is None]
        for report in found:
            report.update(copy.deepcopy(erasure))
        return len(found)


class FakeAuditLog:
    def __init__(self):
        self.entries = []

    def record(self, actor, action, target_type, target_id, **details):
        self.entries.append({"actor": (actor or {"id": "system"})["id"], "action": action,
                             "target": (target_type, target_id), "details": details})


def submit(report_id="r-1", body_hash="h1", description="Balita belum diimunisasi",
           desa_code="33.25.01.2001", posyandu_id="P332501200101"):
    sealed = sealing.seal(KEY, {"description": description, "citizen": CITIZEN}, report_id)
    return contracts.SubmitReport(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        desa_code=desa_code, posyandu_id=posyandu_id, sealed=sealed,
        body_hash=body_hash, submitted_at="2026-11-02T02:59:00+00:00", citizen_ref=CITIZEN_REF,
        household_ref="hh-1")


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


@pytest.fixture
def audit():
    return FakeAuditLog()


def show(reports, who=TPH, key=KEY, audit=None):
    return usecases.show_report("r-1", who, reports, audit or FakeAuditLog(), key)


def test_a_submission_is_stored_and_announced(reports):
    published = []
    usecases.accept_submission(submit(), reports, published.append)

    assert reports.get("r-1")["status"] == "received"
    assert [e["type"] for e in published] == ["report.received"]
    assert published[0]["data"]["report_id"] == "r-1"


def test_a_repeated_submission_keeps_the_first_report_and_reannounces_it(reports, clock):
    published = []
    first = usecases.accept_submission(submit(), reports, published.append)
    clock["value"] = "2026-11-02T03:05:00.000+00:00"
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


def test_showing_a_report_seals_its_description_for_the_reader_and_masks_the_citizen(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    usecases.track(received(routed(), "e-routed"), reports)
    usecases.track(received(delivered(), "e-delivered", at="2026-11-02T03:00:02+00:00"), reports)

    view = show(reports)

    assert view["description"] is None and "Balita belum" not in str(view)
    assert opened(view, "description") == {"text": "Balita belum diimunisasi"}
    assert view["citizen"]["nik"] != CITIZEN["nik"]
    assert CITIZEN["nik"] not in str(view) and CITIZEN["phone"] not in str(view)
    assert view["delivery"] == {"state": "delivered", "deliveries": [
        {"channel": "rabbitmq", "opd_code": "33.25/dinkes",
         "delivered_at": "2026-11-02T03:00:02+00:00"}]}
    assert [h["type"] for h in view["history"]] == ["report.received", "report.routed",
                                                    "notification.delivered"]


def test_showing_an_unknown_report_gives_none(reports):
    assert usecases.show_report("nope", ADMIN, reports, FakeAuditLog(), KEY) is None


def test_a_report_cannot_be_shown_with_another_key(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    with pytest.raises(sealing.SealError):
        show(reports, key=sealing.load_key(sealing.new_key()))


# --- the case lifecycle, as the report follows it ---------------------------------------------

REPORT = dict(report_id="r-1", kind="service_need", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")


OPD_NAMES = {"33.25/dinkes": "Dinas Kesehatan Kabupaten Batang",
             "33.25/dinsos": "Dinas Sosial Kabupaten Batang"}


def changed(action, from_status, to_status, at, seq, due_at=None, level=0, opd="33.25/dinkes",
            role="opd_officer"):
    return contracts.CaseChanged(
        action=action, from_status=from_status, to_status=to_status, actor_role=role,
        kabupaten_code="33.25", escalation_level=level, changed_at=at, sequence=seq,
        opd_code=opd, opd_name=OPD_NAMES.get(opd), due_at=due_at, **REPORT)


def escalated(level, at, seq, target=None):
    return contracts.CaseEscalated(
        level=level, target=target or contracts.ESCALATION_TARGETS[level], deadline="resolve",
        overdue_since="2026-11-09T16:59:59.999+00:00", kabupaten_code="33.25", escalated_at=at,
        sequence=seq, opd_code="33.25/dinkes", **REPORT)


def linked_to(case_id="r-0", at="2026-11-02T03:00:01.000+00:00"):
    return contracts.ReportLinked(case_id=case_id, linked_at=at, **REPORT)


def routed_at(at, seq=0, opd="33.25/dinkes", rule="kab-kes"):
    return contracts.ReportRouted(opd_code=opd, opd_name=OPD_NAMES[opd], rule_id=rule,
                                  due_at="2026-11-09T16:59:59.999+00:00", routed_at=at,
                                  unit_code=None, sequence=seq, **REPORT)


def track_all(reports, *events):
    return [usecases.track(received(message, event_id, at="2026-11-02T03:00:01.000+00:00"),
                           reports)
            for event_id, message in events]


def test_a_report_joined_to_an_open_case_shows_as_linked_to_it(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)

    assert track_all(reports, ("e-linked", linked_to("r-0"))) == [True]

    report = reports.get("r-1")
    assert (report["status"], report["linked_to"]) == ("linked", "r-0")
    assert report["assigned_opd"] is None
    assert report["history"][-1]["case_id"] == "r-0"
    view = show(reports)
    assert (view["status"], view["linked_to"]) == ("linked", "r-0")


def test_each_move_of_the_case_shows_on_the_report(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                "2026-11-03T03:00:00.000+00:00", 1,
                                due_at="2026-11-09T16:59:59.999+00:00")),
              ("e-resolve", changed("resolve", "acknowledged", "resolved",
                                    "2026-11-04T03:00:00.000+00:00", 2,
                                    due_at="2026-11-18T16:59:59.999+00:00")))

    report = reports.get("r-1")
    assert report["status"] == "resolved"
    assert report["due_at"] == "2026-11-18T16:59:59.999+00:00"
    assert report["case_sequence"] == 2
    assert report["assigned_opd"] == {"code": "33.25/dinkes",
                                      "name": "Dinas Kesehatan Kabupaten Batang"}
    assert [(h["type"], h.get("action"), h.get("status")) for h in report["history"][1:]] == [
        ("report.routed", None, None), ("case.changed", "acknowledge", "acknowledged"),
        ("case.changed", "resolve", "resolved")]
    assert report["history"][-1]["actor_role"] == "opd_officer"


def test_a_case_back_in_triage_shows_no_assigned_opd(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-reject", changed("reject", "routed", "rejected",
                                   "2026-11-03T03:00:00.000+00:00", 1, opd=None)))

    report = reports.get("r-1")
    assert (report["status"], report["assigned_opd"], report["due_at"]) == (
        "rejected", None, None)


def test_an_escalation_raises_the_level_and_keeps_the_status(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-esc-1", escalated(1, "2026-11-06T00:00:00.000+00:00", 1)))

    report = reports.get("r-1")
    assert (report["status"], report["escalation_level"]) == ("routed", 1)
    assert report["assigned_opd"]["code"] == "33.25/dinkes"
    last = report["history"][-1]
    assert (last["type"], last["level"], last["target"], last["deadline"]) == (
        "case.escalated", 1, "opd_head", "resolve")
    assert show(reports)["escalation_level"] == 1


def test_a_move_after_an_escalation_sets_the_level_it_announces(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-esc-1", escalated(1, "2026-11-06T00:00:00.000+00:00", 1)),
              ("e-transfer", changed("transfer", "routed", "routed", "2026-11-06T03:00:00.000+00:00",
                                     2, level=0, opd="33.25/dinsos")))
    report = reports.get("r-1")
    assert report["escalation_level"] == 0
    assert report["assigned_opd"]["code"] == "33.25/dinsos"


def test_an_older_status_arriving_late_does_not_set_the_report_back(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    results = track_all(
        reports,
        ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
        ("e-start", changed("start", "acknowledged", "in_progress", "2026-11-04T03:00:00.000+00:00",
                            2, due_at="2026-11-09T16:59:59.999+00:00")),
        ("e-ack", changed("acknowledge", "routed", "acknowledged", "2026-11-03T03:00:00.000+00:00",
                          1, due_at="2026-11-05T00:00:00.000+00:00")))

    assert results == [True, True, True]       # each event is taken, once
    report = reports.get("r-1")
    assert report["status"] == "in_progress"
    assert report["due_at"] == "2026-11-09T16:59:59.999+00:00"
    assert report["case_sequence"] == 2
    assert [h["event_id"] for h in report["history"][1:]] == ["e-routed", "e-start", "e-ack"]
    assert track_all(reports, ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                                "2026-11-03T03:00:00.000+00:00", 1))) == [False]


def test_the_later_position_wins_whatever_the_clocks_say(reports):
    """Ordering is by the case's history, not by timestamps: a move later in the history
    stamped earlier by a skewed clock still replaces the earlier one."""
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                "2026-11-03T03:00:00.000+00:00", 1)),
              ("e-start", changed("start", "acknowledged", "in_progress",
                                  "2026-11-02T23:59:59.000+00:00", 2)))
    assert reports.get("r-1")["status"] == "in_progress"


def test_the_routed_event_re_announced_on_redelivery_does_not_undo_later_moves(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-transfer", changed("transfer", "routed", "routed", "2026-11-03T03:00:00.000+00:00",
                                     1, opd="33.25/dinsos")),
              ("e-routed-2", routed_at("2026-11-03T03:00:00.000+00:00", seq=1, opd="33.25/dinsos",
                                       rule="manual:transfer")),
              ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                "2026-11-04T03:00:00.000+00:00", 2, opd="33.25/dinsos")))

    assert usecases.track(received(routed_at("2026-11-02T03:00:01.000+00:00"), "e-routed"),
                          reports) is False
    report = reports.get("r-1")
    assert report["status"] == "acknowledged"
    assert report["assigned_opd"]["code"] == "33.25/dinsos"


def test_the_first_routing_arriving_after_a_later_move_does_not_undo_it(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                "2026-11-03T03:00:00.000+00:00", 1)),
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")))
    report = reports.get("r-1")
    assert (report["status"], report["case_sequence"]) == ("acknowledged", 1)
    assert [h["event_id"] for h in report["history"][1:]] == ["e-ack", "e-routed"]


def test_a_delivery_does_not_count_as_a_status(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                "2026-11-03T03:00:00.000+00:00", 1)),
              ("e-delivered", delivered()))
    report = reports.get("r-1")
    assert report["case_sequence"] == 1
    assert (report["status"], report["delivery"]["state"]) == ("acknowledged", "delivered")


def test_a_status_change_delivered_after_a_later_escalation_still_applies(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-esc-1", escalated(1, "2026-11-10T00:00:00.000+00:00", 2)),
              ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                "2026-11-03T03:00:00.000+00:00", 1)))
    report = reports.get("r-1")
    assert report["status"] == "acknowledged"
    assert report["escalation_level"] == 1     # the later escalation's level stays


def test_a_late_transfer_routing_still_names_the_new_opd(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports,
              ("e-routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("e-transfer", changed("transfer", "routed", "routed", "2026-11-03T03:00:00.000+00:00",
                                     1, opd="33.25/dinsos")),
              ("e-ack", changed("acknowledge", "routed", "acknowledged",
                                "2026-11-04T03:00:00.000+00:00", 2, opd="33.25/dinsos")),
              ("e-routed-2", routed_at("2026-11-03T03:00:00.000+00:00", seq=1, opd="33.25/dinsos",
                                       rule="manual:transfer")))
    report = reports.get("r-1")
    assert report["status"] == "acknowledged"
    assert report["assigned_opd"] == {"code": "33.25/dinsos",
                                      "name": "Dinas Sosial Kabupaten Batang"}


def test_a_routing_decision_dated_before_receipt_by_a_skewed_clock_still_applies(reports, clock):
    """Intake dates the receipt by its own clock, routing its decision by another host's:
    the decision applies whatever the two clocks say."""
    clock["value"] = "2026-11-02T03:00:00.000+00:00"
    usecases.accept_submission(submit(), reports, lambda e: None)
    track_all(reports, ("e-routed", routed_at("2026-11-02T02:59:59.990+00:00")))
    report = reports.get("r-1")
    assert (report["status"], report["case_sequence"]) == ("routed", 0)
    assert report["assigned_opd"]["code"] == "33.25/dinkes"


# --- who sees what, and the audit of it (docs/privacy.md) -------------------------------------

def opened(view, part="citizen"):
    token = view[f"sealed_{part}"]
    return sealing.open_sealed(KEY, token, sealing.reveal_context(view["id"], part))


def routed_report(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    usecases.track(received(routed(), "e-routed"), reports)


@pytest.mark.parametrize("who", [KADER, DINKES])
def test_the_kader_of_the_posyandu_and_the_opd_it_went_to_get_the_full_citizen_sealed(
        reports, audit, who):
    routed_report(reports)
    view = show(reports, who, audit=audit)

    assert view["citizen"]["nik"] != CITIZEN["nik"], "the citizen in clear stays masked"
    assert CITIZEN["nik"] not in str(view) and "81234567890" not in str(view)
    assert opened(view) == CITIZEN
    assert audit.entries == [{"actor": who["id"], "action": "report.read",
                              "target": ("report", "r-1"), "details": {"revealed": True}}]


@pytest.mark.parametrize("who", [TPH, ADMIN, BATANG_ADMIN])
def test_others_who_see_the_report_see_the_citizen_masked_only(reports, audit, who):
    routed_report(reports)
    view = show(reports, who, audit=audit)

    assert view["citizen"]["nik"].startswith("3325") and "sealed_citizen" not in view
    assert audit.entries[0]["details"] == {"revealed": False}


@pytest.mark.parametrize("who", [OTHER_KADER, DINSOS, BATAM_ADMIN, actor("viewer"),
                                 actor("tph", kabupaten_code="21.71"), None, {}])
def test_whoever_may_not_see_the_report_gets_none_as_for_a_missing_one_and_nothing_is_audited(
        reports, audit, who):
    routed_report(reports)
    assert show(reports, who, audit=audit) is None
    assert audit.entries == []


def test_a_report_no_opd_holds_yet_is_revealed_to_its_kader_only(reports, audit):
    usecases.accept_submission(submit(), reports, lambda e: None)
    assert show(reports, DINKES, audit=audit) is None
    assert "sealed_citizen" in show(reports, KADER, audit=audit)


# --- retention --------------------------------------------------------------------------------

def closed(reports, report_id, at, seq=1):
    usecases.accept_submission(submit(report_id), reports, lambda e: None)
    message = contracts.CaseChanged(
        action="confirm", from_status="resolved", to_status="closed", actor_role="kader",
        kabupaten_code="33.25", escalation_level=0, changed_at=at, sequence=seq,
        opd_code="33.25/dinkes", opd_name="Dinkes", **{**REPORT, "report_id": report_id})
    usecases.track(received(message, f"e-close-{report_id}", at=at), reports)


def test_retention_erases_only_the_reports_closed_more_than_the_months_ago(reports, audit):
    closed(reports, "old", "2024-11-01T00:00:00.000+00:00")
    closed(reports, "recent", "2025-06-01T00:00:00.000+00:00")
    usecases.accept_submission(submit("open"), reports, lambda e: None)

    done = usecases.apply_retention(24, reports, audit, "2026-11-02T03:00:00.000+00:00")

    assert done == {"erased": 1, "months": 24, "closed_before": "2024-11-02T03:00:00.000+00:00"}
    old = reports.get("old")
    assert old["erased"] == {"at": "2026-11-02T03:00:00.000+00:00", "reason": "retention"}
    assert (old["sealed"], old["citizen_ref"], old["household_ref"]) == (None, None, None)
    assert (old["status"], old["service_type"], old["desa_code"]) == (
        "closed", "kesehatan.balita", "33.25.01.2001")
    assert reports.get("recent")["erased"] is None and reports.get("open")["erased"] is None
    assert audit.entries == [{"actor": "system", "action": "retention.erase",
                              "target": ("report", None), "details": {"count": 1, "months": 24}}]
    view = usecases.show_report("old", KADER, reports, audit, KEY)
    assert (view["description"], view["citizen"]) == (None, None)
    assert view["erased_at"] == "2026-11-02T03:00:00.000+00:00"
    assert not {"sealed_citizen", "sealed_description"} & set(view)


def test_retention_set_to_zero_keeps_everything_and_a_sweep_with_nothing_due_leaves_no_entry(
        reports, audit):
    closed(reports, "old", "2020-01-01T00:00:00.000+00:00")
    assert usecases.apply_retention(0, reports, audit, RECEIVED_AT)["erased"] == 0
    assert reports.get("old")["erased"] is None
    usecases.apply_retention(24, reports, audit, RECEIVED_AT)
    assert usecases.apply_retention(24, reports, audit, RECEIVED_AT)["erased"] == 0
    assert len(audit.entries) == 1


def test_retention_refuses_an_instant_it_cannot_read(reports, audit):
    assert usecases.apply_retention(24, reports, audit, "kemarin")["status"] == 422
    assert usecases.apply_retention(24, reports, audit, "2026-11-02T03:00:00")["status"] == 422


def test_a_submission_redelivered_after_erasure_does_not_warn_of_a_reused_key(reports, caplog):
    closed(reports, "old", "2020-01-01T00:00:00.000+00:00")
    usecases.apply_retention(24, reports, FakeAuditLog(), RECEIVED_AT)
    with caplog.at_level(logging.WARNING):
        usecases.accept_submission(submit("old"), reports, lambda e: None)
    assert "idempotency key reused" not in caplog.text


# --- a citizen's export and erasure -----------------------------------------------------------

def citizens_reports(reports):
    usecases.accept_submission(submit("batang-1"), reports, lambda e: None)
    usecases.accept_submission(submit("batang-2"), reports, lambda e: None)
    usecases.accept_submission(submit("batam-1", desa_code="21.71.01.1002",
                                      posyandu_id="P217101100201"), reports, lambda e: None)


def test_an_export_hands_an_admin_every_report_of_the_citizen_sealed(reports, audit):
    citizens_reports(reports)
    export = usecases.export_citizen(CITIZEN_REF, ADMIN, reports, audit, KEY)

    assert export["total"] == 3
    assert CITIZEN["nik"] not in str(export) and "Balita belum" not in str(export)
    first = export["items"][0]
    assert (opened(first), opened(first, "description")) == (
        CITIZEN, {"text": "Balita belum diimunisasi"})
    assert first["description"] is None and first["citizen"]["nik"].startswith("3325")
    assert audit.entries == [{"actor": ADMIN["id"], "action": "citizen.export",
                              "target": ("citizen", CITIZEN_REF),
                              "details": {"count": 3, "report_ids": ["batang-1", "batang-2",
                                                                     "batam-1"]}}]


def test_an_admin_bound_to_a_kabupaten_exports_and_erases_only_its_reports(reports, audit):
    citizens_reports(reports)
    export = usecases.export_citizen(CITIZEN_REF, BATANG_ADMIN, reports, audit, KEY)
    assert [item["id"] for item in export["items"]] == ["batang-1", "batang-2"]

    done = usecases.erase_citizen(CITIZEN_REF, BATAM_ADMIN, "Permintaan warga tertulis",
                                  reports, audit, RECEIVED_AT)
    assert done == {"erased": 1, "report_ids": ["batam-1"]}
    assert reports.get("batam-1")["erased"]["reason"] == "request: Permintaan warga tertulis"
    assert reports.get("batang-1")["erased"] is None


def test_an_erasure_takes_open_reports_too_and_audits_it(reports, audit):
    citizens_reports(reports)
    done = usecases.erase_citizen(CITIZEN_REF, ADMIN, "  " + "x" * 300, reports, audit,
                                  RECEIVED_AT)

    assert done["erased"] == 3
    assert all(r["erased"]["reason"] == "request: " + "x" * 200 for r in reports.reports.values())
    assert all(r["citizen_ref"] is None for r in reports.reports.values())
    assert audit.entries[0]["action"] == "citizen.erase"
    assert audit.entries[0]["details"]["count"] == 3
    assert usecases.export_citizen(CITIZEN_REF, ADMIN, reports, audit, KEY)["total"] == 0


@pytest.mark.parametrize("who", [KADER, DINKES, TPH, actor("viewer"), None])
def test_only_an_admin_may_export_or_erase(reports, audit, who):
    citizens_reports(reports)
    assert usecases.export_citizen(CITIZEN_REF, who, reports, audit, KEY)["status"] == 403
    assert usecases.erase_citizen(CITIZEN_REF, who, "alasan cukup", reports, audit,
                                  RECEIVED_AT)["status"] == 403
    assert audit.entries == [] and all(r["erased"] is None for r in reports.reports.values())


def test_an_erasure_needs_a_reason(reports, audit):
    citizens_reports(reports)
    refused = usecases.erase_citizen(CITIZEN_REF, ADMIN, " no ", reports, audit, RECEIVED_AT)
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "reason"


# --- batches: one bulk write for the usual case, the single path for the rest -----------------

LATER = "2026-11-02T03:05:00.000+00:00"


def received_in(kabupaten):
    return REGISTRY.get_sample_value("simpul_reports_received_total", {"kabupaten": kabupaten}) or 0


def test_a_batch_stores_its_new_reports_at_once_and_announces_each_as_stored(
        reports, clock, caplog):
    usecases.accept_submission(submit("r-old"), reports, lambda e: None)
    clock["value"] = LATER
    published, counted = [], received_in("33.25")
    with caplog.at_level(logging.WARNING):
        stored = usecases.accept_submissions(
            [submit("r-1"), submit("r-old", body_hash="h2"), submit("r-2"), submit("r-1")],
            reports, published.append)

    assert reports.calls["add_many"] == 2             # one for the batch, after the one above
    assert sorted(reports.reports) == ["r-1", "r-2", "r-old"]
    assert [e["data"]["report_id"] for e in published] == ["r-1", "r-old", "r-2", "r-1"]
    assert published[3] == published[0], "a repeat within the batch: the same announcement"
    assert published[1]["data"]["received_at"] == RECEIVED_AT == stored[1]["received_at"]
    assert stored[1]["body_hash"] == "h1"
    assert received_in("33.25") - counted == 2        # r-1 and r-2, once each
    assert caplog.text.count("idempotency key reused") == 1


def enveloped(*events):
    return [received(message, event_id, at="2026-11-02T03:00:01.000+00:00")
            for event_id, message in events]


def case_events(report_id):
    """A case's events as intake hears them: routed, acknowledged, escalated, delivered."""
    events = [("routed", routed_at("2026-11-02T03:00:01.000+00:00")),
              ("ack", changed("acknowledge", "routed", "acknowledged",
                              "2026-11-03T03:00:00.000+00:00", 1,
                              due_at="2026-11-09T16:59:59.999+00:00")),
              ("esc", escalated(1, "2026-11-10T00:00:00.000+00:00", 2)),
              ("delivered", delivered())]
    return [(f"{report_id}-{name}", dataclasses.replace(message, report_id=report_id))
            for name, message in events]


def stored_state(reports, report_id):
    """The report as tracking left it, its history as a set: batches may order it otherwise."""
    report = reports.get(report_id)
    return {**report, "sealed": None, "history": sorted(h["event_id"] for h in report["history"])}


def test_a_batch_of_events_in_order_is_applied_in_one_bulk_write(reports):
    for report_id in ("r-1", "r-2"):
        usecases.accept_submission(submit(report_id), reports, lambda e: None)
    events = [e for pair in zip(case_events("r-1"), case_events("r-2")) for e in pair]

    usecases.track_many(enveloped(*events), reports)

    assert (reports.calls["apply_in_order"], reports.calls["apply"],
            reports.calls["event_ids"]) == (1, 0, 0)
    for report_id in ("r-1", "r-2"):
        report = reports.get(report_id)
        assert (report["status"], report["escalation_level"]) == ("acknowledged", 1)
        assert (report["case_sequence"], report["level_sequence"]) == (1, 2)
        assert report["delivery"]["state"] == "delivered"
        assert [h["event_id"] for h in report["history"][1:]] == [
            f"{report_id}-routed", f"{report_id}-ack", f"{report_id}-esc", f"{report_id}-delivered"]


def test_a_batch_out_of_order_and_redelivered_applies_each_event_once_as_one_by_one(reports):
    """Reversed, each twice, one applied before the batch: the acknowledgement (older than
    the escalation already applied) and nothing else goes the single way."""
    alone = FakeReportRepository()
    for repo in (reports, alone):
        usecases.accept_submission(submit(), repo, lambda e: None)
    events = case_events("r-1")
    usecases.track_many(enveloped(events[0]), reports)
    for message in enveloped(*events):
        usecases.track(message, alone)
    reports.calls.clear()

    usecases.track_many(enveloped(*reversed(events * 2)), reports)

    assert stored_state(reports, "r-1") == stored_state(alone, "r-1")
    assert len(reports.get("r-1")["history"]) == 5, "one entry per event"
    assert (reports.calls["apply_in_order"], reports.calls["event_ids"],
            reports.calls["apply"]) == (1, 1, 1)
    report = reports.get("r-1")
    assert (report["status"], report["escalation_level"]) == ("acknowledged", 1)


def test_an_event_of_a_missing_report_fails_the_batch_and_alone_only_itself(reports):
    usecases.accept_submission(submit(), reports, lambda e: None)
    batch = enveloped(("e-routed", routed()), ("e-lost", routed("nope")),
                      ("e-delivered", delivered()))

    with pytest.raises(ReportNotFound):
        usecases.track_many(batch, reports)
    outcomes = []
    for message in batch:     # what the consumer does next: each message alone
        try:
            usecases.track_many([message], reports)
            outcomes.append("ok")
        except ReportNotFound:
            outcomes.append("not found")

    assert outcomes == ["ok", "not found", "ok"]
    report = reports.get("r-1")
    assert [h["event_id"] for h in report["history"][1:]] == ["e-routed", "e-delivered"]
    assert (report["status"], report["delivery"]["state"]) == ("routed", "delivered")
