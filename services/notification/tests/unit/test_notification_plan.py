"""Who hears of each event, on which channel, and what they receive (docs/notifications.md,
"Who hears what"), row by row; stable notification ids; no personal data. Pure: no broker,
no database, no registry."""
import copy

import pytest

from simpul_common import contracts
from simpul_notification.domain import templates
from simpul_notification.domain.plan import (CHANNELS, EMAIL, INBOX, RABBITMQ, WEBHOOK, audience,
                                             facts_of, notification_id, plan)

NOW = "2026-11-02T03:00:01.000+00:00"
AT = "2026-11-02T03:00:00.000+00:00"
DUE = "2026-11-09T16:59:59.999+00:00"
URL = "https://simpul.example/api/v1/reports/r-1"
REPORT = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")
QUEUE = "simpul.opd.33.25.dinkes"
HOOK = "https://dinkes.example.go.id/simpul"
OPD_MAIL = "pengaduan@dinkes.example.go.id"
OPD = {"id": "33.25/dinkes", "name": "Dinas Kesehatan Kabupaten Batang", "active": True,
       "channels": [{"type": "rabbitmq", "queue": QUEUE}, {"type": "webhook", "url": HOOK},
                    {"type": "email", "address": OPD_MAIL}]}
HEADS = [
    {"id": "p-head", "role": "opd_head", "email": "kepala@dinkes.example.go.id", "active": True},
    {"id": "p-old-head", "role": "opd_head", "email": "lama@dinkes.example.go.id", "active": False},
    {"id": "p-head-no-mail", "role": "opd_head", "email": None, "active": True},
]
TPH = [
    {"id": "p-tph", "role": "tph", "email": "tph@batangkab.example.go.id", "active": True},
    {"id": "p-tph-2", "role": "tph", "email": "tph2@batangkab.example.go.id"},   # active by default
    {"id": "p-tph-gone", "role": "tph", "email": "x@batangkab.example.go.id", "active": False},
    {"id": "p-tph-no-mail", "role": "tph", "email": "", "active": True},
]
OPD_DESTINATIONS = {(RABBITMQ, QUEUE, "opd"), (WEBHOOK, HOOK, "opd"), (EMAIL, OPD_MAIL, "opd")}
HEAD_MAILS = {(EMAIL, "kepala@dinkes.example.go.id", "opd_head")}
TPH_MAILS = {(EMAIL, "tph@batangkab.example.go.id", "tph"),
             (EMAIL, "tph2@batangkab.example.go.id", "tph")}


def received(event, event_id="e-1"):
    return contracts.decode(event.envelope(event_id, AT))


def routed(sequence=0):
    return contracts.ReportRouted(opd_code="33.25/dinkes",
                                  opd_name="Dinas Kesehatan Kabupaten Batang", rule_id="kab:kes",
                                  due_at=DUE, routed_at=AT, sequence=sequence,
                                  unit_code="puskesmas-33.25.01", **REPORT)


def unroutable():
    return contracts.ReportUnroutable(reason="tidak ada OPD", tph_region="33.25", routed_at=AT,
                                      **REPORT)


def linked():
    return contracts.ReportLinked(case_id="r-0", linked_at=AT, **REPORT)


def due_soon(opd_code="33.25/dinkes"):
    return contracts.CaseDueSoon(deadline="acknowledge", due=DUE, kabupaten_code="33.25",
                                 warned_at=AT, sequence=1, opd_code=opd_code, **REPORT)


def escalated(level, opd_code="33.25/dinkes", deadline="acknowledge"):
    return contracts.CaseEscalated(level=level, target=contracts.ESCALATION_TARGETS[level],
                                   deadline=deadline, overdue_since=DUE, kabupaten_code="33.25",
                                   escalated_at=AT, sequence=2, opd_code=opd_code, **REPORT)


def changed(to_status, from_status="routed", action="act", opd_code="33.25/dinkes"):
    return contracts.CaseChanged(
        action=action, from_status=from_status, to_status=to_status, actor_role="opd_officer",
        kabupaten_code="33.25", escalation_level=0, changed_at=AT, sequence=3, opd_code=opd_code,
        opd_name="Dinas Kesehatan Kabupaten Batang" if opd_code else None,
        due_at=DUE if opd_code else None, **REPORT)


def run(event, event_id="e-1", opd=OPD, heads=HEADS, tph=TPH):
    return plan(received(event, event_id), copy.deepcopy(opd), heads, tph, URL, NOW)


def who(records):
    return {(r["channel"], r["destination"], r["recipient"]["role"]) for r in records}


# --- the table, row by row -----------------------------------------------------------------------

ROWS = [
    # (name, event, kind, recipients, inbox status)
    ("routed first", routed(0), "new_case", OPD_DESTINATIONS, "routed"),
    ("routed by transfer", routed(4), "new_case", OPD_DESTINATIONS, None),
    ("unroutable", unroutable(), "triage", TPH_MAILS, "unroutable"),
    ("linked", linked(), None, set(), "linked"),
    ("due soon", due_soon(), "due_soon", OPD_DESTINATIONS, None),
    ("escalated 1", escalated(1), "escalated", OPD_DESTINATIONS | HEAD_MAILS, None),
    ("escalated 2", escalated(2), "escalated", OPD_DESTINATIONS | HEAD_MAILS | TPH_MAILS, None),
    ("escalated 3", escalated(3), "escalated", OPD_DESTINATIONS | HEAD_MAILS | TPH_MAILS, None),
    ("escalated 3 in triage", escalated(3, None, "triage"), "escalated", TPH_MAILS, None),
    ("rejected", changed("rejected", opd_code=None, action="reject"), "triage", TPH_MAILS,
     "rejected"),
    ("reopened", changed("reopened", "resolved", "reopen"), "reopened", OPD_DESTINATIONS,
     "reopened"),
    ("resolved", changed("resolved", "in_progress", "resolve"), None, set(), "resolved"),
    ("acknowledged", changed("acknowledged", "routed", "acknowledge"), None, set(),
     "acknowledged"),
    ("in progress", changed("in_progress", "acknowledged", "start"), None, set(), "in_progress"),
    ("closed", changed("closed", "resolved", "confirm"), None, set(), "closed"),
    ("deemed closed", changed("closed", "resolved", "deem_closed"), None, set(), "closed"),
    ("transferred", changed("routed", "acknowledged", "transfer"), None, set(), "routed"),
    ("transferred from routed", changed("routed", "routed", "transfer"), None, set(), "routed"),
    ("assigned", changed("routed", "unroutable", "assign"), None, set(), "routed"),
]


@pytest.mark.parametrize("name,event,kind,recipients,status", ROWS, ids=[r[0] for r in ROWS])
def test_who_hears_what(name, event, kind, recipients, status):
    records, inbox = run(event)
    assert who(records) == recipients
    assert len(records) == len(recipients)
    assert {r["kind"] for r in records} <= {kind}
    assert audience(event)[0] == kind
    if status is None:
        assert inbox == []
    else:
        [item] = inbox
        assert (item["status"], item["posyandu_id"], item["report_id"]) == (
            status, "P332501200101", "r-1")
        assert item["kind"] == ("resolved" if status == "resolved" else "status")


def test_a_progress_note_tells_no_one():
    records, inbox = run(changed("in_progress", "in_progress", "update"))
    assert (records, inbox) == ([], [])
    assert audience(changed("in_progress", "in_progress", "update")) == (None, {})


def test_a_due_soon_warning_of_a_case_no_opd_holds_tells_no_one():
    assert run(due_soon(opd_code=None)) == ([], [])


def test_an_opd_the_registry_does_not_know_gets_nothing_but_the_kader_still_hears():
    records, inbox = run(routed(), opd=None)
    assert records == []
    assert [i["status"] for i in inbox] == ["routed"]


def test_an_opd_with_only_its_queue_gets_only_the_queue():
    only_queue = dict(OPD, channels=[{"type": "rabbitmq", "queue": QUEUE}])
    records, _ = run(routed(), opd=only_queue)
    assert who(records) == {(RABBITMQ, QUEUE, "opd")}


def test_an_opd_with_several_webhooks_and_addresses_gets_each():
    many = dict(OPD, channels=OPD["channels"] + [
        {"type": "webhook", "url": "https://b.example/hook"},
        {"type": "email", "address": "b@dinkes.example.go.id"}])
    records, _ = run(due_soon(), opd=many)
    assert len(records) == 5 and len({r["_id"] for r in records}) == 5


def test_heads_and_tph_hear_by_email_only_when_active_with_an_address():
    records, _ = run(escalated(2))
    mails = {r["destination"] for r in records if r["recipient"]["role"] != "opd"}
    assert mails == {"kepala@dinkes.example.go.id", "tph@batangkab.example.go.id",
                     "tph2@batangkab.example.go.id"}
    assert {r["channel"] for r in records if r["recipient"]["role"] != "opd"} == {EMAIL}
    assert {r["recipient"]["id"] for r in records if r["recipient"]["role"] != "opd"} == {
        "p-head", "p-tph", "p-tph-2"}


def test_no_heads_or_tph_in_the_registry_means_only_the_opd_hears():
    records, _ = run(escalated(2), heads=[], tph=[])
    assert who(records) == OPD_DESTINATIONS


# --- the records ---------------------------------------------------------------------------------

def test_each_record_is_a_pending_delivery_due_now_describing_its_cause():
    records, _ = run(escalated(2), "e-esc")
    for record in records:
        assert record["status"] == "pending" and record["next_attempt_at"] == NOW
        assert (record["attempts"], record["attempt_count"], record["created_at"]) == ([], 0, NOW)
        assert (record["cause"], record["event_type"], record["kind"]) == (
            "e-esc", "case.escalated", "escalated")
        assert (record["report_id"], record["kabupaten_code"], record["opd_code"],
                record["posyandu_id"]) == ("r-1", "33.25", "33.25/dinkes", "P332501200101")
        assert record["channel"] in CHANNELS


def test_channel_keys_name_who_owns_the_channel():
    records, _ = run(escalated(2))
    keys = {(r["recipient"]["role"], r["channel_key"]) for r in records}
    assert keys == {("opd", "33.25/dinkes|rabbitmq"), ("opd", "33.25/dinkes|webhook"),
                    ("opd", "33.25/dinkes|email"), ("opd_head", "33.25/dinkes|email"),
                    ("tph", "33.25|email")}
    assert {r["recipient"]["id"] for r in records if r["recipient"]["role"] == "opd"} == {
        "33.25/dinkes"}


def test_notification_ids_are_stable_per_event_channel_and_destination():
    first, first_inbox = run(routed(), "e-1")
    again, again_inbox = run(routed(), "e-1")
    other, other_inbox = run(routed(), "e-2")
    assert [r["_id"] for r in first] == [r["_id"] for r in again]
    assert [i["_id"] for i in first_inbox] == [i["_id"] for i in again_inbox]
    assert not {r["_id"] for r in first} & {r["_id"] for r in other}
    assert first_inbox[0]["_id"] != other_inbox[0]["_id"]
    for record in first:
        destination = "" if record["channel"] == RABBITMQ else record["destination"]
        assert record["_id"] == notification_id("e-1", record["channel"], destination)
    assert first_inbox[0]["_id"] == notification_id("e-1", INBOX, "P332501200101")


def test_the_queue_keeps_the_id_it_had_before_channels_had_destinations():
    assert notification_id("e-1", RABBITMQ) == contracts.stable_id("e-1", "rabbitmq")
    assert notification_id("e-1", RABBITMQ, QUEUE) == contracts.stable_id("e-1", "rabbitmq", QUEUE)
    assert notification_id("e-1", WEBHOOK, HOOK) != notification_id("e-1", WEBHOOK, "https://b/")
    assert notification_id("e-1", EMAIL, "a@x") != notification_id("e-1", WEBHOOK, "a@x")


@pytest.mark.parametrize("event,notice_type", [
    (routed(), "case.routed"), (due_soon(), "case.due_soon"), (escalated(1), "case.escalated"),
    (changed("reopened", "resolved", "reopen"), "case.reopened")])
def test_queue_and_webhook_carry_the_opd_notice_with_their_own_notification_id(event, notice_type):
    records, _ = run(event)
    by_channel = {r["channel"]: r for r in records if r["recipient"]["role"] == "opd"}
    for channel in (RABBITMQ, WEBHOOK):
        notice = by_channel[channel]["payload"]
        assert notice["notification_id"] == by_channel[channel]["_id"]
        assert notice["contract"] == contracts.OPD_CONTRACT and notice["type"] == notice_type
        assert notice["case"]["url"] == URL and notice["sent_at"] == NOW
        expected = contracts.opd_case_notice(event, by_channel[channel]["_id"], URL, NOW)
        assert notice == expected
    assert {k: v for k, v in by_channel[RABBITMQ]["payload"].items() if k != "notification_id"} \
        == {k: v for k, v in by_channel[WEBHOOK]["payload"].items() if k != "notification_id"}


def test_emails_carry_the_bilingual_text_of_the_kind():
    event = escalated(2)
    records, _ = run(event)
    expected = templates.bilingual("escalated", facts_of(event, URL))
    for record in records:
        if record["channel"] == EMAIL:
            assert record["payload"] == {"subject": expected[0], "text": expected[1]}


def test_the_inbox_item_is_bilingual_and_dated_when_the_event_happened():
    _, [item] = run(changed("acknowledged", "routed", "acknowledge"))
    assert item["title"] == "Status laporan: diterima OPD"
    assert item["title_en"] == "Report status: acknowledged by the agency"
    assert "kesehatan.balita" in item["body"] and "kesehatan.balita" in item["body_en"]
    assert (item["at"], item["read_at"]) == (AT, None)
    assert set(item) == {"_id", "posyandu_id", "report_id", "status", "kind", "title", "body",
                         "title_en", "body_en", "at", "read_at"}     # docs/notifications.md


def test_a_resolved_case_asks_the_kader_to_confirm_or_reopen():
    _, [item] = run(changed("resolved", "in_progress", "resolve"))
    assert item["kind"] == "resolved"
    assert item["title"].startswith("Selesai ditangani, mohon konfirmasi")
    assert "Dinas Kesehatan Kabupaten Batang" in item["body"]
    assert "confirm or reopen" in item["body_en"] and URL in item["body_en"]


# --- no personal data ----------------------------------------------------------------------------

PERSONAL = {"nik", "phone", "name", "citizen", "description", "birth_date", "address"}


@pytest.mark.parametrize("name,event,kind,recipients,status", ROWS, ids=[r[0] for r in ROWS])
def test_what_is_sent_holds_only_codes_names_dates_and_links(name, event, kind, recipients,
                                                             status):
    records, inbox = run(event)
    given = {str(v) for v in vars(event).values() if v is not None}
    for record in records:
        payload = record["payload"]
        if record["channel"] in (RABBITMQ, WEBHOOK):
            assert not PERSONAL & set(payload["case"])
        else:
            assert set(payload) == {"subject", "text"}
            assert "$" not in payload["subject"] + payload["text"]
            assert event.service_type in payload["subject"] + payload["text"]
        assert not {"email", "phone"} & set(record["recipient"])
    for item in inbox:
        assert "$" not in item["title"] + item["body"] + item["title_en"] + item["body_en"]
    facts = facts_of(event, URL)
    assert {str(v) for k, v in facts.items() if v is not None and k != "status"} <= given | {URL}
