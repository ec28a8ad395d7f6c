"""Publishing contract messages: persistent, confirmed by the broker and mandatory, so a
message the broker cannot route raises instead of vanishing (broadcasts excepted). A confirm
that does not come within `CONFIRM_TIMEOUT_SECONDS` raises too: a publisher on a connection
that died silently fails (and its message is retried) instead of waiting for ever."""
import os

from kombu import Connection
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider

from .. import contracts, messaging
from .pipelined import Outgoing, publish_confirmed

PERSISTENT = 2
CONFIRM_TIMEOUT_SECONDS = float(os.environ.get("AMQP_CONFIRM_TIMEOUT_SECONDS", "10"))


def make_publisher(amqp_uri: str, **options) -> Publisher:
    options.setdefault("confirm_timeout", CONFIRM_TIMEOUT_SECONDS)
    return Publisher(amqp_uri, use_confirms=True, mandatory=True, delivery_mode=PERSISTENT,
                     serializer="json", **options)


def publish_envelope(publisher: Publisher, envelope: dict) -> None:
    publisher.publish(envelope, exchange=messaging.exchange_for(envelope["type"]),
                      routing_key=envelope["type"], message_id=envelope["id"],
                      mandatory=envelope["type"] not in contracts.BROADCASTS)


def outgoing(envelope: dict) -> Outgoing:
    return Outgoing(envelope, messaging.exchange_for(envelope["type"]), envelope["type"],
                    envelope["id"], mandatory=envelope["type"] not in contracts.BROADCASTS)


class Publishing:
    """What a worker gets as `publish`: `publish(envelope)` waits for its confirm;
    `publish.many(envelopes)` sends them all and waits once for every confirm."""

    def __init__(self, publisher: Publisher, amqp_uri: str):
        self.publisher, self.amqp_uri = publisher, amqp_uri

    def __call__(self, envelope: dict) -> None:
        publish_envelope(self.publisher, envelope)

    def many(self, envelopes: list[dict]) -> None:
        publish_confirmed(self.amqp_uri, [outgoing(e) for e in envelopes], CONFIRM_TIMEOUT_SECONDS)


class Publish(DependencyProvider):
    """Gives the worker `publish(envelope)`; declares the whole topology at start."""

    def setup(self):
        self.amqp_uri = self.container.config[AMQP_URI_CONFIG_KEY]
        self.publisher = make_publisher(self.amqp_uri)

    def start(self):
        with Connection(self.amqp_uri) as connection:
            messaging.declare_topology(connection)

    def get_dependency(self, worker_ctx):
        return Publishing(self.publisher, self.amqp_uri)
