"""Notification in a nameko container, with the registry's OPD and people, the real broker,
a real OPD queue consumer, real webhook receivers (which fail on purpose and check
signatures) and a real SMTP server: each case event reaches each channel once; failures are
retried, parked and re-delivered on command; a slow receiver holds up nobody else."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from pymongo import MongoClient

from simpul_common import contracts, webhooks
from simpul_devtools.pytest_fixtures import wait_until
from simpul_notification.service import NotificationService

WEBHOOK_KEY = "test-webhook-key"
BIN = Path(sys.executable).parent     # the console scripts of this environment


@pytest.fixture
def rpc(amqp_uri):
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=15) as proxy:
        yield proxy


@pytest.fixture
def notification(registry, run_service, service_config, mongo_uri, db_names, broker, smtp_sink):
    run_service(NotificationService, service_config(
        db_names["notification"], SMTP_HOST=smtp_sink.host, SMTP_PORT=smtp_sink.port,
        WEBHOOK_TIMEOUT_SECONDS=2))
    return MongoClient(mongo_uri)[db_names["notification"]]


def opd_code_for_test():
    return f"33.25/uji_{uuid.uuid4().hex[:8]}"


def new_opd(rpc, channels=(), code=None):
    """An OPD of the test's own, with the channels given (its queue comes with it)."""
    kabupaten, short = (code or opd_code_for_test()).split("/")
    opd = rpc.registry.create_opd({"kabupaten_code": kabupaten, "short_code": short,
                                   "name": f"OPD Uji {short}", "channels": list(channels)})
    return opd["item"]["id"]


def receiver_for(webhook_receiver, **behaviour):
    """A webhook receiver holding the secret of an OPD code chosen now, and that code."""
    code = opd_code_for_test()
    return webhook_receiver(webhooks.opd_secret(WEBHOOK_KEY, code), **behaviour), code


def event(message_cls, report_id, **fields):
    common = dict(report_id=report_id, kind="service_need", service_type="kesehatan.balita",
                  spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")
    message = message_cls(**common, **fields)
    return message.envelope(contracts.stable_id(report_id, message.type, str(uuid.uuid4())))


def routed(report_id, opd_code):
    return event(contracts.ReportRouted, report_id, opd_code=opd_code,
                 opd_name="OPD Uji", rule_id="r1", due_at="2026-12-01T16:59:59.999+00:00",
                 routed_at=contracts.utc_now(), unit_code=None)


def records_of(db, report_id):
    return {r["channel"]: r for r in db.deliveries.find({"report_id": report_id})}


def test_a_routed_case_reaches_the_opd_queue_once_and_is_announced(
        notification, broker, rpc, opd_listener, amqp_uri):
    opd_code = new_opd(rpc)
    listener = opd_listener(amqp_uri, opd_code)
    probe = broker.probe(contracts.NotificationDelivered.type)
    envelope = routed("case-queue", opd_code)
    broker.publish(envelope)
    wait_until(lambda: probe.of_type("notification.delivered"), what="announced")
    broker.publish(envelope)            # redelivered: nothing is sent twice

    notices = wait_until(lambda: listener.notices(), what="the OPD's consumer stored it")
    notice = notices[0]
    assert notice["contract"] == contracts.OPD_CONTRACT and notice["type"] == "case.routed"
    assert notice["case"]["report_id"] == "case-queue"
    assert notice["case"]["url"] == "http://gateway.test/api/v1/reports/case-queue"
    announced = wait_until(lambda: len(probe.of_type("notification.delivered")) >= 2 and probe.seen,
                           what="announced, and announced again on redelivery")
    assert {e["id"] for e in announced} == {announced[0]["id"]}
    assert announced[0]["data"]["notification_id"] == notice["notification_id"]
    time.sleep(0.5)
    assert len(listener.notices()) == 1
    record = records_of(notification, "case-queue")["rabbitmq"]
    assert record["status"] == "delivered" and len(record["attempts"]) == 1


def test_every_channel_gets_the_case_once_and_a_failing_webhook_is_retried(
        notification, broker, rpc, webhook_receiver, smtp_sink):
    receiver, code = receiver_for(webhook_receiver, fail_first=2)
    opd_code = new_opd(rpc, [{"type": "webhook", "url": receiver.url},
                             {"type": "email", "address": "pengaduan@dinkes.example.go.id"}], code)
    broker.publish(routed("case-all", opd_code))

    accepted = wait_until(lambda: receiver.accepted(), seconds=15, what="webhook accepted")
    assert accepted[0]["body"]["case"]["report_id"] == "case-all"
    assert accepted[0]["attempt"] == 3
    mails = wait_until(lambda: smtp_sink.messages(), what="e-mail")
    assert mails[0]["To"] == "pengaduan@dinkes.example.go.id"
    assert "kesehatan.balita" in mails[0]["Subject"]
    records = wait_until(lambda: (r := records_of(notification, "case-all"))
                         and r["webhook"]["status"] == "delivered" and r, what="logged")
    attempts = records["webhook"]["attempts"]
    assert [a.get("status_code") for a in attempts] == [503, 503, 200]
    assert all(a["latency_ms"] is not None for a in attempts)
    assert records["webhook"]["_id"] == accepted[0]["notification_id"]
    assert mails[0]["Message-ID"] == f"<{records['email']['_id']}@simpul>"
    time.sleep(1)
    assert len(receiver.accepted()) == 1 and len(smtp_sink.messages()) == 1


def test_a_dead_webhook_is_parked_then_redelivered_by_the_retry_command(
        notification, broker, rpc, webhook_receiver, amqp_uri):
    receiver, code = receiver_for(webhook_receiver, fail_first=1000)
    opd_code = new_opd(rpc, [{"type": "webhook", "url": receiver.url}], code)
    broker.publish(routed("case-dead", opd_code))

    parked = wait_until(lambda: rpc.notification.find_deliveries(
        {"status": "parked", "opd_code": opd_code}, 1, 50)["items"], seconds=20, what="parked")
    assert parked[0]["attempt_count"] == 4 and len(parked[0]["attempts"]) == 4
    assert receiver.accepted() == []
    receiver.control(fail_first=0)
    listed = subprocess.run([str(BIN / "simpul-deliveries"), "list", "--status", "parked",
                             "--opd", opd_code], env={**os.environ, "AMQP_URI": amqp_uri},
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and parked[0]["id"] in listed.stdout
    retried = subprocess.run([str(BIN / "simpul-deliveries"), "retry", "--all", "--opd", opd_code],
                             env={**os.environ, "AMQP_URI": amqp_uri}, capture_output=True,
                             text=True, timeout=60)
    assert retried.returncode == 0, retried.stderr
    accepted = wait_until(lambda: receiver.accepted(), seconds=10, what="redelivered")
    assert accepted[0]["notification_id"] == parked[0]["id"]
    again = rpc.notification.retry_delivery(parked[0]["id"])
    assert again["status"] == 409        # delivered now: nothing to retry


def test_a_slow_webhook_does_not_hold_up_another_opd(notification, broker, rpc, webhook_receiver):
    slow, slow_code = receiver_for(webhook_receiver, delay=1.5)
    fast, fast_code = receiver_for(webhook_receiver)
    slow_opd = new_opd(rpc, [{"type": "webhook", "url": slow.url}], slow_code)
    fast_opd = new_opd(rpc, [{"type": "webhook", "url": fast.url}], fast_code)
    for n in range(6):
        broker.publish(routed(f"case-slow-{n}", slow_opd))
    time.sleep(0.3)
    started = time.monotonic()
    broker.publish(routed("case-fast", fast_opd))
    wait_until(lambda: fast.accepted(), seconds=10, what="the fast OPD's webhook")
    assert time.monotonic() - started < 1.5, "waited behind the slow receiver"
    assert len(slow.accepted()) < 6
    wait_until(lambda: len(slow.accepted()) == 6, seconds=20, what="the slow one, eventually")


def test_a_paused_channel_keeps_its_deliveries_until_resumed(notification, broker, rpc,
                                                             webhook_receiver):
    receiver, code = receiver_for(webhook_receiver)
    opd_code = new_opd(rpc, [{"type": "webhook", "url": receiver.url}], code)
    state = rpc.notification.pause_channel(opd_code, "webhook", True, "ops")["item"]
    assert state == {**state, "owner": opd_code, "channel": "webhook", "paused": True}
    broker.publish(routed("case-paused", opd_code))
    wait_until(lambda: records_of(notification, "case-paused"), what="stored")
    time.sleep(1.5)
    assert receiver.accepted() == []
    assert records_of(notification, "case-paused")["webhook"]["status"] == "pending"
    assert records_of(notification, "case-paused")["rabbitmq"]["status"] == "delivered"
    rpc.notification.pause_channel(opd_code, "webhook", False, "ops")
    wait_until(lambda: receiver.accepted(), seconds=5, what="sent after resuming")


def test_an_escalation_reaches_the_opd_head_and_the_tph_by_email(notification, broker, rpc,
                                                                 smtp_sink):
    opd_code = new_opd(rpc)
    head = rpc.registry.create_person({"name": "Kepala Uji", "role": "opd_head", "opd_code": opd_code,
                                       "email": f"kepala.{uuid.uuid4().hex[:6]}@dinkes.example.go.id"})
    tph = rpc.registry.create_person({"name": "TPH Uji", "role": "tph", "kabupaten_code": "33.25",
                                      "email": f"tph.{uuid.uuid4().hex[:6]}@batangkab.example.go.id"})
    addresses = {head["item"]["email"], tph["item"]["email"]}
    broker.publish(event(contracts.CaseEscalated, "case-esc", level=2, target="tph",
                         deadline="acknowledge", overdue_since="2026-11-26T16:59:59.999+00:00",
                         kabupaten_code="33.25", escalated_at=contracts.utc_now(), sequence=3,
                         opd_code=opd_code))
    mails = wait_until(lambda: [m for m in smtp_sink.messages() if m["To"] in addresses]
                       if len([m for m in smtp_sink.messages() if m["To"] in addresses]) >= 2 else None,
                       seconds=10, what="two e-mails")
    assert {m["To"] for m in mails} == addresses
    assert all("Eskalasi tingkat 2" in m["Subject"] for m in mails)
    body = mails[0].get_content()
    assert "English" in body and "escalated to the TPH" in body


def test_the_kader_inbox_shows_the_status_changes_of_the_posyandus_reports(notification, broker,
                                                                           rpc):
    posyandu = f"P-uji-{uuid.uuid4().hex[:6]}"
    for seq, (action, before, after) in enumerate((("acknowledge", "routed", "acknowledged"),
                                                   ("resolve", "acknowledged", "resolved")), 1):
        message = contracts.CaseChanged(
            report_id="case-inbox", kind="complaint", service_type="kesehatan.balita",
            spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id=posyandu,
            action=action, from_status=before, to_status=after, actor_role="opd_officer",
            kabupaten_code="33.25", escalation_level=0, changed_at=contracts.utc_now(),
            sequence=seq, opd_code="33.25/dinkes", opd_name="Dinas Kesehatan")
        broker.publish(message.envelope(contracts.stable_id("case-inbox", str(seq))))
    kader = {"role": "kader", "id": "u-kader", "posyandu_id": posyandu}
    inbox = wait_until(lambda: (i := rpc.notification.inbox(posyandu, False, 1, 50, actor=kader))["total"] == 2
                       and i, what="two inbox items")
    assert [i["status"] for i in inbox["items"]] == ["resolved", "acknowledged"]
    assert "konfirmasi" in inbox["items"][0]["body"] and inbox["unread"] == 2
    assert rpc.notification.mark_read(posyandu, [inbox["items"][1]["id"]], actor=kader) == {"updated": 1}
    assert rpc.notification.inbox(posyandu, True, 1, 50, actor=kader)["total"] == 1
    other = {**kader, "posyandu_id": "P-lain"}
    assert rpc.notification.inbox(posyandu, False, 1, 50, actor=other)["status"] == 403
    assert rpc.notification.mark_read(posyandu, [inbox["items"][0]["id"]], actor=other)["status"] == 403
    assert rpc.notification.inbox(posyandu, True, 1, 50, actor=kader)["total"] == 1
