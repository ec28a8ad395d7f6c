"""Duplicates of one case event through the real broker onto `notification.cases`, handled by
two notification replicas at once, for an OPD with a queue, a webhook and an e-mail address:
every copy is acknowledged, each channel gets one delivery record (`_id` is the notification
id, stable per event, channel and destination) and one send (claimed by a conditional write),
the Posyandu one inbox item, and `notification.delivered` only ever carries the same ids."""
import json
import uuid

import pytest
from nameko.utils.concurrency import SpawningProxy
from pymongo import MongoClient

from simpul_common import contracts, webhooks
from simpul_devtools import broker_testing
from simpul_devtools.pytest_fixtures import wait_until
from simpul_notification.service import NotificationService

QUEUE = "notification.cases"
REPORT_ID = "case-delivered-again"


@pytest.fixture
def replicas(registry, run_service, service_config, db_names, smtp_sink, broker):
    """Two notification replicas on one database, five workers each, consuming: their
    containers."""
    config = service_config(db_names["notification"], max_workers=5, SMTP_HOST=smtp_sink.host,
                            SMTP_PORT=smtp_sink.port, WEBHOOK_TIMEOUT_SECONDS=2)
    return [run_service(NotificationService, config) for _ in range(2)]


def handled() -> dict:
    return broker_testing.handled("notification", QUEUE, "report.routed")



def routed(opd_code: str) -> dict:
    event = contracts.ReportRouted(
        report_id=REPORT_ID, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        opd_code=opd_code, opd_name="OPD Uji", rule_id="r1",
        due_at="2026-12-01T16:59:59.999+00:00", routed_at=contracts.utc_now())
    return event.envelope(contracts.stable_id(REPORT_ID, event.type))


def test_a_case_event_delivered_nine_times_to_two_replicas_reaches_each_channel_once(
        replicas, broker, rpc, webhook_receiver, smtp_sink, mongo_uri, db_names):
    opd_code = f"33.25/uji_{uuid.uuid4().hex[:8]}"
    receiver = webhook_receiver(webhooks.opd_secret("test-webhook-key", opd_code))
    address = "pengaduan@uji.example.go.id"
    kabupaten, short = opd_code.split("/")
    rpc.registry.create_opd({"kabupaten_code": kabupaten, "short_code": short, "name": "OPD Uji",
                             "channels": [{"type": "webhook", "url": receiver.url},
                                          {"type": "email", "address": address}]})
    db = MongoClient(mongo_uri)[db_names["notification"]]
    announced = broker.probe(contracts.NotificationDelivered.type)
    envelope, before = routed(opd_code), handled()
    broker.burst([envelope] * 8)       # back to back: copies reach both replicas at once

    wait_until(lambda: handled()["ok"] - before["ok"] == 8, seconds=30,
               what="eight copies handled")
    wait_until(lambda: db.deliveries.count_documents({"report_id": REPORT_ID,
                                                      "status": "delivered"}) == 3,
               seconds=15, what="the three channels delivered")
    broker.publish(envelope)           # and one more, late, once everything is delivered
    wait_until(lambda: handled()["ok"] - before["ok"] == 9, seconds=30,
               what="the late copy handled")
    SpawningProxy(replicas).stop()     # what they had not acknowledged goes back to the queue

    records = list(db.deliveries.find({"report_id": REPORT_ID}))
    assert sorted(r["channel"] for r in records) == ["email", "rabbitmq", "webhook"]
    assert all(len(r["attempts"]) == 1 for r in records), "each channel sent once"
    assert db.inbox.count_documents({"report_id": REPORT_ID}) == 1
    by_channel = {r["channel"]: r["_id"] for r in records}
    notices = broker.read(contracts.opd_queue_name(opd_code))
    assert [n.payload["notification_id"] for n in notices] == [by_channel["rabbitmq"]]
    assert [(h["notification_id"], h["duplicate"]) for h in receiver.accepted()] == [
        (by_channel["webhook"], False)]
    assert [m["To"] for m in smtp_sink.messages()] == [address]
    events = announced.drain()
    assert {e["id"] for e in events} == {contracts.stable_id(nid, "notification.delivered")
                                         for nid in by_channel.values()}
    assert len({json.dumps(e, sort_keys=True) for e in events}) == 3, "one body per id"
    assert handled()["dead"] == before["dead"]
    assert set(broker.left_on(QUEUE).values()) == {0}
