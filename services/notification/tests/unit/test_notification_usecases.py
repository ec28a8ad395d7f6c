"""Notification's use cases over an in-memory delivery log with the semantics of
repository.DeliveryRepository, and a courier that records what it sends: each event stored once
and sent once, the queue inline and the slow channels on the courier's threads, retries,
parking, operations, and the kader's inbox."""
import copy
import datetime as dt
import logging
from collections import Counter

import pytest

from simpul_common import contracts
from simpul_notification import usecases
from simpul_notification.domain import delivery
from simpul_notification.domain.delivery import RetryPolicy
from simpul_notification.domain.plan import notification_id, plan

T0 = "2026-11-02T03:00:00.000+00:00"
BASE = "https://simpul.example/"
QUEUE = "simpul.opd.33.25.dinkes"
HOOK = "https://dinkes.example.go.id/simpul"
OPD_MAIL = "pengaduan@dinkes.example.go.id"
HEAD_MAIL = "kepala@dinkes.example.go.id"
TPH_MAIL = "tph@batangkab.example.go.id"
REPORT = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101")


def later(seconds, start=T0):
    return delivery.later(start, seconds)


# --- fakes ---------------------------------------------------------------------------------------

def matches(doc, query):
    return all(doc.get(k) == v for k, v in query.items())


class FakeDeliveries:
    """In memory, with the semantics of repository.DeliveryRepository."""

    def __init__(self):
        self.records, self.states, self.items = {}, {}, {}
        self.claims, self.writes = 0, Counter()   # conditional claims; bulk writes by kind

    # the log
    def add(self, records):
        self.writes["add"] += bool(records)
        seen = []
        for record in records:
            if record["_id"] in self.records:
                seen.append(record["_id"])
            else:
                self.records[record["_id"]] = copy.deepcopy(record)
        return seen

    def delivered_among(self, ids):
        return [self._out(r) for i, r in self.records.items()
                if i in ids and r["status"] == "delivered"]

    def get(self, notification_id):
        record = self.records.get(notification_id)
        return copy.deepcopy(record) if record is not None else None

    def claim(self, notification_id, now, stale_before):
        record = self.records.get(notification_id)
        if record is None or not self._due(record, now, stale_before):
            return None
        record.update(delivery.claimed(now))
        self.claims += 1
        return copy.deepcopy(record)

    @staticmethod
    def _due(record, now, stale_before):
        return (record["status"] == "pending" and record["next_attempt_at"] <= now) or \
            (record["status"] == "sending" and record.get("claimed_at") is not None
             and record["claimed_at"] < stale_before)

    def finish(self, outcomes):
        self.writes["finish"] += bool(outcomes)
        for notification_id, changes, attempt in outcomes:
            record = self.records.get(notification_id)
            if record is not None and record["status"] == "sending":
                record.update(copy.deepcopy(changes), claimed_at=None)
                record["attempts"] = record["attempts"] + [copy.deepcopy(attempt)]

    def due(self, now, stale_before, paused, limit):
        if limit <= 0:
            return []
        found = [r for r in self.records.values() if self._due(r, now, stale_before)
                 and r["channel_key"] not in paused]
        found.sort(key=lambda r: r.get("next_attempt_at") or "")
        return [r["_id"] for r in found[:limit]]

    def find(self, query, page, per_page):
        found = [r for r in self.records.values() if matches(r, query)]
        found.sort(key=lambda r: r["_id"])
        found.sort(key=lambda r: r["created_at"], reverse=True)
        start = (page - 1) * per_page
        return [self._out(r) for r in found[start:start + per_page]], len(found)

    def retry(self, query, now):
        count = 0
        for record in self.records.values():
            if matches(record, query) and record["status"] == "parked":
                record.update(status="pending", next_attempt_at=now, attempt_count=0,
                              retried_at=now)
                count += 1
        return count

    def for_report(self, report_id):
        return [self._out(r) for r in self.records.values() if r["report_id"] == report_id]

    @staticmethod
    def _out(record):
        return {k: copy.deepcopy(v) for k, v in record.items() if k != "payload"}

    # paused channels
    def paused(self):
        return {k for k, s in self.states.items() if s.get("paused")}

    def set_paused(self, key, paused, at, by):
        self.states.setdefault(key, {"_id": key}).update(paused=paused, changed_at=at,
                                                         changed_by=by)
        return copy.deepcopy(self.states[key])

    def channel_states(self, prefix):
        return [copy.deepcopy(s) for k, s in self.states.items() if k.startswith(prefix + "|")]

    # the inbox
    def add_to_inbox(self, items):
        self.writes["add_to_inbox"] += bool(items)
        for item in items:
            self.items.setdefault(item["_id"], copy.deepcopy(item))

    def inbox_page(self, posyandu_id, unread_only, page, per_page):
        mine = [i for i in self.items.values() if i["posyandu_id"] == posyandu_id]
        chosen = [i for i in mine if i["read_at"] is None] if unread_only else mine
        chosen.sort(key=lambda i: i["_id"])
        chosen.sort(key=lambda i: i["at"], reverse=True)
        start = (page - 1) * per_page
        unread = sum(i["read_at"] is None for i in mine)
        return copy.deepcopy(chosen[start:start + per_page]), len(chosen), unread

    def mark_read(self, posyandu_id, ids, at):
        count = 0
        for item in self.items.values():
            if item["posyandu_id"] == posyandu_id and item["_id"] in ids \
                    and item["read_at"] is None:
                item["read_at"] = at
                count += 1
        return count

    def status_of(self, channel):
        return [r["status"] for r in self.records.values() if r["channel"] == channel]

    def of(self, channel, destination=None):
        [found] = [r for r in self.records.values() if r["channel"] == channel
                   and destination in (None, r["destination"])]
        return found


class FakeCourier:
    """Answers each send from `answers` (destination → list of results, the last repeated;
    success by default) and queues spawned jobs until `run()`."""

    def __init__(self, answers=None, policy=RetryPolicy(max_attempts=3), free=50,
                 per_destination=2):
        self.answers = answers or {}
        self.policy = policy
        self.sent, self.jobs = [], []
        self.in_flight = Counter()
        self.slots, self.per_destination = free, per_destination

    def send(self, record):
        self.sent.append(copy.deepcopy(record))
        answers = self.answers.get(record["destination"], [{"ok": True, "status_code": 200}])
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return {**answer, "latency_ms": 2.5}

    def spawn(self, destination, job):
        self.in_flight[destination] += 1
        self.jobs.append((destination, job))

    def run(self):
        while self.jobs:
            destination, job = self.jobs.pop(0)
            try:
                job()
            finally:
                self.in_flight[destination] -= 1

    def busy(self, destination):
        return self.in_flight[destination] >= self.per_destination

    def free(self):
        return self.slots

    def destinations(self):
        return [r["destination"] for r in self.sent]


class Recipients:
    def __init__(self, opd="default", heads=None, tph=None):
        self._opd = {"id": "33.25/dinkes", "name": "Dinas Kesehatan", "channels": [
            {"type": "rabbitmq", "queue": QUEUE}, {"type": "webhook", "url": HOOK},
            {"type": "email", "address": OPD_MAIL}]} if opd == "default" else opd
        default_heads = [{"id": "p-head", "role": "opd_head", "email": HEAD_MAIL, "active": True}]
        default_tph = [{"id": "p-tph", "role": "tph", "email": TPH_MAIL, "active": True}]
        self._people = {"opd_head": default_heads if heads is None else heads,
                        "tph": default_tph if tph is None else tph}
        self.asked = []

    def opd(self, code):
        self.asked.append(("opd", code))
        return copy.deepcopy(self._opd)

    def people(self, role, field, value):
        self.asked.append((role, field, value))
        return copy.deepcopy(self._people[role])


class Broker:
    def __init__(self, fail=False):
        self.published, self.fail = [], fail

    def publish(self, envelope):
        if self.fail:
            raise ConnectionError("broker down")
        self.published.append(envelope)

    def types(self):
        return [e["type"] for e in self.published]


@pytest.fixture
def clock(monkeypatch):
    """`send` dates each attempt with contracts.utc_now(): pin it."""
    now = {"value": T0}
    monkeypatch.setattr(contracts, "utc_now", lambda: now["value"])
    return now


# --- events --------------------------------------------------------------------------------------

def routed(sequence=0, opd_code="33.25/dinkes"):
    return contracts.ReportRouted(opd_code=opd_code, opd_name="Dinas Kesehatan",
                                  rule_id="kab:kes", due_at="2026-11-09T16:59:59.999+00:00",
                                  routed_at=T0, sequence=sequence, **REPORT)


def escalated(level=2, opd_code="33.25/dinkes"):
    return contracts.CaseEscalated(level=level, target=contracts.ESCALATION_TARGETS[level],
                                   deadline="acknowledge", overdue_since=T0, kabupaten_code="33.25",
                                   escalated_at=T0, sequence=2, opd_code=opd_code, **REPORT)


def changed(to_status, from_status="routed", action="act"):
    return contracts.CaseChanged(action=action, from_status=from_status, to_status=to_status,
                                 actor_role="opd_officer", kabupaten_code="33.25",
                                 escalation_level=0, changed_at=T0, sequence=3,
                                 opd_code="33.25/dinkes", opd_name="Dinas Kesehatan",
                                 due_at="2026-11-09T16:59:59.999+00:00", **REPORT)


def received(event, event_id="e-1", at=T0):
    return contracts.decode(event.envelope(event_id, at))


def handle(event, deliveries, courier, broker, recipients=None, event_id="e-1", now=T0):
    return handle_batch([(event, event_id)], deliveries, courier, broker, recipients, now)


def handle_batch(events, deliveries, courier, broker, recipients=None, now=T0):
    """`events`: (event, event id) pairs, in the order the consumer received them."""
    return usecases.handle_events([received(event, event_id) for event, event_id in events],
                                  recipients or Recipients(), deliveries, courier, broker.publish,
                                  BASE, now)


def delivered_ids(broker):
    return [contracts.decode(e).message.notification_id for e in broker.published
            if e["type"] == "notification.delivered"]


# --- one event -----------------------------------------------------------------------------------

def test_a_routed_case_is_stored_then_sent_on_every_channel_of_its_opd(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()

    records = handle(routed(), deliveries, courier, broker)

    assert {r["channel"] for r in records} == {"rabbitmq", "webhook", "email"}
    assert set(deliveries.records) == {r["_id"] for r in records}
    # the queue at once; the webhook and the e-mail wait for the courier's threads
    assert courier.destinations() == [QUEUE]
    assert sorted(d for d, _ in courier.jobs) == sorted([HOOK, OPD_MAIL])
    assert deliveries.of("rabbitmq")["status"] == "delivered"
    assert deliveries.of("webhook")["status"] == deliveries.of("email")["status"] == "sending"

    courier.run()

    assert sorted(courier.destinations()) == sorted([QUEUE, HOOK, OPD_MAIL])
    assert set(deliveries.status_of("webhook") + deliveries.status_of("email")) == {"delivered"}
    assert sorted(delivered_ids(broker)) == sorted(r["_id"] for r in records)
    for envelope in broker.published:
        message = contracts.decode(envelope).message
        assert (message.cause, message.report_id, message.opd_code) == (
            "e-1", "r-1", "33.25/dinkes")


def test_the_notice_on_the_queue_carries_the_records_id_and_the_case_link(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    handle(routed(), deliveries, courier, broker)
    [sent] = courier.sent
    assert sent["payload"]["notification_id"] == sent["_id"] == \
        notification_id("e-1", "rabbitmq")
    assert sent["payload"]["case"]["url"] == "https://simpul.example/api/v1/reports/r-1"


def test_every_attempt_is_logged_with_its_answer_and_latency(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    handle(routed(), deliveries, courier, broker)
    record = deliveries.of("rabbitmq")
    assert record["attempts"] == [{"at": T0, "ok": True, "status_code": 200, "latency_ms": 2.5}]
    assert (record["attempt_count"], record["delivered_at"], record["next_attempt_at"]) == (
        1, T0, None)
    assert record["claimed_at"] is None


def test_the_first_routing_reaches_the_kaders_inbox(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    handle(routed(), deliveries, courier, broker)
    [item] = deliveries.items.values()
    assert (item["posyandu_id"], item["status"], item["report_id"]) == (
        "P332501200101", "routed", "r-1")


def test_a_redelivered_event_is_stored_and_sent_once_and_announced_again_with_the_same_ids(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    handle(routed(), deliveries, courier, broker)
    courier.run()
    first = copy.deepcopy(broker.published)
    stored = copy.deepcopy(deliveries.records)
    clock["value"] = later(60)

    handle(routed(), deliveries, courier, broker, now=later(60))
    courier.run()

    assert len(courier.sent) == 3
    assert deliveries.records == stored
    assert len(deliveries.items) == 1
    again = broker.published[len(first):]
    assert sorted(e["id"] for e in again) == sorted(e["id"] for e in first)
    assert sorted(map(str, again)) == sorted(map(str, first))   # the same data, the same dates


def test_a_redelivered_event_does_not_hurry_a_scheduled_retry(clock):
    deliveries, broker = FakeDeliveries(), Broker()
    courier = FakeCourier({QUEUE: [{"ok": False, "error": "broker down"}]})
    handle(routed(), deliveries, courier, broker)
    assert deliveries.of("rabbitmq")["status"] == "pending"

    handle(routed(), deliveries, courier, broker, now=later(1))

    assert courier.destinations().count(QUEUE) == 1
    assert deliveries.of("rabbitmq")["attempt_count"] == 1
    assert broker.published == []


def test_a_redelivered_event_whose_sending_never_started_is_sent_now(clock):
    # the first worker stored the records and died before sending them
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    records, _ = plan(received(routed()), Recipients().opd("33.25/dinkes"), [], [],
                      "https://simpul.example/api/v1/reports/r-1", T0)
    deliveries.add(records)

    handle(routed(), deliveries, courier, broker, now=later(5))
    courier.run()

    assert sorted(courier.destinations()) == sorted([QUEUE, HOOK, OPD_MAIL])
    assert set(deliveries.status_of("rabbitmq") + deliveries.status_of("webhook")) == {"delivered"}


def test_another_event_is_another_notification(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    handle(routed(), deliveries, courier, broker, event_id="e-1")
    handle(routed(4), deliveries, courier, broker, event_id="e-2")
    queue_sends = [r for r in courier.sent if r["channel"] == "rabbitmq"]
    assert len(queue_sends) == 2
    assert queue_sends[0]["_id"] != queue_sends[1]["_id"]


def test_an_escalation_reaches_the_opd_its_head_and_the_tph(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    recipients = Recipients()
    handle(escalated(2), deliveries, courier, broker, recipients)
    courier.run()
    assert sorted(courier.destinations()) == sorted([QUEUE, HOOK, OPD_MAIL, HEAD_MAIL, TPH_MAIL])
    assert ("opd_head", "opd_code", "33.25/dinkes") in recipients.asked
    assert ("tph", "kabupaten_code", "33.25") in recipients.asked
    queue_notice = deliveries.of("rabbitmq")["payload"]
    assert queue_notice["type"] == "case.escalated"


def test_only_the_recipients_an_event_needs_are_looked_up(clock):
    recipients = Recipients()
    handle(changed("acknowledged", action="acknowledge"), FakeDeliveries(), FakeCourier(), Broker(),
           recipients)
    assert recipients.asked == []
    recipients = Recipients()
    handle(routed(), FakeDeliveries(), FakeCourier(), Broker(), recipients)
    assert recipients.asked == [("opd", "33.25/dinkes")]
    recipients = Recipients()
    handle(escalated(3, opd_code=None), FakeDeliveries(), FakeCourier(), Broker(), recipients)
    assert recipients.asked == [("tph", "kabupaten_code", "33.25")]


def test_an_event_only_the_kader_hears_of_sends_nothing(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    records = handle(changed("acknowledged", action="acknowledge"), deliveries, courier, broker)
    assert records == [] and courier.sent == [] and courier.jobs == [] and broker.published == []
    assert [i["status"] for i in deliveries.items.values()] == ["acknowledged"]


def test_a_paused_channel_is_not_dispatched_and_its_delivery_stays_pending(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    usecases.set_paused("33.25/dinkes", "webhook", True, "ops", deliveries, T0)

    handle(routed(), deliveries, courier, broker)
    courier.run()

    assert HOOK not in courier.destinations()
    assert deliveries.of("webhook")["status"] == "pending"
    assert usecases.sweep(deliveries, courier, broker.publish, later(10)) == 0

    usecases.set_paused("33.25/dinkes", "webhook", False, "ops", deliveries, later(20))
    assert usecases.sweep(deliveries, courier, broker.publish, later(21)) == 1
    courier.run()
    assert deliveries.of("webhook")["status"] == "delivered"


def test_pausing_an_opds_email_also_holds_its_heads_but_not_the_tphs(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    usecases.set_paused("33.25/dinkes", "email", True, None, deliveries, T0)
    handle(escalated(2), deliveries, courier, broker)
    courier.run()
    assert OPD_MAIL not in courier.destinations() and HEAD_MAIL not in courier.destinations()
    assert TPH_MAIL in courier.destinations()


def test_a_failed_queue_send_does_not_fail_the_event(clock, caplog):
    deliveries, broker = FakeDeliveries(), Broker()
    courier = FakeCourier({QUEUE: [{"ok": False, "error": "ConnectionError: broker down"}]})
    with caplog.at_level(logging.WARNING):
        handle(routed(), deliveries, courier, broker)
    record = deliveries.of("rabbitmq")
    assert (record["status"], record["attempt_count"], record["last_error"]) == (
        "pending", 1, "ConnectionError: broker down")
    assert record["attempts"][0]["error"] == "ConnectionError: broker down"
    assert record["_id"] not in delivered_ids(broker)
    assert "failed" in caplog.text


def test_a_delivery_stands_when_its_announcement_cannot_be_published(clock, caplog):
    deliveries, courier = FakeDeliveries(), FakeCourier()
    with caplog.at_level(logging.WARNING):
        handle(routed(), deliveries, courier, Broker(fail=True))
    assert deliveries.of("rabbitmq")["status"] == "delivered"
    assert "not published" in caplog.text


# --- batches -------------------------------------------------------------------------------------

QUEUE_ONLY = {"id": "33.25/dinkes", "name": "Dinas Kesehatan",
              "channels": [{"type": "rabbitmq", "queue": QUEUE}]}


def queue_notices(courier):
    return [r["payload"]["notification_id"] for r in courier.sent if r["channel"] == "rabbitmq"]


def queue_ids(*event_ids):
    return [notification_id(e, "rabbitmq") for e in event_ids]


class Killed(BaseException):
    """The worker's process dies (kill -9)."""


class DyingCourier(FakeCourier):
    def send(self, record):
        raise Killed()


def test_a_batch_stores_sends_and_finishes_its_queue_deliveries_in_one_write_each(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    events = [(routed(), f"e-{n}") for n in range(5)]

    records = handle_batch(events, deliveries, courier, broker, Recipients(opd=QUEUE_ONLY))

    assert [r["cause"] for r in records] == [f"e-{n}" for n in range(5)]
    assert queue_notices(courier) == queue_ids(*(f"e-{n}" for n in range(5)))
    assert sorted(delivered_ids(broker)) == sorted(queue_ids(*(f"e-{n}" for n in range(5))))
    assert len(deliveries.items) == 5
    for record in deliveries.records.values():
        assert (record["status"], record["attempt_count"], record["claimed_at"]) == (
            "delivered", 1, None)
        assert record["attempts"] == [{"at": T0, "ok": True, "status_code": 200,
                                       "latency_ms": 2.5}]
    assert deliveries.writes == {"add": 1, "add_to_inbox": 1, "finish": 1}
    assert deliveries.claims == 0


def test_in_a_batch_webhooks_and_email_are_claimed_and_sent_on_the_courier_as_before(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()

    records = handle_batch([(routed(), "e-1"), (routed(), "e-2")], deliveries, courier, broker)

    assert courier.destinations() == [QUEUE, QUEUE]
    assert sorted(d for d, _ in courier.jobs) == sorted([HOOK, HOOK, OPD_MAIL, OPD_MAIL])
    assert deliveries.claims == 4
    courier.run()
    assert {r["status"] for r in deliveries.records.values()} == {"delivered"}
    assert sorted(delivered_ids(broker)) == sorted(r["_id"] for r in records)


def test_a_batch_with_a_redelivered_event_sends_only_the_new_and_announces_the_old_again(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    recipients = Recipients(opd=QUEUE_ONLY)
    handle_batch([(routed(), "e-1")], deliveries, courier, broker, recipients)
    [first] = broker.published

    handle_batch([(routed(), "e-2"), (routed(), "e-1"), (routed(), "e-2"), (routed(), "e-3")],
                 deliveries, courier, broker, recipients, now=later(5))

    assert queue_notices(courier) == queue_ids("e-1", "e-2", "e-3")
    assert deliveries.status_of("rabbitmq") == ["delivered"] * 3
    assert [len(r["attempts"]) for r in deliveries.records.values()] == [1, 1, 1]
    assert len(deliveries.items) == 3
    assert sorted(delivered_ids(broker)) == sorted(queue_ids("e-1", "e-1", "e-2", "e-3"))
    assert broker.published.count(first) == 2        # the same announcement, the same date
    assert deliveries.claims == 0                    # nor is what was delivered claimed again


def test_a_batch_handled_again_one_message_at_a_time_sends_nothing_again(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    events = [(routed(), f"e-{n}") for n in range(3)]
    handle_batch(events, deliveries, courier, broker)
    courier.run()

    for event in events:      # what the consumer does when a batch handler raises
        handle_batch([event], deliveries, courier, broker, now=later(1))
    courier.run()

    # the third webhook and e-mail waited for room at their destination, and went now
    assert len(courier.sent) == len(deliveries.records) == 9
    assert {(r["status"], len(r["attempts"])) for r in deliveries.records.values()} == {
        ("delivered", 1)}


def test_a_paused_queue_in_a_batch_is_stored_pending_unclaimed_and_sent_once_resumed(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    usecases.set_paused("33.25/dinkes", "rabbitmq", True, "ops", deliveries, T0)

    handle_batch([(routed(), "e-1"), (routed(), "e-2")], deliveries, courier, broker,
                 Recipients(opd=QUEUE_ONLY))

    assert courier.sent == [] and broker.published == []
    assert {(r["status"], r.get("claimed_at")) for r in deliveries.records.values()} == {
        ("pending", None)}
    assert usecases.sweep(deliveries, courier, broker.publish, later(61)) == 0
    usecases.set_paused("33.25/dinkes", "rabbitmq", False, "ops", deliveries, later(62))
    assert usecases.sweep(deliveries, courier, broker.publish, later(62)) == 2
    assert deliveries.status_of("rabbitmq") == ["delivered"] * 2


@pytest.mark.parametrize("max_attempts, status", [(3, "pending"), (1, "parked")])
def test_a_failed_queue_send_in_a_batch_is_retried_or_parked_and_the_others_delivered(
        clock, max_attempts, status):
    failing = "33.25/dinsos"
    deliveries, broker = FakeDeliveries(), Broker()
    courier = FakeCourier({contracts.opd_queue_name(failing): [{"ok": False, "error": "down"}]},
                          policy=RetryPolicy(max_attempts=max_attempts))

    records = handle_batch([(routed(), "e-1"), (routed(opd_code=failing), "e-2"),
                            (routed(), "e-3")], deliveries, courier, broker, Recipients(opd=None))

    stored = {r["cause"]: deliveries.records[r["_id"]] for r in records}
    failed = stored["e-2"]
    assert (failed["status"], failed["attempt_count"], failed["last_error"],
            failed["claimed_at"]) == (status, 1, "down", None)
    assert [a["ok"] for a in failed["attempts"]] == [False]
    assert (failed["next_attempt_at"] is not None) == (status == "pending")
    assert stored["e-1"]["status"] == stored["e-3"]["status"] == "delivered"
    assert sorted(delivered_ids(broker)) == sorted(queue_ids("e-1", "e-3"))
    assert deliveries.writes["finish"] == 1


def test_queue_deliveries_claimed_when_stored_by_a_worker_that_died_are_sent_by_the_sweep(clock):
    deliveries, broker = FakeDeliveries(), Broker()
    recipients = Recipients(opd=QUEUE_ONLY)
    with pytest.raises(Killed):
        handle_batch([(routed(), "e-1"), (routed(), "e-2")], deliveries, DyingCourier(), broker,
                     recipients)
    assert {(r["status"], r["claimed_at"]) for r in deliveries.records.values()} == {
        ("sending", T0)}
    courier = FakeCourier()

    # the messages come back one at a time; a live claim is left alone
    handle_batch([(routed(), "e-1")], deliveries, courier, broker, recipients, now=later(1))
    assert usecases.sweep(deliveries, courier, broker.publish, later(30)) == 0
    assert courier.sent == []

    clock["value"] = later(61)
    assert usecases.sweep(deliveries, courier, broker.publish, later(61)) == 2
    assert queue_notices(courier) == queue_ids("e-1", "e-2")
    assert deliveries.status_of("rabbitmq") == ["delivered"] * 2


# --- retries and parking -------------------------------------------------------------------------

def failing_webhook(times, policy=RetryPolicy(max_attempts=3, base_seconds=10)):
    answers = [{"ok": False, "status_code": 503}] * times + [{"ok": True, "status_code": 204}]
    return FakeCourier({HOOK: answers}, policy=policy)


def test_a_failed_send_is_retried_by_the_sweep_after_its_next_attempt_at(clock):
    deliveries, courier, broker = FakeDeliveries(), failing_webhook(1), Broker()
    handle(routed(), deliveries, courier, broker)
    courier.run()
    record = deliveries.of("webhook")
    assert (record["status"], record["attempt_count"], record["last_error"]) == (
        "pending", 1, "HTTP 503")
    assert later(5) <= record["next_attempt_at"] <= later(10)     # 10 s, with jitter

    assert usecases.sweep(deliveries, courier, broker.publish, later(4.999)) == 0
    courier.run()
    assert courier.destinations().count(HOOK) == 1

    now = record["next_attempt_at"]
    clock["value"] = now
    assert usecases.sweep(deliveries, courier, broker.publish, now) == 1
    courier.run()
    record = deliveries.of("webhook")
    assert (record["status"], record["attempt_count"], record["delivered_at"]) == (
        "delivered", 2, now)
    assert [a["status_code"] for a in record["attempts"]] == [503, 204]
    assert record["_id"] in delivered_ids(broker)


def test_a_delivery_that_keeps_failing_is_parked_after_max_attempts(clock, caplog):
    deliveries, courier, broker = FakeDeliveries(), failing_webhook(10), Broker()
    handle(routed(), deliveries, courier, broker)
    courier.run()
    with caplog.at_level(logging.ERROR):
        for _ in range(5):
            now = deliveries.of("webhook")["next_attempt_at"] or clock["value"]
            clock["value"] = later(1, now)
            usecases.sweep(deliveries, courier, broker.publish, clock["value"])
            courier.run()
    record = deliveries.of("webhook")
    assert (record["status"], record["attempt_count"], record["last_error"]) == (
        "parked", 3, "HTTP 503")
    assert record["parked_at"] and record["next_attempt_at"] is None
    assert len(record["attempts"]) == 3 and courier.destinations().count(HOOK) == 3
    assert "parked after 3 attempts" in caplog.text
    assert record["_id"] not in delivered_ids(broker)


def test_each_retry_waits_longer(clock):
    policy = RetryPolicy(max_attempts=5, base_seconds=10)
    deliveries, courier, broker = FakeDeliveries(), failing_webhook(10, policy), Broker()
    handle(routed(), deliveries, courier, broker)
    courier.run()
    waits = []
    for _ in range(3):
        record = deliveries.of("webhook")
        start = record["attempts"][-1]["at"]
        waits.append((start, record["next_attempt_at"]))
        clock["value"] = record["next_attempt_at"]
        usecases.sweep(deliveries, courier, broker.publish, clock["value"])
        courier.run()
    seconds = [(dt.datetime.fromisoformat(b) - dt.datetime.fromisoformat(a)).total_seconds()
               for a, b in waits]
    for n, wait in enumerate(seconds, start=1):
        assert 10 * 2 ** (n - 1) / 2 <= wait <= 10 * 2 ** (n - 1)


def test_the_sweep_takes_over_the_claim_of_a_worker_that_died(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    usecases.set_paused("33.25/dinkes", "rabbitmq", True, None, deliveries, T0)
    handle(routed(), deliveries, courier, broker)
    courier.jobs.clear()                      # the worker died with the jobs it had spawned
    courier.in_flight.clear()
    usecases.set_paused("33.25/dinkes", "rabbitmq", False, None, deliveries, T0)
    assert deliveries.of("webhook")["status"] == "sending"

    # a live claim (younger than 60 s) is left alone
    assert usecases.sweep(deliveries, courier, broker.publish, later(30)) == 1   # the queue
    assert deliveries.of("webhook")["status"] == "sending" and HOOK not in courier.destinations()

    clock["value"] = later(61)
    assert usecases.sweep(deliveries, courier, broker.publish, later(61)) == 2
    courier.run()
    assert set(deliveries.status_of("webhook") + deliveries.status_of("email")) == {"delivered"}


def test_the_sweep_skips_busy_destinations_and_starts_no_more_than_the_courier_has_room_for(clock):
    deliveries, broker = FakeDeliveries(), Broker()
    courier = FakeCourier({HOOK: [{"ok": False, "status_code": 500}]},
                          policy=RetryPolicy(max_attempts=8))
    for n in range(4):
        handle(routed(n), deliveries, courier, broker, event_id=f"e-{n}")
    courier.run()
    assert deliveries.status_of("webhook") == ["pending"] * 4
    # two of each channel waited for room at their destination; the sweep sends them
    assert deliveries.status_of("email").count("pending") == 2
    assert usecases.sweep(deliveries, courier, broker.publish, T0) == 4
    courier.run()
    assert deliveries.status_of("email") == ["delivered"] * 4
    assert deliveries.status_of("webhook") == ["pending"] * 4
    courier.answers = {}

    courier.in_flight[HOOK] = 2                # two deliveries to it already under way
    assert usecases.sweep(deliveries, courier, broker.publish, later(3600)) == 0
    courier.in_flight[HOOK] = 0

    courier.slots = 1
    assert usecases.sweep(deliveries, courier, broker.publish, later(3600)) == 1
    courier.slots = 50
    # at most two to one destination at a time
    assert usecases.sweep(deliveries, courier, broker.publish, later(3600)) == 1
    courier.run()
    assert usecases.sweep(deliveries, courier, broker.publish, later(3600)) == 2
    courier.run()
    assert deliveries.status_of("webhook") == ["delivered"] * 4


def test_an_event_for_a_destination_at_its_limit_waits_for_the_sweep(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    courier.in_flight[HOOK] = 2                # two deliveries to this webhook already under way

    handle(routed(), deliveries, courier, broker)

    assert HOOK not in [d for d, _ in courier.jobs]
    assert deliveries.of("webhook")["status"] == "pending"
    assert courier.in_flight[HOOK] == 2


def test_a_delivery_is_sent_by_one_worker_only(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    usecases.set_paused("33.25/dinkes", "rabbitmq", True, None, deliveries, T0)
    records = handle(routed(), deliveries, courier, broker)
    [record] = [r for r in records if r["channel"] == "rabbitmq"]
    assert usecases.dispatch(record["_id"], deliveries, courier, broker.publish, T0, True) is True
    assert usecases.dispatch(record["_id"], deliveries, courier, broker.publish, T0, True) is False
    assert courier.destinations().count(QUEUE) == 1


# --- operations ----------------------------------------------------------------------------------

def parked_webhook(clock, deliveries=None, event=None, event_id="e-1"):
    deliveries = deliveries or FakeDeliveries()
    courier = FakeCourier({HOOK: [{"ok": False, "status_code": 500}]},
                          policy=RetryPolicy(max_attempts=1))
    handle(event or routed(), deliveries, courier, Broker(), event_id=event_id)
    courier.run()
    return deliveries


def test_retry_one_answers_404_for_an_unknown_delivery(clock):
    answer = usecases.retry_one("nope", FakeDeliveries(), FakeCourier(), Broker().publish, T0)
    assert answer["status"] == 404 and answer["errors"][0]["field"] == "id"


def test_retry_one_answers_409_for_a_delivery_that_is_not_parked(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    handle(routed(), deliveries, courier, broker)
    answer = usecases.retry_one(deliveries.of("rabbitmq")["_id"], deliveries, courier,
                                broker.publish, T0)
    assert answer["status"] == 409 and "delivered" in answer["errors"][0]["message"]
    assert courier.destinations().count(QUEUE) == 1


def test_retry_one_sends_a_parked_delivery_again_with_fresh_attempts(clock):
    deliveries = parked_webhook(clock)
    parked = deliveries.of("webhook")
    assert parked["status"] == "parked"
    courier, broker = FakeCourier(), Broker()
    clock["value"] = later(100)

    answer = usecases.retry_one(parked["_id"], deliveries, courier, broker.publish, later(100))

    assert answer["item"]["id"] == parked["_id"]
    assert answer["item"]["status"] == "sending"       # on the courier's threads
    courier.run()
    record = deliveries.of("webhook")
    assert (record["status"], record["attempt_count"], len(record["attempts"])) == (
        "delivered", 1, 2)
    assert delivered_ids(broker) == [parked["_id"]]


def test_retry_one_sends_a_parked_queue_delivery_at_once(clock):
    deliveries = FakeDeliveries()
    handle(routed(), deliveries, FakeCourier({QUEUE: [{"ok": False, "error": "down"}]},
                                             policy=RetryPolicy(max_attempts=1)), Broker())
    nid = deliveries.of("rabbitmq")["_id"]
    answer = usecases.retry_one(nid, deliveries, FakeCourier(), Broker().publish, later(1))
    assert answer["item"]["status"] == "delivered"


def test_retry_one_of_a_paused_channel_waits_for_its_resumption(clock):
    deliveries = parked_webhook(clock)
    usecases.set_paused("33.25/dinkes", "webhook", True, None, deliveries, T0)
    courier = FakeCourier()
    answer = usecases.retry_one(deliveries.of("webhook")["_id"], deliveries, courier,
                                Broker().publish, later(1))
    assert answer["item"]["status"] == "pending" and courier.jobs == []


def test_retry_parked_puts_only_parked_deliveries_back_in_line(clock):
    deliveries = parked_webhook(clock)
    parked_webhook(clock, deliveries, routed(2), "e-2")
    assert deliveries.status_of("webhook") == ["parked", "parked"]
    assert set(deliveries.status_of("rabbitmq")) == {"delivered"}

    assert usecases.retry_parked({}, deliveries, later(5)) == {"retried": 2}

    assert deliveries.status_of("webhook") == ["pending", "pending"]
    assert set(deliveries.status_of("rabbitmq")) == {"delivered"}
    for record in deliveries.records.values():
        if record["channel"] == "webhook":
            assert (record["next_attempt_at"], record["attempt_count"]) == (later(5), 0)
    assert usecases.retry_parked({}, deliveries, later(6)) == {"retried": 0}
    courier = FakeCourier()
    assert usecases.sweep(deliveries, courier, Broker().publish, later(6)) == 2


def test_retry_parked_applies_its_filters_but_not_a_status(clock):
    deliveries = parked_webhook(clock)
    assert usecases.retry_parked({"opd_code": "33.25/dinsos"}, deliveries, T0) == {"retried": 0}
    assert usecases.retry_parked({"opd_code": "33.25/dinkes", "status": "delivered"}, deliveries,
                                 T0) == {"retried": 1}


@pytest.mark.parametrize("filters,field", [({"nope": "x"}, "nope"), ({"channel": "sms"}, "channel"),
                                           ({"opd_code": 5}, "opd_code")])
def test_retry_parked_refuses_a_bad_filter(clock, filters, field):
    answer = usecases.retry_parked(filters, FakeDeliveries(), T0)
    assert answer["status"] == 422 and answer["errors"][0]["field"] == field


@pytest.mark.parametrize("filters,field", [
    ({"opd": "33.25/dinkes"}, "opd"),
    ({"status": "lost"}, "status"),
    ({"channel": "sms"}, "channel"),
    ({"channel": "inbox"}, "channel"),
    ({"report_id": ["r-1"]}, "report_id"),
    ({"status": "parked", "zzz": "1", "aaa": "2"}, "aaa"),
])
def test_find_refuses_an_unknown_filter_status_or_channel(filters, field):
    answer = usecases.find(filters, 1, 50, FakeDeliveries())
    assert answer["status"] == 422 and answer["errors"][0]["field"] == field


@pytest.mark.parametrize("page,per_page", [(0, 50), (1, 0), (1, 201), ("1", 50), (1, None)])
def test_find_refuses_a_bad_page(page, per_page):
    assert usecases.find({}, page, per_page, FakeDeliveries())["status"] == 422


def test_find_answers_views_a_page_at_a_time(clock):
    deliveries = FakeDeliveries()
    handle(escalated(2), deliveries, FakeCourier(), Broker())
    everything = usecases.find(None, 1, 50, deliveries)
    assert everything["total"] == 5 and len(everything["items"]) == 5
    assert (everything["page"], everything["per_page"]) == (1, 50)
    assert all("payload" not in v for v in everything["items"])
    shown = {v["destination"] for v in everything["items"] if v["channel"] == "email"}
    assert shown == {"p***@dinkes.example.go.id", "k***@dinkes.example.go.id",
                     "t***@batangkab.example.go.id"}
    pages = [usecases.find({}, page, 2, deliveries) for page in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert len({v["id"] for p in pages for v in p["items"]}) == 5
    emails = usecases.find({"channel": "email", "status": None}, 1, 50, deliveries)
    assert emails["total"] == 3
    webhooks = usecases.find({"channel": "webhook", "opd_code": "33.25/dinkes",
                              "kabupaten_code": "33.25", "report_id": "r-1", "kind": "escalated",
                              "status": "sending"}, 1, 50, deliveries)
    assert webhooks["total"] == 1


def test_set_paused_refuses_an_unknown_channel(clock):
    answer = usecases.set_paused("33.25/dinkes", "sms", True, None, FakeDeliveries(), T0)
    assert answer["status"] == 422 and answer["errors"][0]["field"] == "channel"


def test_set_paused_answers_the_channels_state(clock):
    deliveries = FakeDeliveries()
    answer = usecases.set_paused("33.25/dinkes", "webhook", True, "u-ops", deliveries, T0)
    assert answer == {"item": {"owner": "33.25/dinkes", "channel": "webhook", "paused": True,
                               "changed_at": T0, "changed_by": "u-ops"}}
    resumed = usecases.set_paused("33.25/dinkes", "webhook", 0, None, deliveries, later(1))
    assert resumed["item"]["paused"] is False
    assert deliveries.paused() == set()
    usecases.set_paused("33.25", "email", True, None, deliveries, T0)
    assert deliveries.paused() == {"33.25|email"}
    assert [usecases.channel_view(s) for s in deliveries.channel_states("33.25/dinkes")] == [
        resumed["item"]]


# --- the kader's inbox ---------------------------------------------------------------------------

def fill_inbox(deliveries, count, posyandu="P332501200101"):
    for n in range(count):
        item = {"_id": f"i-{n:02d}", "posyandu_id": posyandu, "report_id": f"r-{n}",
                "status": "routed", "kind": "status", "title": "t", "body": "b", "title_en": "t",
                "body_en": "b", "at": later(n), "read_at": None}
        deliveries.add_to_inbox([item])


def test_the_inbox_shows_the_posyandus_own_items_newest_first_a_page_at_a_time():
    deliveries = FakeDeliveries()
    fill_inbox(deliveries, 5)
    fill_inbox(deliveries, 2, posyandu="P999")
    first = usecases.inbox("P332501200101", False, 1, 2, deliveries)
    assert [i["id"] for i in first["items"]] == ["i-04", "i-03"]
    assert (first["total"], first["unread"], first["page"], first["per_page"]) == (5, 5, 1, 2)
    assert all("_id" not in i for i in first["items"])
    last = usecases.inbox("P332501200101", False, 3, 2, deliveries)
    assert [i["id"] for i in last["items"]] == ["i-00"]
    assert usecases.inbox("P000", False, 1, 50, deliveries) == {
        "items": [], "total": 0, "unread": 0, "page": 1, "per_page": 50}


def test_marking_items_read_changes_only_the_posyandus_unread_ones():
    deliveries = FakeDeliveries()
    fill_inbox(deliveries, 3)
    fill_inbox(deliveries, 1, posyandu="P999")
    deliveries.items["i-00"]["posyandu_id"] = "P999"      # another Posyandu's item
    assert usecases.mark_read("P332501200101", ["i-01", "i-02", "i-00", "nope"], deliveries,
                              T0) == {"updated": 2}
    assert usecases.mark_read("P332501200101", ["i-01"], deliveries, T0) == {"updated": 0}
    answer = usecases.inbox("P332501200101", False, 1, 50, deliveries)
    assert (answer["total"], answer["unread"]) == (2, 0)
    assert {i["read_at"] for i in answer["items"]} == {T0}
    unread = usecases.inbox("P999", True, 1, 50, deliveries)
    assert (unread["total"], unread["unread"]) == (1, 1)
    assert deliveries.items["i-00"]["read_at"] is None


@pytest.mark.parametrize("ids", ["i-1", [1], None, ["x"] * 501])
def test_mark_read_refuses_what_is_not_a_list_of_ids(ids):
    answer = usecases.mark_read("P1", ids, FakeDeliveries(), T0)
    assert answer["status"] == 422 and answer["errors"][0]["field"] == "ids"


@pytest.mark.parametrize("page,per_page", [(0, 50), (1, 0), (1, 201), (1.5, 10)])
def test_the_inbox_refuses_a_bad_page(page, per_page):
    assert usecases.inbox("P1", False, page, per_page, FakeDeliveries())["status"] == 422


def test_the_kader_reads_each_status_change_of_the_case_once(clock):
    deliveries, courier, broker = FakeDeliveries(), FakeCourier(), Broker()
    handle(routed(), deliveries, courier, broker, event_id="e-1")
    handle(changed("acknowledged", action="acknowledge"), deliveries, courier, broker,
           event_id="e-2")
    handle(changed("acknowledged", action="acknowledge"), deliveries, courier, broker,
           event_id="e-2")    # redelivered
    handle(changed("resolved", "acknowledged", "resolve"), deliveries, courier, broker,
           event_id="e-3")
    answer = usecases.inbox("P332501200101", True, 1, 50, deliveries)
    assert sorted(i["status"] for i in answer["items"]) == ["acknowledged", "resolved", "routed"]
    assert answer["unread"] == 3


def test_an_inbox_is_its_own_kaders_only():
    kader = {"role": "kader", "id": "k-1", "posyandu_id": "P332501200101"}
    assert usecases.inbox_refused("P332501200101", kader) is None
    for actor in ({**kader, "posyandu_id": "P332501200102"}, {**kader, "role": "admin"},
                  {"role": "opd_officer", "posyandu_id": "P332501200101"}, None, {}):
        refused = usecases.inbox_refused("P332501200101", actor)
        assert (refused["status"], refused["errors"][0]["field"]) == (403, "posyandu_id"), actor
