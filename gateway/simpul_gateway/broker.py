"""The gateway's links to the services, usable from worker threads without eventlet.

`RpcPool` lends out started nameko standalone RPC proxies, one per thread at a time;
`CommandSender` publishes contract commands with broker confirmation. Both fail within
their timeouts instead of hanging when the broker is gone.
"""
import queue
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from amqp.exceptions import ConnectionError as AMQPConnectionError
from amqp.exceptions import RecoverableConnectionError
from kombu import Connection
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout
from nameko.standalone.rpc import ClusterRpcProxy

from simpul_common import messaging
from simpul_common.nameko_ext.pipelined import publish_confirmed
from simpul_common.nameko_ext.publisher import outgoing


class Unavailable(RuntimeError):
    """The broker (or a service behind it) did not answer in time."""


# errors of a service's storage, as they come back over RPC: the service is there, its
# database is not; the caller should try again later
STORAGE_OUTAGES = {"ServerSelectionTimeoutError", "AutoReconnect", "NetworkTimeout",
                   "ConnectionFailure", "NotPrimaryError"}


class StaleConnection(Exception):
    """A pooled RPC client's connection was found dead before its request went out."""


CONNECTION_ERRORS = (OSError, AMQPConnectionError, RecoverableConnectionError, OperationalError)


class RpcPool:
    def __init__(self, amqp_uri: str, size: int, timeout: float):
        self.config = {"AMQP_URI": amqp_uri}
        self.timeout = timeout
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    def call(self, service: str, method: str, *args, **kwargs):
        if not self._slots.acquire(timeout=self.timeout):
            raise Unavailable("all RPC clients are busy")
        try:
            try:
                return self._call(service, method, args, kwargs)
            except StaleConnection:
                # an idle client whose connection died (the broker restarted): its request
                # did not go out; once more on a fresh client, then 503 (a write that did go
                # out would meet its case's version check the second time)
                self.close()
                return self._call(service, method, args, kwargs, retried=True)
        finally:
            self._slots.release()

    def _call(self, service: str, method: str, args, kwargs, retried: bool = False):
        proxy = self._checkout()
        try:
            result = getattr(getattr(proxy, service), method)(*args, **kwargs)
        except RemoteError as exc:
            self._idle.put(proxy)
            if exc.exc_type in STORAGE_OUTAGES:
                raise Unavailable(f"{service}: storage unavailable") from exc
            raise
        except RpcTimeout as exc:
            self._idle.put(proxy)  # a late reply is ignored by its correlation id
            raise Unavailable(f"{service} did not answer within {self.timeout} s") from exc
        except CONNECTION_ERRORS as exc:
            self._discard(proxy)
            if retried:
                raise Unavailable(f"{service}: {type(exc).__name__}") from exc
            raise StaleConnection() from exc
        except Exception as exc:
            self._discard(proxy)
            raise Unavailable(f"{service}: {type(exc).__name__}") from exc
        self._idle.put(proxy)
        return result

    def _checkout(self):
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        try:
            holder = ClusterRpcProxy(self.config, timeout=self.timeout)
            proxy = holder.start()
            proxy._holder = holder
            return proxy
        except Exception as exc:
            raise Unavailable(f"broker unreachable: {exc}") from exc

    def _discard(self, proxy):
        try:
            proxy._holder.stop()
        except Exception:
            pass

    def close(self):
        while not self._idle.empty():
            self._discard(self._idle.get_nowait())


class CommandSender:
    """Publishes commands for every request thread at once (group commit): `send` hands its
    envelope to one publishing thread, which sends all that are waiting together and waits
    once for the broker to confirm them, then wakes each sender. A sender waits at most
    `timeout` s, else Unavailable (its message may still go out: the client sends it again
    under the same Idempotency-Key, and intake stores a report id once)."""

    MAX_GROUP = 200

    def __init__(self, amqp_uri: str, timeout: float):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self._waiting: queue.Queue = queue.Queue()
        self._declared = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def send(self, envelope: dict) -> None:
        """Returns once the broker confirmed the persistent message on its durable queue."""
        confirmed: Future = Future()
        self._start()
        self._waiting.put((envelope, confirmed))
        try:
            confirmed.result(timeout=self.timeout)
        except FutureTimeout as exc:
            raise Unavailable(f"broker did not confirm within {self.timeout} s") from exc
        except Exception as exc:
            raise Unavailable(f"broker did not confirm: {exc}") from exc

    def close(self) -> None:
        if self._thread is not None:
            self._waiting.put(None)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._publish_groups, daemon=True,
                                                name="command-publisher")
                self._thread.start()

    def _publish_groups(self) -> None:
        while (first := self._waiting.get()) is not None:
            group = [first]
            while len(group) < self.MAX_GROUP and not self._waiting.empty():
                group.append(self._waiting.get_nowait())
            stop = group[-1] is None
            group = [item for item in group if item is not None]
            self._publish([(e, f) for e, f in group if f.set_running_or_notify_cancel()])
            if stop:
                return

    def _publish(self, group: list[tuple[dict, Future]]) -> None:
        try:
            if not self._declared:
                with Connection(self.amqp_uri, connect_timeout=self.timeout) as connection:
                    messaging.declare_topology(connection)
                self._declared = True
            publish_confirmed(self.amqp_uri, [outgoing(envelope) for envelope, _ in group],
                              self.timeout)
        except Exception as exc:
            for _, confirmed in group:
                confirmed.set_exception(exc)
            return
        for _, confirmed in group:
            confirmed.set_result(None)


def broker_reachable(amqp_uri: str, timeout: float = 2.0) -> bool:
    started = time.monotonic()
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
        return time.monotonic() - started < timeout * 2
    except Exception:
        return False
