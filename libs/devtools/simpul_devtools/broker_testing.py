"""Test helpers on the real broker: publish contract messages, watch events, read queues."""
import uuid

import pytest
from amqp.exceptions import NotFound
from kombu import Connection, Queue, binding

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

    yield Broker
    for probe in probes:
        probe.close()
