"""Prometheus metrics of a nameko service process (simpul_common.metrics, docs/metrics.md).

`Metrics()` serves the process's metrics at `http://METRICS_HOST:METRICS_PORT/metrics`
(METRICS_PORT 0 or unset: not served) and counts and times every RPC call of its service.
The same port answers the probes of docs/operations.md: `/healthz` 200 whenever the process
serves at all (liveness), `/readyz` 200 once every container of the process has started and
each of its queue consumers consumes (readiness), else 503.
`MeasuredConsumer` is the base of `consume`, `consume_batch` and `on_broadcast`: every handler
of a contract message is timed, its lag measured and its outcome counted, whether or not the
service serves its metrics."""
import logging
import time
from dataclasses import dataclass
from functools import partial

import eventlet
import eventlet.wsgi
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import DependencyProvider
from nameko.messaging import Consumer, QueueConsumer
from nameko.rpc import Rpc
from prometheus_client import make_wsgi_app

from .. import metrics

log = logging.getLogger(__name__)


@dataclass
class Server:
    thread: object   # the green thread running eventlet's WSGI server
    sock: object
    containers: list   # containers of this process serving on the port (None: not told)


_served: dict[int, Server] = {}
PROBES = {"/healthz": "live", "/readyz": "ready"}


def ready(container) -> bool:
    """Started, and every queue consumer of the container has consumed since it started.
    `_consumers_ready` is nameko 2.14's own flag (its last release, pinned); it stays set
    across a reconnect, so a broker outage shows in the alerts rather than taking every
    replica out of the rollout at once."""
    return container.started and all(
        extension._consumers_ready.ready() for extension in container.subextensions
        if isinstance(extension, QueueConsumer))


def app(port: int):
    """The server's WSGI app: the two probes, and the metrics on every other path."""
    scrape = make_wsgi_app()

    def answer(environ, start_response):
        probe = PROBES.get(environ.get("PATH_INFO", ""))
        if probe is None:
            return scrape(environ, start_response)
        server = _served.get(port)
        ok = server is not None and (probe == "live" or all(
            ready(container) for container in server.containers if container is not None))
        start_response("200 OK" if ok else "503 Service Unavailable",
                       [("Content-Type", "text/plain; charset=utf-8")])
        return [b"ok\n" if ok else b"not ready\n"]
    return answer


def serve(host: str, port: int, container=None) -> None:
    """Serve this process's metrics on `port`, once however many containers ask for it."""
    if port in _served:
        _served[port].containers.append(container)
        return
    sock = eventlet.listen((host, port))
    thread = eventlet.spawn(eventlet.wsgi.server, sock, app(port), log_output=False)
    _served[port] = Server(thread, sock, [container])
    log.info("metrics on http://%s:%d/metrics", host, port)


def unserve(port: int, container=None) -> None:
    server = _served.get(port)
    if server is None:
        return
    server.containers.remove(container)
    if not server.containers:
        del _served[port]
        server.thread.kill()
        server.sock.close()


class Metrics(DependencyProvider):
    """`metrics = Metrics()` on a service class: its metrics served, its RPC calls timed."""

    def setup(self):
        config = self.container.config
        self.port = int(config.get("METRICS_PORT") or 0)
        self.host = str(config.get("METRICS_HOST") or "0.0.0.0")
        self.calls: dict = {}   # worker context → when its RPC call started
        self.serving = False

    def start(self):
        if self.port:
            serve(self.host, self.port, self.container)
            self.serving = True

    def stop(self):
        if self.serving:
            self.serving = False
            unserve(self.port, self.container)

    def kill(self):
        self.stop()

    def worker_setup(self, worker_ctx):
        if isinstance(worker_ctx.entrypoint, Rpc):
            self.calls[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.calls.pop(worker_ctx, None)
        if started is not None:
            metrics.rpc_answered(self.container.service_name, worker_ctx.entrypoint.method_name,
                                 exc_info is None, time.perf_counter() - started)


class MeasuredConsumer(Consumer):
    """A consumer whose `handle_message_processed` answers the outcome (ok, retry or dead)."""
    metrics_queue: str   # the `queue` label

    def dispatch(self, received, message) -> None:
        """Hand a decoded message to the service method, as nameko's `handle_message` does."""
        started = self.measure(received)
        self.spawn((received,), [message], partial(self.handle_measured, message, started))

    def measure(self, received) -> metrics.Handling:
        return metrics.handling(self.container.service_name, self.metrics_queue,
                                received.message.type, received.occurred_at)

    def spawn(self, args: tuple, messages: list, handle_result) -> None:
        """A worker for `args` (the messages it handles); when the container is being killed,
        the messages go back to the queue instead."""
        try:
            self.container.spawn_worker(
                self, args, {}, context_data=self.unpack_message_headers(messages[0]),
                handle_result=handle_result)
        except ContainerBeingKilled:
            for message in messages:
                self.queue_consumer.requeue_message(message)

    def handle_measured(self, message, started, worker_ctx, result=None, exc_info=None):
        metrics.handled(started, self.handle_message_processed(message, result, exc_info))
        return result, exc_info

    def rejected(self, outcome: str = "dead") -> None:
        metrics.rejected(self.container.service_name, self.metrics_queue, outcome)
