"""`@consume(queue)`: a nameko entrypoint for one of the contract queues, with bounded retries.

The message is acknowledged only when the handler has returned (its effect persisted), or
when the failure has been safely republished: to the next retry queue, or after the last
retry to the dead-letter queue with the error. Storage and broker outages are retried on
the longest delay without using up attempts, since the message is not at fault. Every
outcome (ok, retry, dead) is counted and timed per queue and type (simpul_common.metrics).
"""
import logging

from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from pymongo.errors import ConnectionFailure

from .. import contracts, messaging
from .draining import DrainingQueueConsumer
from .metrics import MeasuredConsumer
from .publisher import make_publisher

log = logging.getLogger(__name__)
TRANSIENT_ERRORS = (ConnectionFailure, ConnectionError, TimeoutError)


def next_step(failures: int, error: BaseException) -> tuple[str, int, int]:
    """Where a message goes after an error, given the `failures` it had before:
    ("retry", step, failures now) or ("dead", 0, failures now). An outage of storage or broker
    is not the message's fault: it waits on the longest delay and uses up no attempt."""
    last = len(messaging.RETRY_DELAYS_MS)
    if isinstance(error, TRANSIENT_ERRORS):
        return "retry", last, failures
    failures += 1
    if failures <= last:
        return "retry", failures, failures
    return "dead", 0, failures


class ParkingQueueConsumer(DrainingQueueConsumer):
    """nameko's queue consumer, draining on stop (draining.py), except that a message that
    cannot even be decoded (not JSON, a content type we do not accept) is parked in the dead
    letters instead of crashing the consumer, and with it the service, again at every
    redelivery."""

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = provider.handle_undecodable
        return consumers


class ContractConsumer(MeasuredConsumer):
    queue_consumer = ParkingQueueConsumer()

    def __init__(self, queue_name, **kwargs):
        if queue_name not in contracts.QUEUES:
            raise ValueError(f"{queue_name!r} is not a queue of the contracts")
        self.queue_name = self.metrics_queue = queue_name
        super().__init__(messaging.work_queue(queue_name), requeue_on_error=False, **kwargs)

    def setup(self):
        self.publisher = make_publisher(self.container.config[AMQP_URI_CONFIG_KEY])
        with Connection(self.container.config[AMQP_URI_CONFIG_KEY]) as connection:
            messaging.declare_topology(connection)
        super().setup()

    def handle_message(self, body, message):
        try:
            received = contracts.decode(body)
        except contracts.ContractError as exc:
            self._dead_letter(message, body, exc, attempt=0)
            self.queue_consumer.ack_message(message)
            self.rejected()
            return
        self.dispatch(received, message)

    def handle_undecodable(self, message, error):
        try:
            self._dead_letter(message, message.body, error, attempt=0, raw=True)
        except Exception:
            log.exception("cannot park undecodable message on %s", self.queue_name)
            self.queue_consumer.requeue_message(message)
            self.rejected("retry")
            return
        self.queue_consumer.ack_message(message)
        self.rejected()

    def handle_message_processed(self, message, result=None, exc_info=None) -> str:
        """Acknowledge the message once it is handled or safely republished; the outcome."""
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return "ok"
        try:
            where = self._reroute_failure(message, exc_info[1])
        except Exception:
            log.exception("cannot park failed message %s; returning it to %s",
                          message.properties.get("message_id"), self.queue_name)
            self.queue_consumer.requeue_message(message)
            return "retry"
        self.queue_consumer.ack_message(message)
        return where

    def _reroute_failure(self, message, error) -> str:
        failures = int((message.headers or {}).get(messaging.ATTEMPT_HEADER, 0))
        where, step, attempt = next_step(failures, error)
        if where == "dead":
            self._dead_letter(message, message.payload, error, attempt)
            return where
        log.warning("%s failed on %s (attempt %d: %s); retrying after step %d",
                    message.properties.get("message_id"), self.queue_name, attempt,
                    type(error).__name__, step)
        self.publisher.publish(
            message.payload, exchange="", routing_key=messaging.retry_queue_name(self.queue_name, step),
            message_id=message.properties.get("message_id"),
            headers={**(message.headers or {}), messaging.ATTEMPT_HEADER: attempt})
        return where

    def _dead_letter(self, message, body, error, attempt, raw=False):
        log.error("%s dead-lettered from %s after %d attempts: %s",
                  message.properties.get("message_id"), self.queue_name, attempt, error)
        encoding = {"serializer": None, "content_type": message.content_type or
                    "application/octet-stream", "content_encoding": message.content_encoding
                    or "binary"} if raw else {}
        self.publisher.publish(
            body, exchange="", routing_key=contracts.DEAD_LETTER_QUEUE, **encoding,
            message_id=message.properties.get("message_id"),
            headers={**(message.headers or {}), messaging.ATTEMPT_HEADER: attempt,
                     messaging.QUEUE_HEADER: self.queue_name,
                     messaging.ERROR_HEADER: f"{type(error).__name__}: {error}"[:500]})


consume = ContractConsumer.decorator
