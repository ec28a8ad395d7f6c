"""What a person reads: every kind of notification in Bahasa Indonesia and English, filled from
the facts its events give, with nothing left unfilled and nothing beyond codes, agency names,
dates and a link."""
import re
from string import Template

import pytest

from simpul_common import contracts
from simpul_notification.domain import templates
from simpul_notification.domain.plan import facts_of

URL = "https://simpul.example/api/v1/reports/r-1"
REPORT = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")
AT = "2026-11-02T03:00:00.000+00:00"
DUE = "2026-11-09T16:59:59.999+00:00"


def changed(to_status, from_status="routed", action="act", opd_code="33.25/dinkes"):
    return contracts.CaseChanged(
        action=action, from_status=from_status, to_status=to_status, actor_role="opd_officer",
        kabupaten_code="33.25", escalation_level=0, changed_at=AT, sequence=2, opd_code=opd_code,
        opd_name="Dinas Kesehatan" if opd_code else None, due_at=DUE if opd_code else None,
        **REPORT)


def escalated(level, deadline="resolve", opd_code="33.25/dinkes"):
    return contracts.CaseEscalated(
        level=level, target=contracts.ESCALATION_TARGETS[level], deadline=deadline,
        overdue_since=DUE, kabupaten_code="33.25", escalated_at=AT, sequence=3,
        opd_code=opd_code, **REPORT)


ROUTED = contracts.ReportRouted(opd_code="33.25/dinkes", opd_name="Dinas Kesehatan",
                                rule_id="x", due_at=DUE, routed_at=AT, **REPORT)
UNROUTABLE = contracts.ReportUnroutable(reason="tidak ada OPD", tph_region="33.25",
                                        routed_at=AT, **REPORT)
LINKED = contracts.ReportLinked(case_id="r-0", linked_at=AT, **REPORT)
DUE_SOON = contracts.CaseDueSoon(deadline="acknowledge", due=DUE, kabupaten_code="33.25",
                                 warned_at=AT, sequence=1, opd_code="33.25/dinkes", **REPORT)

# every kind, with each event that makes it (and the status an inbox item shows)
KIND_EVENTS = [
    ("new_case", ROUTED, None),
    ("due_soon", DUE_SOON, None),
    ("due_soon", contracts.CaseDueSoon(deadline="resolve", due=DUE, kabupaten_code="33.25",
                                       warned_at=AT, sequence=1, opd_code="33.25/dinkes",
                                       **REPORT), None),
    ("escalated", escalated(1), None),
    ("escalated", escalated(2, "acknowledge"), None),
    ("escalated", escalated(3, "triage", opd_code=None), None),
    ("triage", UNROUTABLE, None),
    ("triage", changed("rejected", opd_code=None), None),
    ("reopened", changed("reopened", "resolved", "reopen"), None),
    ("resolved", changed("resolved", "in_progress", "resolve"), "resolved"),
    ("status", ROUTED, "routed"),
    ("status", UNROUTABLE, "unroutable"),
    ("status", LINKED, "linked"),
    ("status", changed("rejected", opd_code=None), "rejected"),
    ("status", changed("acknowledged"), "acknowledged"),
    ("status", changed("in_progress", "acknowledged"), "in_progress"),
    ("status", changed("reopened", "resolved", "reopen"), "reopened"),
    ("status", changed("closed", "resolved", "confirm"), "closed"),
    ("status", changed("routed", "acknowledged", "transfer"), "routed"),
]


def facts(event, status=None):
    found = facts_of(event, URL)
    return dict(found, status=status) if status else found


def test_every_kind_has_both_languages():
    assert set(templates._T) == set(templates.KINDS)
    for kind in templates.KINDS:
        assert set(templates._T[kind]) == set(templates.LANGUAGES)


def test_every_kind_is_covered_by_these_tests():
    assert {kind for kind, _, _ in KIND_EVENTS} == set(templates.KINDS)


@pytest.mark.parametrize("language", templates.LANGUAGES)
@pytest.mark.parametrize("kind,event,status", KIND_EVENTS,
                         ids=[f"{k}-{e.type}-{s or ''}" for k, e, s in KIND_EVENTS])
def test_every_kind_renders_completely_from_the_facts_its_events_give(kind, event, status,
                                                                      language):
    subject, body = templates.render(kind, facts(event, status), language)
    assert subject and body
    assert "$" not in subject and "$" not in body
    assert "None" not in subject + body
    assert event.service_type in subject + body
    if kind != "status":
        assert URL in body


@pytest.mark.parametrize("kind,event,status", KIND_EVENTS,
                         ids=[f"{k}-{e.type}-{s or ''}" for k, e, s in KIND_EVENTS])
def test_indonesian_and_english_texts_differ(kind, event, status):
    assert templates.render(kind, facts(event, status), "id") != \
        templates.render(kind, facts(event, status), "en")


def test_the_language_defaults_to_bahasa_indonesia():
    assert templates.render("new_case", facts(ROUTED)) == \
        templates.render("new_case", facts(ROUTED), "id")


def test_a_new_case_names_the_opd_desa_posyandu_deadline_and_link():
    subject, body = templates.render("new_case", facts(ROUTED), "id")
    assert subject == "Kasus baru: kesehatan.balita di 33.25.01.2001"
    for part in ("Dinas Kesehatan", "P332501200101", "complaint", "33.25.01.2001", DUE, URL):
        assert part in body
    subject_en, body_en = templates.render("new_case", facts(ROUTED), "en")
    assert subject_en == "New case: kesehatan.balita in 33.25.01.2001"
    assert "Follow-up due: " + DUE in body_en


def test_a_due_soon_warning_names_which_deadline_and_when():
    _, body = templates.render("due_soon", facts(DUE_SOON), "id")
    _, body_en = templates.render("due_soon", facts(DUE_SOON), "en")
    assert "Batas tanggapan" in body and DUE in body
    assert "acknowledgement deadline" in body_en and DUE in body_en


@pytest.mark.parametrize("level,label_id,label_en", [
    (1, "Kepala OPD", "the OPD head"), (2, "TPH", "the TPH"),
    (3, "Sekretaris Daerah", "the Regional Secretary")])
def test_an_escalation_names_its_level_and_target(level, label_id, label_en):
    subject, body = templates.render("escalated", facts(escalated(level)), "id")
    subject_en, body_en = templates.render("escalated", facts(escalated(level)), "en")
    assert subject.startswith(f"Eskalasi tingkat {level} ({label_id})")
    assert subject_en.startswith(f"Escalation level {level} ({label_en})")
    assert "tindak lanjut" in body and DUE in body
    assert "follow-up deadline" in body_en


def test_a_triage_request_says_why_the_tph_has_the_case():
    _, unroutable = templates.render("triage", facts(UNROUTABLE), "id")
    _, rejected = templates.render("triage", facts(changed("rejected", opd_code=None)), "en")
    assert "menunggu penugasan TPH" in unroutable
    assert "is returned to the TPH" in rejected


def test_missing_facts_show_as_a_dash():
    subject, body = templates.render("reopened", dict(facts(changed("reopened")), due=None), "id")
    assert "Batas tindak lanjut baru: -." in body and "$" not in subject + body


@pytest.mark.parametrize("status", sorted(templates.STATUS_LABELS))
def test_every_status_has_a_label_in_both_languages(status):
    for language in templates.LANGUAGES:
        subject, body = templates.render("status", facts(ROUTED, status), language)
        assert "$" not in subject + body
        label = templates.STATUS_LABELS[status][templates.LANGUAGES.index(language)]
        assert label in subject and label in body


@pytest.mark.parametrize("kind,event,status", [k for k in KIND_EVENTS if k[0] != "status"],
                         ids=[f"{k}-{e.type}" for k, e, s in KIND_EVENTS if k != "status"])
def test_an_email_is_bilingual(kind, event, status):
    given = facts(event, status)
    subject, text = templates.bilingual(kind, given)
    subject_id, body_id = templates.render(kind, given, "id")
    _, body_en = templates.render(kind, given, "en")
    assert subject == subject_id
    assert text.startswith(body_id)
    assert "— English —" in text and body_en in text
    assert text.index(body_id) < text.index(body_en)
    assert "$" not in subject + text


ALLOWED = {"service_type", "desa_code", "posyandu_id", "kind", "url", "opd_name", "level",
           "overdue_since", "due", "target_id", "target_en", "deadline_id", "deadline_en",
           "status_id", "status_en"}


def test_templates_can_only_say_codes_agency_names_dates_and_links():
    used = set()
    for languages in templates._T.values():
        for subject, body in languages.values():
            for text in (subject, body):
                used |= {m.group("named") or m.group("braced")
                         for m in Template.pattern.finditer(text)
                         if m.group("named") or m.group("braced")}
    assert used <= ALLOWED, used - ALLOWED


@pytest.mark.parametrize("kind,event,status", KIND_EVENTS,
                         ids=[f"{k}-{e.type}-{s or ''}" for k, e, s in KIND_EVENTS])
def test_texts_hold_only_the_events_codes_and_names(kind, event, status):
    # nothing personal can come in: every value a text shows is one of the event's own fields
    given = facts(event, status)
    allowed_values = {str(v) for v in vars(event).values() if v is not None} | {URL}
    for name, value in given.items():
        if value is not None and name not in ("status",):
            assert str(value) in allowed_values, name
    for language in templates.LANGUAGES:
        subject, body = templates.render(kind, given, language)
        assert not re.search(r"\b\d{16}\b", subject + body)     # no NIK-like number
