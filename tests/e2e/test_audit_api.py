"""End to end: administrative changes and operations are audited with who made them, and only
a national admin reads the audit log (docs/security.md, "Audit")."""
from simpul_devtools.pytest_fixtures import wait_until


def test_an_admin_change_is_in_the_registrys_audit_log_with_its_admin(api, login, enrol):
    person_id, _ = enrol({"name": "Petugas Audit", "role": "tph", "kabupaten_code": "33.25",
                          "phone": "081298765432"})
    changed = api.patch(f"/api/v1/people/{person_id}", json={"phone": "081311112222"})
    assert changed.status_code == 200, changed.text
    me = api.get("/api/v1/auth/me").json()
    log = api.get("/api/v1/audit", params={"service": "registry", "target_id": person_id}).json()
    assert [e["action"] for e in log["items"]] == [
        "person.update", "person.set_password", "person.create"]
    assert all(e["actor"]["id"] == me["id"] and e["actor"]["role"] == "admin"
               for e in log["items"])
    assert log["items"][0]["details"] == {"fields": ["phone"]}
    assert "081311112222" not in str(log) and "081298765432" not in str(log)


def test_notification_operations_are_audited(api):
    secret = api.get("/api/v1/opds/33.25/dinkes/webhook-secret")
    assert secret.status_code == 200
    paused = api.post("/api/v1/opds/33.25/dinkes/channels/email/pause")
    resumed = api.post("/api/v1/opds/33.25/dinkes/channels/email/resume")
    assert paused.status_code == resumed.status_code == 200
    log = wait_until(lambda: (page := api.get("/api/v1/audit", params={
        "service": "notification", "target_id": "33.25/dinkes|email"}).json())["total"] >= 2 and page,
        what="the pause and resume in the audit log")
    assert [e["action"] for e in log["items"][:2]] == ["channel.resume", "channel.pause"]
    reads = api.get("/api/v1/audit", params={"service": "notification",
                                             "action": "webhook_secret.read"}).json()
    assert reads["total"] >= 1 and reads["items"][0]["target"] == {"type": "opd", "id": "33.25/dinkes"}


def test_only_a_national_admin_reads_the_audit_log(api, login):
    for username in ("kader.batang", "dinkes.batang", "tph.batang", "viewer.batang"):
        response = api.get("/api/v1/audit", headers=login(username))
        assert response.status_code == 403, username
