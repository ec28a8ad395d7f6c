"""Test helpers on the real broker: publish contract messages, watch events, read queues."""
import uuid

import pytest
from amqp.exceptions import NotFound
from kombu import Connection, Queue, binding
from nameko.amqp.publish import Publisher
from prometheus_client import REGISTRY

from simpul_common import contracts, messaging
from simpul_common.nameko_ext.publisher import make_publisher, publish_envelope


class EventProbe:
    """An exclusive queue bound to some message types: what the services published."""

    def __init__(self, amqp_uri: str, types: tuple[str, ...]):
        self.connection = Connection(amqp_uri)
        self.queue = Queue(f"probe-{uuid.uuid4().hex[:8]}", exclusive=True, auto_delete=True,
                           bindings=[binding(messaging.exchange_for(t), routing_key=t) for t in types])
        self.queue(self.connection.default_channel).declare()
        self.seen: list[dict] = []

    def drain(self) -> list[dict]:
        while True:
            message = self.queue(self.connection.default_channel).get(no_ack=True)
            if message is None:
                return self.seen
            self.seen.append(message.payload)

    def of_type(self, message_type: str) -> list[dict]:
        return [m for m in self.drain() if m["type"] == message_type]

    def close(self):
        self.connection.release()


def read_queue(amqp_uri: str, name: str) -> list:
    """Take every message now on a durable queue (acknowledged)."""
    messages = []
    with Connection(amqp_uri) as connection:
        try:
            connection.default_channel.queue_declare(name, passive=True)
        except NotFound:
            return messages  # nobody declared it yet, so nothing was delivered to it
        queue = Queue(name, durable=True)(connection.channel())
        while (message := queue.get(no_ack=False)) is not None:
            messages.append(message)
            message.ack()
    return messages


def handled(service: str, queue: str, message_type: str) -> dict:
    """How many messages of a type a service's handlers (in this process) finished with on
    `queue`, by outcome, so far (simpul_common.metrics)."""
    return {outcome: REGISTRY.get_sample_value("simpul_events_handled_total", {
        "service": service, "queue": queue, "type": message_type, "outcome": outcome}) or 0
        for outcome in ("ok", "retry", "dead")}


def purge_all(amqp_uri: str) -> None:
    with Connection(amqp_uri) as connection:
        messaging.declare_topology(connection)
        channel = connection.default_channel
        names = [contracts.DEAD_LETTER_QUEUE]
        for name in contracts.QUEUES:
            names += [name, *(messaging.retry_queue_name(name, i + 1)
                              for i in range(len(messaging.RETRY_DELAYS_MS)))]
        for name in names:
            channel.queue_purge(name)


@pytest.fixture
def broker(amqp_uri):
    """A clean topology on the test vhost, a publisher and probes for one test."""
    purge_all(amqp_uri)
    publisher = make_publisher(amqp_uri)
    probes = []

    class Broker:
        uri = amqp_uri

        @staticmethod
        def publish(envelope):
            publish_envelope(publisher, envelope)

        @staticmethod
        def probe(*types):
            probes.append(EventProbe(amqp_uri, types))
            return probes[-1]

        @staticmethod
        def read(queue_name):
            return read_queue(amqp_uri, queue_name)

        @staticmethod
        def burst(envelopes):
            """Publish back to back, without waiting for each confirm, so that copies reach
            workers of several replicas at the same time."""
            fast = Publisher(amqp_uri, use_confirms=False, delivery_mode=2, serializer="json")
            for envelope in envelopes:
                publish_envelope(fast, envelope)

        @staticmethod
        def left_on(queue_name):
            """What is still on a work queue, its retry queues and the dead letters (taken)."""
            retries = [messaging.retry_queue_name(queue_name, step + 1)
                       for step in range(len(messaging.RETRY_DELAYS_MS))]
            return {name: len(read_queue(amqp_uri, name))
                    for name in [queue_name, *retries, contracts.DEAD_LETTER_QUEUE]}

    yield Broker
    for probe in probes:
        probe.close()
