"""`@on_broadcast(type)`: every replica of a service receives a broadcast event (such as
`registry.changed`) on a transient queue of its own, to refresh what it caches.

A failed handler is logged and the message acknowledged: a broadcast only says "refresh";
the cache's own expiry still bounds how stale an entry can get."""
import logging
import uuid

from kombu import Queue

from .. import contracts, messaging
from .draining import DrainingQueueConsumer
from .metrics import MeasuredConsumer

log = logging.getLogger(__name__)
QUEUE_EXPIRES_MS = 60_000   # a queue left behind by a crashed replica goes away by itself


class BroadcastConsumer(MeasuredConsumer):
    metrics_queue = "broadcast"   # each replica's queue has a name of its own
    queue_consumer = DrainingQueueConsumer()

    def __init__(self, message_type, **kwargs):
        if message_type not in contracts.BROADCASTS:
            raise ValueError(f"{message_type!r} is not a broadcast of the contracts")
        self.message_type = message_type
        super().__init__(None, requeue_on_error=False, **kwargs)

    def setup(self):
        self.queue = Queue(
            f"{self.message_type}.{self.container.service_name}.{uuid.uuid4().hex[:12]}",
            exchange=messaging.events_exchange, routing_key=self.message_type,
            durable=False, auto_delete=True, queue_arguments={"x-expires": QUEUE_EXPIRES_MS})
        super().setup()

    def handle_message(self, body, message):
        try:
            received = contracts.decode(body)
        except contracts.ContractError as exc:
            log.error("ignoring a %s broadcast outside the contract: %s", self.message_type, exc)
            self.queue_consumer.ack_message(message)
            self.rejected()
            return
        self.dispatch(received, message)

    def handle_message_processed(self, message, result=None, exc_info=None) -> str:
        self.queue_consumer.ack_message(message)
        if exc_info is None:
            return "ok"
        log.error("handling broadcast %s failed: %s", message.properties.get("message_id"),
                  exc_info[1])
        return "dead"


on_broadcast = BroadcastConsumer.decorator
