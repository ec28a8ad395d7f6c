"""The dead letters (docs/guarantees.md): messages a consumer gave up on after its retries, or
could not read at all, parked on `simpul.dead-letters` with where they came from and why.
Listed and inspected without taking them off the queue, and replayed, one by one or all of one
queue, to the queue they came from — under their own message id, so the idempotent handlers
change nothing twice. Used by `simpul-dead-letters` and the gateway's admin API.

Reading is done by fetching without acknowledging and then closing the channel, which puts
every fetched message back in its place: nothing consumes the dead-letter queue, so nothing
else sees them meanwhile.
"""
import hashlib
import json
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from kombu import Connection

from . import contracts, messaging

MOST = 10_000   # messages read at once, at most: the rest wait untouched behind them
OWN_HEADERS = (messaging.ATTEMPT_HEADER, messaging.QUEUE_HEADER, messaging.ERROR_HEADER)


@dataclass(frozen=True)
class DeadLetter:
    id: str                     # stable: the same message has the same id in every listing
    queue: Optional[str]        # where it came from, and where a replay sends it
    error: Optional[str]
    attempts: int
    message_id: Optional[str]
    message_type: Optional[str]  # the envelope's type, when the body is one
    content_type: Optional[str]
    size: int
    body: str                   # as text (bytes that are no UTF-8 shown escaped)

    def view(self, with_body: bool = False) -> dict:
        shown = {field: getattr(self, field) for field in (
            "id", "queue", "error", "attempts", "message_id", "message_type", "content_type",
            "size")}
        return {**shown, "body": self.body} if with_body else shown


def letter_id(queue: Optional[str], message_id: Optional[str], error: Optional[str],
              attempts: int, body: bytes) -> str:
    """The same parked message, the same id; parked again (after a replay), another."""
    parts = [queue or "", message_id or "", error or "", str(attempts)]
    return hashlib.sha256(b"\0".join([p.encode() for p in parts] + [body])).hexdigest()[:20]


def read(raw_body: bytes, headers: dict, properties: dict, content_type: Optional[str]) -> DeadLetter:
    """A dead letter as the broker handed it over."""
    headers = headers or {}
    if isinstance(raw_body, str):   # kombu hands a text body over decoded
        raw_body = raw_body.encode("utf-8")
    text = raw_body.decode("utf-8", errors="backslashreplace")
    try:
        message_type = json.loads(text).get("type")
    except (ValueError, AttributeError):
        message_type = None
    queue, message_id = headers.get(messaging.QUEUE_HEADER), properties.get("message_id")
    error, attempts = headers.get(messaging.ERROR_HEADER), int(headers.get(messaging.ATTEMPT_HEADER) or 0)
    return DeadLetter(id=letter_id(queue, message_id, error, attempts, raw_body), queue=queue,
                      error=error, attempts=attempts,
                      message_id=message_id,
                      message_type=message_type if isinstance(message_type, str) else None,
                      content_type=content_type, size=len(raw_body), body=text)


class DeadLetters:
    def __init__(self, amqp_uri: str, timeout: float = 5.0,
                 queue: str = contracts.DEAD_LETTER_QUEUE):
        self.amqp_uri, self.timeout, self.queue = amqp_uri, timeout, queue

    def _connection(self) -> Connection:
        connection = Connection(self.amqp_uri, connect_timeout=self.timeout,
                                transport_options={"confirm_publish": True})
        connection.ensure_connection(max_retries=1, timeout=self.timeout)
        return connection

    def _each(self, connection, most: int) -> Iterable[tuple]:
        """(message, dead letter) of the first `most` messages, none acknowledged yet."""
        channel = connection.channel()
        messaging.dead_letter_queue(channel).declare()
        taken = 0
        while taken < most:
            message = channel.basic_get(self.queue, no_ack=False)
            if message is None:
                return
            taken += 1
            yield message, read(message.body, message.headers, message.properties,
                                message.content_type)

    def count(self) -> int:
        with self._connection() as connection:
            return messaging.dead_letter_queue(connection.default_channel).queue_declare().message_count

    def peek(self, limit: int = 100, queue: Optional[str] = None) -> list[DeadLetter]:
        """The first dead letters (of `queue`, if named), oldest first; all stay where they are."""
        with self._connection() as connection:
            found = [letter for _, letter in self._each(connection, MOST)
                     if queue is None or letter.queue == queue]
        return found[:limit]

    def find(self, letter_id_: str) -> Optional[DeadLetter]:
        return next((l for l in self.peek(MOST) if l.id == letter_id_), None)

    def replay(self, ids: Optional[Iterable[str]] = None, queue: Optional[str] = None,
               on_each: Callable[[DeadLetter], None] = lambda letter: None) -> dict:
        """Send the dead letters with these `ids` (or every one of `queue`, or all) back to the
        queue each came from, without the dead-letter headers, so it gets its retries again;
        each is taken off the dead letters only once the broker confirmed its replay."""
        wanted = set(ids) if ids is not None else None
        replayed, missing_queue = [], []
        with self._connection() as connection:
            messaging.declare_topology(connection)
            producer = connection.Producer()   # the default exchange: straight to the queue
            waiting = messaging.dead_letter_queue(connection.default_channel).queue_declare().message_count
            # only what was there when the replay began: a replayed message its consumer parks
            # again arrives behind them, and waits for the operator
            for message, letter in self._each(connection, min(waiting, MOST)):
                if (wanted is not None and letter.id not in wanted) or letter.id in replayed or \
                        (queue is not None and letter.queue != queue):
                    continue
                if letter.queue not in contracts.QUEUES:   # declared with the topology below
                    missing_queue.append(letter.id)
                    continue
                headers = {k: v for k, v in (message.headers or {}).items() if k not in OWN_HEADERS}
                body = message.body if isinstance(message.body, bytes) else message.body.encode()
                producer.publish(body, routing_key=letter.queue, serializer=None,
                                 content_type=message.content_type or "application/json",
                                 content_encoding=message.content_encoding or "utf-8",
                                 message_id=letter.message_id, headers=headers,
                                 delivery_mode=2, retry=False)   # confirmed before the ack
                message.channel.basic_ack(message.delivery_tag)
                replayed.append(letter.id)
                on_each(letter)
        found = set(replayed) | set(missing_queue)
        return {"replayed": len(replayed), "ids": replayed, "without_queue": missing_queue,
                "not_found": sorted(wanted - found) if wanted is not None else []}
