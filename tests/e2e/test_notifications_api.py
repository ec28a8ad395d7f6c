"""End to end: an OPD registered through the admin API with a webhook and an e-mail address
gets each routed case once on every channel — its queue (read by the example consumer
`simpul-opd-listen`), its signed webhook (a real receiver that fails at first), its e-mail (a
real SMTP server) — and the kader who filed it reads the case's progress in the inbox."""
import time
import uuid

import pytest

from simpul_devtools.pytest_fixtures import wait_until


@pytest.fixture(scope="module")
def opd(api, enrol):
    """A new OPD of Batang, responsible for toddlers' health in one desa, with its officer (who
    signs in with the username the admin gave them)."""
    short = f"uji_{uuid.uuid4().hex[:6]}"
    created = api.post("/api/v1/opds", json={"kabupaten_code": "33.25", "short_code": short,
                                             "name": f"UPT Gizi Uji {short}"})
    assert created.status_code == 201, created.text
    code = created.json()["id"]
    _, officer = enrol({"name": "Petugas Gizi", "role": "opd_officer", "opd_code": code})
    return {"code": code, "short": short, "officer": officer}


@pytest.fixture(scope="module")
def place(api, enrol, opd):
    """A desa whose toddlers' health cases go to the new OPD, a Posyandu there, its kader."""
    posyandu = api.get("/api/v1/posyandu", params={"desa_code": "33.25.15.2005"}).json()["items"][0]
    rule = api.post("/api/v1/routing-rules", json={"region_prefix": posyandu["desa_code"],
                                                   "service_type": "kesehatan.balita",
                                                   "opd_code": opd["code"]})
    assert rule.status_code == 201, rule.text
    _, kader = enrol({"name": "Kader Uji", "role": "kader", "posyandu_id": posyandu["id"]})
    return {"desa_code": posyandu["desa_code"], "posyandu_id": posyandu["id"], "kader": kader}


@pytest.fixture(scope="module")
def channels(api, opd, tmp_path_factory, system):
    """The OPD's webhook receiver (failing twice per notification, checking signatures with
    the secret the API gives) and its queue consumer, as real processes."""
    from simpul_devtools.receivers_testing import OpdListener, WebhookReceiver
    base = f"/api/v1/opds/33.25/{opd['short']}"
    secret = api.get(f"{base}/webhook-secret").json()["secret"]
    receiver = WebhookReceiver(tmp_path_factory.mktemp("hook"), secret, fail_first=2)
    listener = OpdListener(tmp_path_factory.mktemp("listen"), system.amqp_uri, opd["code"])
    address = f"gizi.{opd['short']}@dinkes.batangkab.example.go.id"
    patched = api.patch(base, json={"channels": [{"type": "webhook", "url": receiver.url},
                                                 {"type": "email", "address": address}]})
    assert patched.status_code == 200, patched.text
    yield {"webhook": receiver, "queue": listener, "address": address, "base": base}
    receiver.stop()
    listener.stop()


def file_report(api, place):
    response = api.post("/api/v1/reports", headers=api.login(place["kader"]), json={
        "desa_code": place["desa_code"], "posyandu_id": place["posyandu_id"],
        "service_type": "kesehatan.balita", "kind": "service_need",
        "description": "Balita gizi kurang perlu pendampingan"})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_a_routed_case_reaches_every_channel_of_its_opd_once(api, opd, place, channels, mail):
    time.sleep(0.5)   # the registry's change reaches routing and notification
    report_id = file_report(api, place)
    accepted = wait_until(lambda: [a for a in channels["webhook"].accepted()
                                   if a["body"]["case"]["report_id"] == report_id],
                          seconds=20, what="the webhook, after two failures")
    notices = wait_until(lambda: [n for n in channels["queue"].notices()
                                  if n["case"]["report_id"] == report_id], what="the queue")
    mails = wait_until(lambda: [m for m in mail.messages() if m["To"] == channels["address"]],
                       what="the e-mail")
    assert accepted[0]["attempt"] == 3 and accepted[0]["body"]["case"]["opd_code"] == opd["code"]
    assert notices[0]["type"] == "case.routed"
    assert report_id in mails[0].get_content() and "Kasus baru" in mails[0]["Subject"]

    log = wait_until(lambda: (d := api.get("/api/v1/deliveries",
                                           params={"report_id": report_id}).json())["total"] == 3
                     and all(i["status"] == "delivered" for i in d["items"]) and d,
                     seconds=15, what="three delivered in the log")
    by_channel = {i["channel"]: i for i in log["items"]}
    assert [a.get("status_code") for a in by_channel["webhook"]["attempts"]] == [503, 503, 200]
    assert by_channel["email"]["destination"].startswith("g***@")
    time.sleep(1)
    assert len([a for a in channels["webhook"].accepted()
                if a["body"]["case"]["report_id"] == report_id]) == 1
    assert len([n for n in channels["queue"].notices() if n["case"]["report_id"] == report_id]) == 1


def test_a_paused_webhook_holds_its_deliveries_until_resumed(api, opd, place, channels):
    assert api.post(f"{channels['base']}/channels/webhook/pause").status_code == 200
    channels["webhook"].control(fail_first=0)
    report_id = file_report(api, place)
    wait_until(lambda: [n for n in channels["queue"].notices()
                        if n["case"]["report_id"] == report_id], what="the queue still gets it")
    time.sleep(1.5)
    webhook = [i for i in api.get("/api/v1/deliveries", params={"report_id": report_id,
                                                                 "channel": "webhook"}).json()["items"]]
    assert webhook and webhook[0]["status"] == "pending"
    assert not [a for a in channels["webhook"].accepted()
                if a["body"]["case"]["report_id"] == report_id]
    assert api.post(f"{channels['base']}/channels/webhook/resume").status_code == 200
    wait_until(lambda: [a for a in channels["webhook"].accepted()
                        if a["body"]["case"]["report_id"] == report_id], what="sent after resume")


def test_the_kader_reads_the_progress_of_the_case_in_the_inbox(api, opd, place, channels):
    report_id = file_report(api, place)
    case = wait_until(lambda: (r := api.get(f"/api/v1/cases/{report_id}")).status_code == 200
                      and r.json(), what="the case")
    officer = api.login(opd["officer"])
    assert api.post(f"/api/v1/cases/{case['id']}/acknowledge", json={}, headers=officer).status_code == 200
    assert api.post(f"/api/v1/cases/{case['id']}/resolve", headers=officer,
                    json={"resolution": "Pendampingan gizi dijadwalkan"}).status_code == 200
    kader = api.login(place["kader"])

    def three():
        items = [i for i in api.get("/api/v1/inbox", headers=kader).json()["items"]
                 if i["report_id"] == report_id]
        return len(items) == 3 and items
    items = wait_until(three, seconds=15, what="three inbox items")
    assert [i["status"] for i in items] == ["resolved", "acknowledged", "routed"]
    assert "konfirmasi" in items[0]["body"]
    read = api.post("/api/v1/inbox/read", json={"ids": [i["id"] for i in items]}, headers=kader)
    assert read.json() == {"updated": 3}
    unread = api.get("/api/v1/inbox", params={"unread_only": True}, headers=kader).json()
    assert report_id not in {i["report_id"] for i in unread["items"]}
    assert api.get("/api/v1/inbox", headers=officer).status_code == 403
