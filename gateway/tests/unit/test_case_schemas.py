"""The bodies of the case moves and of a visit: what each move must carry, what it may not."""
import pytest
from pydantic import ValidationError

from simpul_gateway.schemas import (AcknowledgeIn, AssignIn, CaseOut, ConfirmIn, HistoryEntryOut,
                                    RejectIn, ReopenIn, ResolveIn, StartIn, TransferIn, UpdateIn,
                                    VisitIn)

MOVES = [(AcknowledgeIn, {}), (StartIn, {}), (UpdateIn, {"note": "Jadwal kunjungan rumah"}),
         (ResolveIn, {"resolution": "Balita sudah diimunisasi"}), (RejectIn, {"reason": "Bukan kewenangan"}),
         (TransferIn, {"opd_code": "33.25/dinsos", "reason": "Urusan Dinas Sosial"}),
         (AssignIn, {"opd_code": "33.25/dinsos"}), (ConfirmIn, {}), (ReopenIn, {"reason": "Belum datang"})]
REQUIRED = [(UpdateIn, "note"), (ResolveIn, "resolution"), (RejectIn, "reason"),
            (TransferIn, "opd_code"), (TransferIn, "reason"), (AssignIn, "opd_code"),
            (ReopenIn, "reason")]


def visit(*service_types, **overrides):
    return {"desa_code": "33.25.01.2001", "posyandu_id": "P332501200101",
            "needs": [{"service_type": s, "kind": "service_need", "description": "Perlu bantuan"}
                      for s in service_types], **overrides}


def error_fields(exc):
    return {tuple(e["loc"]) for e in exc.value.errors()}


@pytest.mark.parametrize("body, minimal", MOVES)
def test_every_move_accepts_its_minimal_body(body, minimal):
    assert body.model_validate(minimal).model_dump(exclude_none=True) == minimal


@pytest.mark.parametrize("body, minimal", MOVES)
def test_an_unknown_field_of_a_move_is_refused(body, minimal):
    with pytest.raises(ValidationError) as exc:
        body.model_validate({**minimal, "status": "closed"})
    assert ("status",) in error_fields(exc)


@pytest.mark.parametrize("body, field", REQUIRED)
def test_a_missing_required_field_is_named(body, field):
    minimal = dict(next(m for b, m in MOVES if b is body))
    minimal.pop(field)
    with pytest.raises(ValidationError) as exc:
        body.model_validate(minimal)
    assert error_fields(exc) == {(field,)}


@pytest.mark.parametrize("text", ["", "ok", "  ok  ", "x" * 2001])
def test_a_note_or_reason_too_short_or_too_long_is_refused(text):
    for body, field in ((UpdateIn, "note"), (RejectIn, "reason"), (AcknowledgeIn, "note")):
        with pytest.raises(ValidationError):
            body.model_validate({field: text})


def test_a_resolution_may_be_longer_than_a_note():
    assert ResolveIn.model_validate({"resolution": "x" * 4000})
    with pytest.raises(ValidationError):
        ResolveIn.model_validate({"resolution": "x" * 4001})


def test_evidence_is_a_list_of_web_addresses():
    body = ResolveIn.model_validate({"resolution": "Selesai", "evidence": [
        "https://dinkes.batangkab.go.id/bukti/1.jpg", "http://10.0.0.5/foto?id=2"]})
    assert len(body.evidence) == 2


@pytest.mark.parametrize("url", ["ftp://x.id/a", "dinkes.go.id/foto", "https://", "javascript:alert(1)",
                                 "https://dinkes go.id/a", ""])
def test_evidence_that_is_not_an_http_address_is_refused_where_it_is(url):
    with pytest.raises(ValidationError) as exc:
        ResolveIn.model_validate({"resolution": "Selesai", "evidence": ["https://x.id/1", url]})
    assert error_fields(exc) == {("evidence", 1)}
    assert "http" in exc.value.errors()[0]["msg"]


def test_at_most_ten_pieces_of_evidence():
    urls = [f"https://x.id/{n}" for n in range(11)]
    with pytest.raises(ValidationError) as exc:
        ResolveIn.model_validate({"resolution": "Selesai", "evidence": urls})
    assert ("evidence",) in error_fields(exc)
    assert len(ResolveIn.model_validate({"resolution": "Selesai", "evidence": urls[:10]}).evidence) == 10


@pytest.mark.parametrize("opd_code", ["dinsos", "33.25.dinsos", "33/dinsos", "33.25/Dinsos", ""])
def test_an_opd_code_not_of_the_form_kabupaten_slash_short_code_is_refused(opd_code):
    with pytest.raises(ValidationError) as exc:
        TransferIn.model_validate({"opd_code": opd_code, "reason": "Urusan lain"})
    assert error_fields(exc) == {("opd_code",)}


def test_a_visit_with_distinct_needs_is_accepted():
    parsed = VisitIn.model_validate(visit("kesehatan.balita", "pendidikan.dasar",
                                          citizen={"household_id": "KK-3325-0001"}))
    assert [n.service_type for n in parsed.needs] == ["kesehatan.balita", "pendidikan.dasar"]
    assert parsed.citizen.household_id == "KK-3325-0001"


def test_a_repeated_service_type_is_refused_naming_the_repeat():
    with pytest.raises(ValidationError) as exc:
        VisitIn.model_validate(visit("kesehatan.balita", "pendidikan.dasar", "kesehatan.balita",
                                     "pendidikan.dasar"))
    assert error_fields(exc) == {("needs", 2, "service_type"), ("needs", 3, "service_type")}
    assert "sudah disebut" in exc.value.errors()[0]["msg"]


@pytest.mark.parametrize("count", [0, 11])
def test_a_visit_has_one_to_ten_needs(count):
    from simpul_common.catalogue import SERVICE_TYPES
    with pytest.raises(ValidationError) as exc:
        VisitIn.model_validate(visit(*SERVICE_TYPES[:count]))
    assert ("needs",) in error_fields(exc)


@pytest.mark.parametrize("change, field", [({"priority": "high"}, ("priority",)),
                                           ({"citizen": {"religion": "x"}}, ("citizen", "religion"))])
def test_an_unknown_field_of_a_visit_is_refused(change, field):
    with pytest.raises(ValidationError) as exc:
        VisitIn.model_validate(visit("kesehatan.balita", **change))
    assert field in error_fields(exc)


def test_an_unknown_field_of_a_need_is_refused():
    body = visit("kesehatan.balita")
    body["needs"][0]["urgent"] = True
    with pytest.raises(ValidationError) as exc:
        VisitIn.model_validate(body)
    assert ("needs", 0, "urgent") in error_fields(exc)


def test_a_history_entry_keeps_what_its_action_carries_and_its_from():
    entry = HistoryEntryOut.model_validate({
        "seq": 3, "action": "resolve", "from": "in_progress", "to": "resolved", "at": "2026-01-05",
        "actor": {"role": "opd_officer", "id": "p1", "name": "Petugas"},
        "resolution": "Selesai", "evidence": ["https://x.id/1"]})
    shown = entry.model_dump(by_alias=True)
    assert shown["from"] == "in_progress" and shown["evidence"] == ["https://x.id/1"]


def test_a_case_without_history_is_a_list_item():
    case = {"id": "c1", "status": "routed", "kind": "complaint", "spm_area": "kesehatan",
            "service_type": "kesehatan.balita", "desa_code": "33.25.01.2001",
            "posyandu_id": "P332501200101", "kabupaten_code": "33.25", "opd": None,
            "routed_at": "t", "updated_at": "t", "overdue": False, "escalation_level": 0,
            "allowed_actions": []}
    assert CaseOut.model_validate(case).history is None
