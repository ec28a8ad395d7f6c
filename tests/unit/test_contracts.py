import dataclasses
import json

import pytest

from simpul_common import contracts


def routed(**overrides):
    fields = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
                  spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
                  opd_code="33.25/dinkes", opd_name="Dinas Kesehatan Kabupaten Batang",
                  rule_id="demo:33.25.01:kesehatan.*", due_at="2026-11-09T16:59:59+00:00",
                  routed_at="2026-11-02T03:00:00+00:00", unit_code="puskesmas-33.25.01")
    return contracts.ReportRouted(**{**fields, **overrides})


def test_stable_id_is_the_same_for_the_same_parts():
    assert contracts.stable_id("r-1", "report.routed") == contracts.stable_id("r-1", "report.routed")


def test_stable_id_differs_when_any_part_differs():
    ids = {contracts.stable_id("r-1", "report.routed"), contracts.stable_id("r-2", "report.routed"),
           contracts.stable_id("r-1", "report.unroutable"), contracts.stable_id("r-1report.routed")}
    assert len(ids) == 4


def test_an_envelope_survives_json_and_decodes_to_an_equal_message():
    event = routed()
    envelope = json.loads(json.dumps(event.envelope("id-1", "2026-11-02T03:00:00+00:00")))

    received = contracts.decode(envelope)

    assert received == contracts.Received(id="id-1", occurred_at="2026-11-02T03:00:00+00:00",
                                          message=event)


def test_envelope_carries_type_and_contract_version():
    envelope = routed().envelope("id-1")
    assert envelope["type"] == "report.routed"
    assert envelope["version"] == contracts.CONTRACT_VERSION
    assert envelope["occurred_at"]


def test_optional_fields_may_be_left_out_of_the_data():
    data = dataclasses.asdict(routed())
    del data["unit_code"]
    received = contracts.decode({"type": "report.routed", "version": 1, "id": "x",
                                 "occurred_at": "t", "data": data})
    assert received.message.unit_code is None


def test_every_message_type_decodes_from_its_own_envelope():
    assert set(contracts.MESSAGES) == {"report.submit", "report.received", "report.routed",
                                       "report.unroutable", "report.linked", "case.changed",
                                       "case.escalated", "case.due_soon",
                                       "notification.delivered", "registry.changed"}
    for cls in contracts.MESSAGES.values():
        data = {f.name: "x" for f in dataclasses.fields(cls)}
        message = cls(**data)
        assert contracts.decode(message.envelope("id")).message == message


def good_envelope():
    return routed().envelope("id-1", "2026-11-02T03:00:00+00:00")


@pytest.mark.parametrize("change", [
    {"type": "report.deleted"},
    {"type": None},
    {"version": 2},
    {"version": "1"},
    {"version": None},
    {"data": {**dataclasses.asdict(routed()), "nik": "3325014101900001"}},
    {"data": {k: v for k, v in dataclasses.asdict(routed()).items() if k != "opd_code"}},
    {"data": None},
    {"data": "report"},
])
def test_decode_rejects_what_the_contract_does_not_allow(change):
    with pytest.raises(contracts.ContractError):
        contracts.decode({**good_envelope(), **change})


@pytest.mark.parametrize("envelope", [None, [], "report.routed", 42])
def test_decode_rejects_an_envelope_that_is_not_an_object(envelope):
    with pytest.raises(contracts.ContractError):
        contracts.decode(envelope)


@pytest.mark.parametrize("change", [{"data": 5}, {"data": True}, {"type": ["report.routed"]},
                                    {"type": {"name": "report.routed"}}])
def test_decode_rejects_malformed_json_values_as_contract_errors(change):
    with pytest.raises(contracts.ContractError):
        contracts.decode({**good_envelope(), **change})


def test_decode_rejects_an_envelope_without_an_id():
    envelope = good_envelope()
    del envelope["id"]
    with pytest.raises(contracts.ContractError):
        contracts.decode(envelope)


def test_every_queue_listens_to_known_message_types_only():
    for queue, types in contracts.QUEUES.items():
        assert types, queue
        assert set(types) <= set(contracts.MESSAGES), queue


def test_every_message_type_has_a_queue_that_receives_it_except_registry_changes():
    bound = {t for types in contracts.QUEUES.values() for t in types}
    assert set(contracts.MESSAGES) - bound == {contracts.RegistryChanged.type}


def test_commands_are_received_by_exactly_one_queue():
    for command in contracts.COMMANDS:
        assert [q for q, types in contracts.QUEUES.items() if command in types] == ["intake.submissions"]


def test_routed_reports_reach_intake_notification_and_reporting():
    receivers = {q for q, types in contracts.QUEUES.items() if contracts.ReportRouted.type in types}
    assert receivers == {"intake.tracking", "notification.cases", "reporting.facts"}


def test_opd_queue_and_routing_key_names():
    assert contracts.opd_queue_name("33.25/dinkes") == "simpul.opd.33.25.dinkes"
    assert contracts.opd_routing_key("33.25/dinkes", "case.routed") == "33.25.dinkes.case.routed"


def test_opd_case_notice_carries_the_case_and_no_personal_data():
    notice = contracts.opd_case_notice(routed(), "n-1", "https://simpul.example/r-1", "t")

    assert notice["contract"] == contracts.OPD_CONTRACT
    assert notice["type"] == "case.routed"
    assert notice["notification_id"] == "n-1"
    assert notice["case"]["opd_code"] == "33.25/dinkes"
    assert notice["case"]["unit_code"] == "puskesmas-33.25.01"
    assert notice["case"]["url"] == "https://simpul.example/r-1"
    assert not {"nik", "phone", "name", "citizen", "description", "sealed"} & set(notice["case"])


REPORT_FIELDS = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
                     spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")


def test_case_due_soon_goes_to_notification_only():
    receivers = {q for q, types in contracts.QUEUES.items() if contracts.CaseDueSoon.type in types}
    assert receivers == {"notification.cases"}


def test_opd_case_notice_of_a_due_soon_case_carries_the_reminder():
    event = contracts.CaseDueSoon(deadline="acknowledge", due="2026-11-05T16:59:59.999+00:00",
                                  kabupaten_code="33.25", warned_at="2026-11-04T17:00:00.000+00:00",
                                  sequence=1, opd_code="33.25/dinkes", **REPORT_FIELDS)
    notice = contracts.opd_case_notice(event, "n-1", "https://simpul.example/r-1", "t")
    assert notice["type"] == "case.due_soon"
    assert notice["reminder"] == {"deadline": "acknowledge", "due": "2026-11-05T16:59:59.999+00:00",
                                  "warned_at": "2026-11-04T17:00:00.000+00:00"}
    assert notice["case"]["opd_code"] == "33.25/dinkes"
    assert "escalation" not in notice and "change" not in notice


def test_opd_case_notice_of_a_reopened_case_carries_the_change_and_new_deadline():
    event = contracts.CaseChanged(action="reopen", from_status="resolved", to_status="reopened",
                                  actor_role="kader", kabupaten_code="33.25", escalation_level=0,
                                  changed_at="2026-11-10T03:00:00.000+00:00", sequence=4,
                                  opd_code="33.25/dinkes", opd_name="Dinas Kesehatan",
                                  due_at="2026-11-17T16:59:59.999+00:00", **REPORT_FIELDS)
    notice = contracts.opd_case_notice(event, "n-2", "https://simpul.example/r-1", "t")
    assert notice["type"] == "case.reopened"
    assert notice["case"]["due_at"] == "2026-11-17T16:59:59.999+00:00"
    assert notice["change"] == {"action": "reopen", "from_status": "resolved",
                                "to_status": "reopened",
                                "changed_at": "2026-11-10T03:00:00.000+00:00"}
    assert "reminder" not in notice and "escalation" not in notice


def test_no_event_payload_has_a_field_for_personal_data():
    personal = {"nik", "phone", "name", "citizen", "description", "birth_date"}
    for cls in contracts.MESSAGES.values():
        assert not personal & {f.name for f in dataclasses.fields(cls)}, cls.type


def test_registry_changed_is_a_broadcast_carrying_only_keys():
    change = contracts.RegistryChanged(entity="posyandu", region="33.25",
                                       changed_at=contracts.utc_now(), ids=("P332501200101",))
    decoded = contracts.decode(json.loads(json.dumps(change.envelope("e-1")))).message
    assert decoded.entity == "posyandu" and list(decoded.ids) == ["P332501200101"]
    assert contracts.RegistryChanged.type in contracts.BROADCASTS
    assert contracts.BROADCASTS.isdisjoint(contracts.COMMANDS)
    assert not any(contracts.RegistryChanged.type in types for types in contracts.QUEUES.values())
