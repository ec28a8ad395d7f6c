"""The notification routes over the fake registry and notification: the delivery log and its
retries, the pause switch of an OPD's channels (beside, not instead of, the OPD routes), the
webhook secret, and the kader's inbox."""
import uuid

import pytest

REPORT_ID = str(uuid.uuid4())


def refusal(field, message):
    """Notification's own error result, for checks the gateway leaves to it."""
    return lambda *args, **kwargs: {"status": 422, "errors": [{"field": field, "message": message}]}


def delivery(status="parked", channel="webhook", opd_code="33.25/dinkes", **extra):
    return {"id": str(uuid.uuid4()), "cause": str(uuid.uuid4()), "event_type": "report.routed",
            "kind": "new_case", "report_id": REPORT_ID, "kabupaten_code": "33.25",
            "opd_code": opd_code, "posyandu_id": "P332501200101", "channel": channel,
            "destination": "https://sik.batangkab.go.id/simpul", "status": status,
            "attempt_count": 8, "next_attempt_at": None, "created_at": "t", "delivered_at": None,
            "parked_at": "t", "last_error": "HTTP 503", "recipient": {"role": "opd", "id": opd_code},
            "attempts": [{"at": "t", "ok": False, "status_code": 503, "latency_ms": 12.5},
                         {"at": "t", "ok": False, "error": "timeout", "latency_ms": 5000.0}],
            **extra}


@pytest.fixture
def dinkes(registry):
    return registry.create_opd({"kabupaten_code": "33.25", "short_code": "dinkes",
                                "name": "Dinas Kesehatan"})["item"]


@pytest.fixture
def log(notification):
    records = [delivery(), delivery(status="delivered"), delivery(channel="email"),
               delivery(opd_code="33.25/dindik")]
    notification.deliveries.update({d["id"]: d for d in records})
    return records


# --- the delivery log ---------------------------------------------------------------------------

def test_deliveries_are_listed_with_their_attempts_and_only_the_filters_given(api, notification, log):
    response = api.get("/api/v1/deliveries", params={"status": "parked", "channel": "webhook",
                                                     "opd_code": "33.25/dinkes", "per_page": 10})
    assert response.status_code == 200
    assert notification.calls[-1] == ("find_deliveries", {"status": "parked", "channel": "webhook",
                                                          "opd_code": "33.25/dinkes"}, 1, 10)
    page = response.json()
    assert [d["id"] for d in page["items"]] == [log[0]["id"]] and page["total"] == 1
    assert page["items"][0]["attempts"] == [
        {"at": "t", "ok": False, "status_code": 503, "error": None, "latency_ms": 12.5},
        {"at": "t", "ok": False, "status_code": None, "error": "timeout", "latency_ms": 5000.0}]


@pytest.mark.parametrize("query, field", [
    ("status=lost", "status"), ("channel=sms", "channel"), ("opd_code=dinkes", "opd_code"),
    ("kabupaten_code=33", "kabupaten_code"), ("report_id=R-1", "report_id"), ("kind=hello", "kind")])
def test_a_bad_delivery_filter_is_422_naming_it(api, notification, query, field):
    response = api.get(f"/api/v1/deliveries?{query}")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][:2] == ["query", field]
    assert notification.calls == []


def test_notifications_refusal_of_a_filter_is_422_on_the_query(api, notification):
    notification.find_deliveries = refusal("kind", "filter tidak dikenal")
    response = api.get("/api/v1/deliveries", params={"kind": "triage"})
    assert response.status_code == 422
    assert response.json()["detail"][0] == {"loc": ["query", "kind"], "msg": "filter tidak dikenal",
                                            "type": "value_error"}


def test_a_parked_delivery_is_retried_and_comes_back_pending(api, log):
    response = api.post(f"/api/v1/deliveries/{log[0]['id']}/retry")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (log[0]["id"], "pending")


def test_retrying_a_delivery_not_parked_is_409_and_an_unknown_one_404(api, log):
    delivered = api.post(f"/api/v1/deliveries/{log[1]['id']}/retry")
    assert delivered.status_code == 409 and "diparkir" in delivered.json()["detail"]
    assert api.post(f"/api/v1/deliveries/{uuid.uuid4()}/retry").status_code == 404
    assert api.post("/api/v1/deliveries/not-an-id/retry").status_code == 422


def test_every_parked_delivery_the_filters_match_is_retried(api, notification, log):
    response = api.post("/api/v1/deliveries/retry-parked", json={"opd_code": "33.25/dinkes"})
    assert response.json() == {"retried": 2}
    assert notification.calls[0] == ("retry_parked", {"opd_code": "33.25/dinkes"})
    assert api.post("/api/v1/deliveries/retry-parked", json={}).json() == {"retried": 1}


@pytest.mark.parametrize("body, field", [({"status": "parked"}, "status"), ({"channel": "sms"}, "channel"),
                                         ({"report_id": "R-1"}, "report_id")])
def test_a_retry_of_parked_deliveries_refuses_other_fields(api, notification, body, field):
    response = api.post("/api/v1/deliveries/retry-parked", json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", field]
    assert notification.calls == []


# --- channels of an OPD -------------------------------------------------------------------------

def test_a_channel_is_paused_by_the_admin_signed_in_and_resumed(api, notification, dinkes):
    paused = api.post("/api/v1/opds/33.25/dinkes/channels/webhook/pause")
    assert paused.status_code == 200
    assert paused.json() == {"owner": "33.25/dinkes", "channel": "webhook", "paused": True,
                             "changed_at": "t", "changed_by": "admin-nasional"}
    assert api.post("/api/v1/opds/33.25/dinkes/channels/email/pause").status_code == 200
    api.post("/api/v1/opds/33.25/dinkes/channels/webhook/resume")
    assert notification.calls[-1] == ("pause_channel", "33.25/dinkes", "webhook", False, "admin-nasional")
    states = api.get("/api/v1/opds/33.25/dinkes/channels").json()
    assert {(s["channel"], s["paused"]) for s in states} == {("webhook", False), ("email", True)}


def test_an_unknown_channel_is_422_on_the_path(api, notification, dinkes):
    response = api.post("/api/v1/opds/33.25/dinkes/channels/sms/pause")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["path", "channel"]
    notification.pause_channel = refusal("channel", "saluran tidak dikenal")
    refused = api.post("/api/v1/opds/33.25/dinkes/channels/email/pause")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["path", "channel"]


@pytest.mark.parametrize("method, path", [
    ("get", "/channels"), ("post", "/channels/webhook/pause"), ("post", "/channels/webhook/resume"),
    ("get", "/webhook-secret")])
def test_the_channels_and_secret_of_an_unknown_opd_are_404(api, notification, method, path):
    response = getattr(api, method)(f"/api/v1/opds/33.25/dinsos{path}")
    assert response.status_code == 404 and "33.25/dinsos" in response.json()["detail"]
    assert notification.states == {}


def test_an_opds_webhook_secret_comes_from_notification(api, dinkes):
    response = api.get("/api/v1/opds/33.25/dinkes/webhook-secret")
    assert response.json() == {"opd_code": "33.25/dinkes", "secret": "rahasia-33.25/dinkes"}


def test_the_channel_routes_stand_beside_the_opd_routes(api, registry, dinkes):
    registry.create_opd({"kabupaten_code": "33.25", "short_code": "channels", "name": "Dinas Saluran"})
    assert api.get("/api/v1/opds/33.25/dinkes").json()["id"] == "33.25/dinkes"
    assert api.get("/api/v1/opds/33.25/channels").json()["id"] == "33.25/channels"
    assert api.patch("/api/v1/opds/33.25/dinkes", json={"name": "Dinas Kesehatan Batang"}).status_code == 200
    assert api.get("/api/v1/opds/33.25/dinkes/channels").json() == []
    assert api.get("/api/v1/opds/33.25/channels/channels").json() == []
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/api/v1/opds/{kabupaten}/{short_code}", "/api/v1/opds/{kabupaten}/{short_code}/channels",
            "/api/v1/opds/{kabupaten}/{short_code}/channels/{channel}/pause",
            "/api/v1/opds/{kabupaten}/{short_code}/webhook-secret"} <= set(paths)


# --- the kader's inbox --------------------------------------------------------------------------

@pytest.fixture
def people(registry):
    place = registry.create_posyandu({"registration_number": "400.5/12/2024", "name": "Posyandu Mawar",
                                      "desa_code": "33.25.01.2001"})["item"]
    kader = registry.create_person({"name": "Siti", "role": "kader", "posyandu_id": place["id"]})
    officer = registry.create_person({"name": "Budi", "role": "opd_officer", "opd_code": "33.25/dinkes"})
    return {"kader": kader["item"], "officer": officer["item"]}


@pytest.fixture
def inbox(notification, people):
    posyandu_id = people["kader"]["posyandu_id"]
    items = [{"id": f"msg-{n}", "posyandu_id": owner, "report_id": REPORT_ID, "status": "routed",
              "kind": "status", "title": "Laporan diteruskan", "body": "…", "title_en": "Report routed",
              "body_en": "…", "at": f"2026-05-0{n}T00:00:00+00:00", "read_at": None}
             for n, owner in ((1, posyandu_id), (2, posyandu_id), (3, "P-OTHER"))]
    notification.inbox_items.update({i["id"]: i for i in items})
    return items


def test_a_kader_reads_the_inbox_of_their_posyandu(api, notification, people, inbox, auth):
    response = api.get("/api/v1/inbox", params={"unread_only": "true", "per_page": 20},
                       headers=auth(people["kader"]))
    assert response.status_code == 200
    assert notification.calls[-1] == ("inbox", people["kader"]["posyandu_id"], True, 1, 20)
    page = response.json()
    assert [i["id"] for i in page["items"]] == ["msg-1", "msg-2"]
    assert (page["total"], page["unread"], page["page"], page["per_page"]) == (2, 2, 1, 20)


def test_a_kader_marks_items_read_and_only_their_own(api, notification, people, inbox, auth):
    response = api.post("/api/v1/inbox/read", json={"ids": ["msg-1", "msg-3"]},
                        headers=auth(people["kader"]))
    assert response.json() == {"updated": 1}
    assert notification.calls[-1] == ("mark_read", people["kader"]["posyandu_id"], ["msg-1", "msg-3"])
    after = api.get("/api/v1/inbox", headers=auth(people["kader"])).json()
    assert (after["total"], after["unread"]) == (2, 1)


def test_the_inbox_needs_a_kader(api, anonymous, notification, people, auth):
    assert anonymous.get("/api/v1/inbox").status_code == 401
    assert anonymous.post("/api/v1/inbox/read", json={"ids": ["msg-1"]}).status_code == 401
    for response in (api.get("/api/v1/inbox", headers=auth(people["officer"])),
                     api.post("/api/v1/inbox/read", json={"ids": ["msg-1"]},
                              headers=auth(people["officer"])), api.get("/api/v1/inbox")):
        assert response.status_code == 403 and "tidak boleh" in response.json()["detail"]
    assert notification.calls == []


@pytest.mark.parametrize("body", [{"ids": []}, {"ids": [f"msg-{n}" for n in range(501)]},
                                  {"ids": "msg-1"}, {"ids": ["msg-1"], "all": True}])
def test_a_mark_read_body_is_checked_before_notification_is_asked(api, notification, people, body, auth):
    response = api.post("/api/v1/inbox/read", json=body, headers=auth(people["kader"]))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][0] == "body"
    assert notification.calls == []
