"""The object rules the gateway and the services share (simpul_common.access) and the audit
log's entries and filters (simpul_common.audit)."""
import pytest

from simpul_common import access, audit

REPORT = {"posyandu_id": "P332501200101", "desa_code": "33.25.01.2001",
          "assigned_opd": {"code": "33.25/dinkes", "name": "Dinas Kesehatan"}}
KADER = {"role": "kader", "id": "k", "posyandu_id": "P332501200101"}
OFFICER = {"role": "opd_officer", "id": "o", "opd_code": "33.25/dinkes"}
HEAD = {**OFFICER, "role": "opd_head", "id": "h"}
TPH = {"role": "tph", "id": "t", "kabupaten_code": "33.25"}
ADMIN = {"role": "admin", "id": "a", "kabupaten_code": None}


@pytest.mark.parametrize("actor, sees, reveals", [
    (KADER, True, True), (OFFICER, True, True), (HEAD, True, True), (TPH, True, False),
    (ADMIN, True, False), ({**ADMIN, "kabupaten_code": "33.25"}, True, False),
    ({**KADER, "posyandu_id": "P332501200102"}, False, False),
    ({**OFFICER, "opd_code": "33.25/dinsos"}, False, False),
    ({**TPH, "kabupaten_code": "21.71"}, False, False),
    ({**ADMIN, "kabupaten_code": "21.71"}, False, False),
    ({"role": "viewer", "id": "v"}, False, False), ({"role": "kader", "id": "x"}, False, False),
    ({}, False, False)])
def test_who_sees_a_report_and_who_sees_its_citizen_in_full(actor, sees, reveals):
    assert access.sees_report(actor, REPORT) is sees
    assert access.reveals(actor, REPORT) is reveals


def test_a_list_is_narrowed_to_the_actor_whatever_was_asked():
    assert access.narrowed(OFFICER, {"opd_code": "33.25/dinsos", "status": "routed"}) == {
        "opd_code": "33.25/dinkes", "status": "routed"}
    assert access.narrowed(ADMIN, {"kabupaten_code": "21.71"}) == {"kabupaten_code": "21.71"}
    with pytest.raises(access.Forbidden):
        access.narrowed({"role": "viewer"}, {})


def test_an_audit_entry_names_its_actor_and_the_system_when_there_is_none():
    entry = audit.entry("registry", {**ADMIN, "name": "Admin"}, "person.update", "person", "p-1",
                        {"fields": ["active"]}, at="2026-11-22T03:00:00.000+00:00")
    assert entry["actor"] == {"id": "a", "role": "admin", "name": "Admin", "kind": "person"}
    assert (entry["action"], entry["target"], entry["details"]) == (
        "person.update", {"type": "person", "id": "p-1"}, {"fields": ["active"]})
    assert audit.entry("intake", None, "retention.erase", "report", None)["actor"] == audit.SYSTEM
    assert audit.who({"id": "apikey:3f2a", "role": "opd_officer"})["kind"] == "api_key"


def test_only_a_success_is_audited_and_filters_become_a_query():
    assert audit.succeeded({"item": {"id": "x"}}) and audit.succeeded({"retried": 0})
    assert not audit.succeeded(None)
    assert not audit.succeeded({"status": 404, "errors": [{"field": "id", "message": "x"}]})
    assert audit.query({"action": "report.read", "actor_id": "k", "since": "2026-11-01",
                        "until": "2026-12-01", "ignored": "x"}) == {
        "action": "report.read", "actor.id": "k", "at": {"$gte": "2026-11-01", "$lt": "2026-12-01"}}
