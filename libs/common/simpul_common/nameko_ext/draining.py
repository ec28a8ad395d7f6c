"""The queue consumer of every Simpul entrypoint: it drains on stop and it notices a dead
broker connection.

Draining: nameko stops its entrypoints, waits for running workers, then stops the rest; but
its queue consumer closes the broker connection as soon as the last consumer is cancelled,
which is *before* those workers end, so their acknowledgements are dropped and the broker
hands the messages out again. `DrainingQueueConsumer` keeps the connection (and so the
channel the messages came on) open until every message it delivered was acknowledged or
requeued.

Dead connections: kombu's consumer loop checks heartbeats only when a read times out, so a
broker that sends its heartbeats more often than the loop's one-second read timeout is never
answered (and closes the connection); and when a heartbeat is missed, kombu cancels the
consumers on the dead connection first, waiting for ever for the broker's reply. This loop
checks heartbeats on every turn and, when they stop, drops the connection's socket before
anything waits on it, so the consumer connects again at once (`HEARTBEAT` in each service's
config.yml; a frozen connection is noticed within about two heartbeats).

Settling (ack or requeue) a message whose connection died raises nothing: the broker has it
back already, and a raise there would kill the whole container.

Contract consumers (`@consume`), broadcasts (`@on_broadcast`), RPC entrypoints (`@rpc`) and
RPC clients (`RpcProxy`) from this package all use it.
"""
import logging
import socket
from itertools import count

from amqp.exceptions import ConnectionError as AMQPConnectionError
from amqp.exceptions import ConnectionForced, RecoverableConnectionError
from nameko.messaging import QueueConsumer
from nameko.rpc import ReplyListener as NamekoReplyListener
from nameko.rpc import Rpc as NamekoRpc
from nameko.rpc import RpcConsumer
from nameko.rpc import RpcProxy as NamekoRpcProxy

log = logging.getLogger(__name__)
CONNECTION_ERRORS = (OSError, AMQPConnectionError, RecoverableConnectionError)


class DrainingQueueConsumer(QueueConsumer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unsettled: set[int] = set()   # messages delivered, not yet acked nor requeued

    def handle_message(self, provider, body, message):
        self.unsettled.add(id(message))
        super().handle_message(provider, body, message)

    def ack_message(self, message):
        self._settle(message, super().ack_message)

    def requeue_message(self, message):
        self._settle(message, super().requeue_message)

    def _settle(self, message, settle) -> None:
        """Ack or requeue; on a connection that died meanwhile there is nothing to do (the
        broker has taken the message back and hands it out again), and nothing to raise: a
        raise here would kill the worker's container, not just this message."""
        try:
            settle(message)
        except CONNECTION_ERRORS as exc:
            log.warning("message %s not settled, its connection is gone (%s): the broker "
                        "delivers it again", message.properties.get("message_id"),
                        type(exc).__name__)
        finally:
            self.unsettled.discard(id(message))

    def on_iteration(self):
        self._cancel_consumers_if_requested()
        if len(self._consumers) == 0 and not self.unsettled:
            self.should_stop = True

    def on_connection_revived(self):
        # messages taken on a connection that died are the broker's again: nothing to wait for
        self.unsettled.clear()

    def consume(self, limit=None, timeout=None, safety_interval=1, **kwargs):
        """kombu's `ConsumerMixin.consume`, with the heartbeat checked on every turn."""
        with self.consumer_context(**kwargs) as (connection, channel, consumers):
            for _ in count():
                if self.should_stop:
                    break
                self.on_iteration()
                try:
                    connection.drain_events(timeout=safety_interval)
                except socket.timeout:
                    pass
                except OSError:
                    if not self.should_stop:
                        raise
                    continue
                self.check_heartbeat(connection)
                yield

    @staticmethod
    def check_heartbeat(connection) -> None:
        try:
            connection.heartbeat_check()
        except ConnectionForced:
            log.warning("no heartbeat from the broker at %s: dropping the connection",
                        connection.as_uri())
            connection.collect()   # no goodbye over a dead socket: nothing waits on it
            raise


class DrainingRpcConsumer(RpcConsumer):
    queue_consumer = DrainingQueueConsumer()


class Rpc(NamekoRpc):
    rpc_consumer = DrainingRpcConsumer()


class ReplyListener(NamekoReplyListener):
    queue_consumer = DrainingQueueConsumer()


class RpcProxy(NamekoRpcProxy):
    rpc_reply_listener = ReplyListener()


rpc = Rpc.decorator
