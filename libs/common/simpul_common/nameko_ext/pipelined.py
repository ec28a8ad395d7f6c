"""Publishing many messages with one wait for their confirms.

A confirmed publish waits a round trip to the broker, and under load RabbitMQ confirms a
persistent message only once its queue has written it (or its consumer acknowledged it): one
message after another, a batch of 50 waits 50 times. Here they all go out on one channel in
confirm mode, and the caller waits once, until the broker has confirmed every one of them.
Any message nacked, returned as unroutable (mandatory) or not confirmed in time raises
`NotConfirmed`, so the caller handles the whole batch again (receivers de-duplicate on the
message ids). Used through `Publish.many` and the OPD queue sender.
"""
import queue
import time
from dataclasses import dataclass

from kombu import Connection, Producer

PERSISTENT = 2


class NotConfirmed(RuntimeError):
    """The broker did not confirm every message of a pipelined publish."""


@dataclass(frozen=True)
class Outgoing:
    body: dict
    exchange: object          # a kombu Exchange, or its name
    routing_key: str
    message_id: str
    mandatory: bool = True


def publish_confirmed(amqp_uri: str, messages: list[Outgoing], timeout: float) -> None:
    """Publish every message persistently, then wait (at most `timeout` s) for the broker to
    confirm them all."""
    if not messages:
        return
    connection = _take(amqp_uri, timeout)
    try:
        channel = connection.channel()
        try:
            _publish_and_wait(connection, channel, messages, timeout)
        finally:
            _close(channel)
    except NotConfirmed:
        _idle[amqp_uri].put(connection)
        raise
    except Exception:
        _close(connection)   # a dead connection is never lent again
        raise
    _idle[amqp_uri].put(connection)


# idle connections by broker URI, lent to one caller at a time (green threads or OS threads)
_idle: dict[str, queue.LifoQueue] = {}


def _take(amqp_uri: str, timeout: float) -> Connection:
    try:
        return _idle.setdefault(amqp_uri, queue.LifoQueue()).get_nowait()
    except queue.Empty:
        return Connection(amqp_uri, connect_timeout=timeout)


def _publish_and_wait(connection, channel, messages: list[Outgoing], timeout: float) -> None:
    pending, problems = set(range(1, len(messages) + 1)), []

    def acked(tag, multiple):
        pending.difference_update(range(1, tag + 1) if multiple else (tag,))

    def nacked(tag, multiple, *_):
        problems.append(f"nack of {tag}")
        acked(tag, multiple)

    channel.confirm_select()
    channel.events["basic_ack"].add(acked)
    channel.events["basic_nack"].add(nacked)
    channel.events["basic_return"].add(
        lambda exc, exchange, key, message: problems.append(f"unroutable: {exchange} {key}"))
    producer = Producer(channel, serializer="json")
    for message in messages:
        producer.publish(message.body, exchange=message.exchange, routing_key=message.routing_key,
                         message_id=message.message_id, mandatory=message.mandatory,
                         delivery_mode=PERSISTENT, retry=False)
    deadline = time.monotonic() + timeout
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            raise NotConfirmed(f"{len(pending)} of {len(messages)} not confirmed in {timeout} s")
        try:
            connection.drain_events(timeout=min(left, 1.0))
        except TimeoutError:
            continue
    if problems:
        raise NotConfirmed(f"{len(problems)} of {len(messages)}: {problems[0]}")


def _close(closable) -> None:
    try:
        closable.close()
    except Exception:   # the connection is gone already
        pass
