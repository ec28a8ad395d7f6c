import datetime as dt

import pytest

from simpul_common import contracts
from simpul_notification import usecases
from simpul_notification.domain import delivery

LONG_AGO = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class FakeDeliveryRepository:
    """In memory, with the semantics of repository.DeliveryRepository."""

    def __init__(self):
        self.records = {}

    def get(self, notification_id):
        return self.records.get(notification_id)

    def claim(self, record, now, stale_after):
        stored = self.records.get(record["_id"])
        if stored is None:
            self.records[record["_id"]] = {**record, "status": "sending", "claimed_at": now}
            return True, record
        if stored["status"] != "delivered" and stored["claimed_at"] < now - stale_after:
            stored.update(status="sending", claimed_at=now)
            return True, record
        return False, stored

    def release(self, notification_id):
        stored = self.records.get(notification_id)
        if stored is not None and stored["status"] == "sending":
            stored["claimed_at"] = LONG_AGO

    def record_success(self, record, attempt):
        stored = self.records.setdefault(record["_id"], {"_id": record["_id"], "attempts": []})
        fields = {k: v for k, v in record.items() if k not in ("_id", "attempts", "status")}
        stored.update(fields, status="delivered", delivered_at=attempt["at"])
        stored["attempts"] = stored["attempts"] + [attempt]
        return {**record, "status": "delivered", "delivered_at": attempt["at"]}


class FakeOpdQueue:
    def __init__(self, fail=False):
        self.sent = []
        self.fail = fail

    def destination(self, opd_code):
        return contracts.opd_queue_name(opd_code)

    def send(self, opd_code, notice):
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((opd_code, notice))


def routed_event(event_id="e-routed"):
    event = contracts.ReportRouted(
        report_id="r-1", kind="complaint", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        opd_code="33.25/dinkes", opd_name="Dinas Kesehatan Kabupaten Batang",
        rule_id="demo:33.25.01:kesehatan.*", due_at="2026-11-09T16:59:59+00:00",
        routed_at="2026-11-02T03:00:00+00:00", unit_code="puskesmas-33.25.01")
    return contracts.decode(event.envelope(event_id, "2026-11-02T03:00:00+00:00"))


def deliver(received, deliveries, queue, published, base="https://simpul.example/"):
    return usecases.deliver_to_opd(received, deliveries, queue, published.append, base)


def test_notification_ids_are_stable_per_event_and_channel():
    assert delivery.notification_id("e-1", "rabbitmq") == delivery.notification_id("e-1", "rabbitmq")
    assert delivery.notification_id("e-1", "rabbitmq") != delivery.notification_id("e-2", "rabbitmq")
    assert delivery.notification_id("e-1", "rabbitmq") != delivery.notification_id("e-1", "email")


def test_a_routed_case_is_sent_to_its_opd_queue_and_announced():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []

    record = deliver(routed_event(), deliveries, queue, published)

    assert [opd for opd, _ in queue.sent] == ["33.25/dinkes"]
    assert record["status"] == "delivered"
    assert record["destination"] == "simpul.opd.33.25.dinkes"
    message = contracts.decode(published[0]).message
    assert isinstance(message, contracts.NotificationDelivered)
    assert message.cause == "e-routed"
    assert message.notification_id == record["_id"]


def test_the_notice_links_to_the_case_and_carries_the_notification_id():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []

    record = deliver(routed_event(), deliveries, queue, published, base="https://simpul.example/")

    notice = queue.sent[0][1]
    assert notice["notification_id"] == record["_id"]
    assert notice["case"]["url"] == "https://simpul.example/api/v1/reports/r-1"
    assert notice["case"]["unit_code"] == "puskesmas-33.25.01"


def test_a_redelivered_event_is_not_sent_twice_but_announced_again_with_the_same_id():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []

    deliver(routed_event(), deliveries, queue, published)
    deliver(routed_event(), deliveries, queue, published)

    assert len(queue.sent) == 1
    assert len(published) == 2
    assert published[0]["id"] == published[1]["id"]
    assert published[0]["data"] == published[1]["data"]


def test_another_routed_event_is_another_notification():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []

    deliver(routed_event("e-1"), deliveries, queue, published)
    deliver(routed_event("e-2"), deliveries, queue, published)

    assert len(queue.sent) == 2
    assert queue.sent[0][1]["notification_id"] != queue.sent[1][1]["notification_id"]


def test_a_failed_send_records_nothing_and_announces_nothing():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(fail=True), []

    with pytest.raises(ConnectionError):
        deliver(routed_event(), deliveries, queue, published)

    assert all(r["status"] != "delivered" for r in deliveries.records.values())
    assert published == []


def test_a_delivery_after_a_failed_send_goes_through():
    deliveries, published = FakeDeliveryRepository(), []
    with pytest.raises(ConnectionError):
        deliver(routed_event(), deliveries, FakeOpdQueue(fail=True), published)

    queue = FakeOpdQueue()
    deliver(routed_event(), deliveries, queue, published)

    assert len(queue.sent) == 1
    assert [e["type"] for e in published] == ["notification.delivered"]


def test_the_delivered_event_is_dated_when_the_notice_was_sent():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []

    deliver(routed_event(), deliveries, queue, published)

    sent_at = queue.sent[0][1]["sent_at"]
    assert published[0]["data"]["delivered_at"] == sent_at
    assert published[0]["occurred_at"] == sent_at


def claimed_by_another_worker(deliveries, claimed_at):
    nid = delivery.notification_id("e-routed", delivery.CHANNEL_OPD_QUEUE)
    deliveries.records[nid] = {"_id": nid, "report_id": "r-1", "opd_code": "33.25/dinkes",
                               "channel": "rabbitmq", "destination": "simpul.opd.33.25.dinkes",
                               "status": "sending", "claimed_at": claimed_at, "attempts": []}


def test_a_notification_another_worker_is_sending_is_left_to_it_and_retried_later():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []
    claimed_by_another_worker(deliveries, dt.datetime.now(dt.timezone.utc))

    with pytest.raises(usecases.DeliveryInProgress):
        deliver(routed_event(), deliveries, queue, published)

    assert queue.sent == [] and published == []


def test_the_claim_of_a_worker_that_died_is_taken_over():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []
    claimed_by_another_worker(deliveries, dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))

    deliver(routed_event(), deliveries, queue, published)

    assert len(queue.sent) == 1
    assert [e["type"] for e in published] == ["notification.delivered"]


def escalated_event(event_id="e-escalated", opd_code="33.25/dinkes", level=2, deadline="resolve",
                    sequence=3):
    event = contracts.CaseEscalated(
        report_id="r-1", kind="complaint", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        level=level, target=contracts.ESCALATION_TARGETS[level], deadline=deadline,
        overdue_since="2026-11-09T16:59:59.999+00:00", kabupaten_code="33.25",
        escalated_at="2026-11-12T00:00:00.000+00:00", sequence=sequence, opd_code=opd_code)
    return contracts.decode(event.envelope(event_id, "2026-11-12T00:00:00.000+00:00"))


def test_an_escalation_is_sent_to_the_opd_as_an_escalation_notice():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []

    record = deliver(escalated_event(), deliveries, queue, published)

    [(opd, notice)] = queue.sent
    assert opd == "33.25/dinkes"
    assert notice["type"] == "case.escalated"
    assert notice["contract"] == contracts.OPD_CONTRACT
    assert notice["notification_id"] == record["_id"] == delivery.notification_id(
        "e-escalated", delivery.CHANNEL_OPD_QUEUE)
    assert notice["escalation"] == {"level": 2, "target": "tph", "deadline": "resolve",
                                    "overdue_since": "2026-11-09T16:59:59.999+00:00",
                                    "escalated_at": "2026-11-12T00:00:00.000+00:00"}
    assert notice["case"]["report_id"] == "r-1"
    assert notice["case"]["opd_code"] == "33.25/dinkes"
    assert notice["case"]["url"] == "https://simpul.example/api/v1/reports/r-1"
    assert "due_at" not in notice["case"] and "routed_at" not in notice["case"]
    message = contracts.decode(published[0]).message
    assert (message.cause, message.opd_code) == ("e-escalated", "33.25/dinkes")


def test_a_routed_notice_has_no_escalation_block():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []
    deliver(routed_event(), deliveries, queue, published)
    notice = queue.sent[0][1]
    assert notice["type"] == "case.routed" and "escalation" not in notice
    assert notice["case"]["due_at"] == "2026-11-09T16:59:59+00:00"


def test_an_escalation_and_the_routing_of_the_same_case_are_two_notifications():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []
    deliver(routed_event(), deliveries, queue, published)
    deliver(escalated_event(), deliveries, queue, published)
    deliver(escalated_event(), deliveries, queue, published)      # redelivered
    assert [n["type"] for _, n in queue.sent] == ["case.routed", "case.escalated"]
    assert len(published) == 3 and published[1]["id"] == published[2]["id"]


def test_an_escalation_of_a_case_no_opd_holds_is_not_delivered():
    deliveries, queue, published = FakeDeliveryRepository(), FakeOpdQueue(), []

    result = deliver(escalated_event(opd_code=None, level=3, deadline="triage"), deliveries,
                     queue, published)

    assert result is None
    assert queue.sent == [] and published == [] and deliveries.records == {}
