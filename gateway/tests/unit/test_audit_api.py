"""The audit log route and the actor every object call names (docs/security.md, "Audit" and
"Authorization"): the gateway tells the services who each read and change is for, so they
check it again and write it down."""
import pytest


def test_the_audit_log_of_a_service_is_read_with_the_filters_given(api, registry):
    registry.audit_entries.append({
        "id": "e-1", "at": "2026-11-22T03:00:00.000+00:00", "service": "registry",
        "actor": {"id": "admin-nasional", "role": "admin", "name": "Admin", "kind": "person"},
        "action": "person.update", "target": {"type": "person", "id": "p-1"},
        "details": {"fields": ["active"]}})
    response = api.get("/api/v1/audit", params={
        "service": "registry", "action": "person.update", "actor_id": "admin-nasional",
        "since": "2026-11-22T10:00:00+07:00", "until": "2026-11-23", "per_page": 5})
    assert response.status_code == 200, response.text
    assert registry.calls[-1] == ("audit_log", {
        "action": "person.update", "actor_id": "admin-nasional",
        "since": "2026-11-22T03:00:00.000+00:00", "until": "2026-11-23T00:00:00.000+00:00"}, 1, 5)
    page = response.json()
    assert page["total"] == 1 and page["items"][0]["details"] == {"fields": ["active"]}


@pytest.mark.parametrize("params, field", [({"service": "routing"}, "service"),
                                           ({"action": "DROP TABLE"}, "action"),
                                           ({"since": "kemarin"}, "since"),
                                           ({"until": "0.5"}, "until")])
def test_a_bad_audit_filter_is_422_naming_it(api, registry, params, field):
    response = api.get("/api/v1/audit", params=params)
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == [field]
    assert not [c for c in registry.calls if c[0] == "audit_log"]


def test_only_a_national_admin_reads_the_audit_log(anonymous, world):
    for who in ("admin_batang", "tph", "kader", "viewer", "key"):
        assert anonymous.get("/api/v1/audit", headers=world.headers(who)).status_code == 403, who
    assert not [c for c in world.registry.calls if c[0] == "audit_log"]


def test_registry_changes_name_the_admin_who_makes_them(api, world):
    rpc = api.app.state.rpc
    response = api.patch(f"/api/v1/posyandu/{world.posyandu['A']['id']}",
                         json={"name": "Posyandu Mawar"}, headers=world.headers("admin_batang"))
    assert response.status_code == 200, response.text
    service, method, actor = rpc.actors[-1]
    assert (service, method) == ("registry", "update_posyandu")
    assert actor["id"] == world.people["admin_batang"]["id"] and actor["role"] == "admin"


def test_case_reads_name_the_caller_so_routing_checks_them_again(api, world):
    rpc = api.app.state.rpc
    case_id = world.cases["A"]["id"]
    for url in (f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/history", "/api/v1/cases"):
        rpc.actors.clear()
        assert api.get(url, headers=world.headers("opd_officer")).status_code == 200, url
        assert {a["id"] for _, _, a in rpc.actors} == {world.people["opd_officer"]["id"]}, url
        assert all(a["opd_code"] == "33.25/dinkes" for _, _, a in rpc.actors)


def test_the_inbox_names_its_kader(api, world):
    rpc = api.app.state.rpc
    assert api.get("/api/v1/inbox", headers=world.headers("kader")).status_code == 200
    assert rpc.actors[-1][1] == "inbox"
    assert rpc.actors[-1][2]["posyandu_id"] == world.posyandu["A"]["id"]
