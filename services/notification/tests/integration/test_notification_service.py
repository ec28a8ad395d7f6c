"""Notification in a nameko container: routed cases reach the OPD's own durable queue once."""
import pytest
from pymongo import MongoClient

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until
from simpul_notification.service import NotificationService


@pytest.fixture
def notification(run_service, service_config, mongo_uri, db_names, broker):
    run_service(NotificationService, service_config(db_names["notification"]))
    return MongoClient(mongo_uri)[db_names["notification"]]


def routed(report_id, opd_code="33.25/dinkes"):
    event = contracts.ReportRouted(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        opd_code=opd_code, opd_name="Dinas Kesehatan Kabupaten Batang", rule_id="r1",
        due_at="2026-12-01T16:59:59+00:00", routed_at=contracts.utc_now(),
        unit_code="puskesmas-33.25.01")
    return event.envelope(contracts.stable_id(report_id, event.type))


def test_delivers_a_routed_case_to_the_opd_queue_and_records_it(notification, broker):
    probe = broker.probe(contracts.NotificationDelivered.type)
    broker.read(contracts.opd_queue_name("33.25/dinkes"))
    envelope = routed("case-1")
    broker.publish(envelope)

    delivered = wait_until(lambda: probe.of_type("notification.delivered"), what="delivered")[0]
    notices = wait_until(lambda: broker.read("simpul.opd.33.25.dinkes"), what="OPD notice")
    notice = notices[0].payload
    assert notice["contract"] == contracts.OPD_CONTRACT
    assert notice["case"]["report_id"] == "case-1"
    assert notice["case"]["url"] == "http://gateway.test/api/v1/reports/case-1"
    assert notices[0].properties["message_id"] == notice["notification_id"]
    assert notices[0].properties["delivery_mode"] == 2, "persistent"
    assert delivered["data"]["notification_id"] == notice["notification_id"]
    record = notification.deliveries.find_one({"_id": notice["notification_id"]})
    assert record["status"] == "delivered" and len(record["attempts"]) == 1


def test_a_redelivered_event_is_not_sent_twice(notification, broker):
    probe = broker.probe(contracts.NotificationDelivered.type)
    broker.read(contracts.opd_queue_name("33.25/dinkes"))
    envelope = routed("case-2")
    broker.publish(envelope)
    wait_until(lambda: probe.of_type("notification.delivered"), what="first delivery")
    broker.publish(envelope)
    events = wait_until(lambda: len(probe.of_type("notification.delivered")) == 2 and probe.seen,
                        what="second announcement")
    assert events[0]["id"] == events[1]["id"]
    assert len(broker.read("simpul.opd.33.25.dinkes")) == 1
    assert notification.deliveries.count_documents({"report_id": "case-2"}) == 1


def test_each_opd_gets_its_own_queue(notification, broker):
    broker.publish(routed("case-3", opd_code="21.71/dinsos"))
    notices = wait_until(lambda: broker.read("simpul.opd.21.71.dinsos"), what="Batam notice")
    assert notices[0].payload["case"]["opd_code"] == "21.71/dinsos"


def test_duplicates_arriving_together_still_send_once(notification, broker):
    probe = broker.probe(contracts.NotificationDelivered.type)
    broker.read(contracts.opd_queue_name("33.25/dinkes"))
    envelope = routed("case-4")
    for _ in range(5):
        broker.publish(envelope)
    wait_until(lambda: len(probe.of_type("notification.delivered")) == 5 and probe.seen,
               seconds=20, what="five announcements")
    assert len(broker.read("simpul.opd.33.25.dinkes")) == 1
