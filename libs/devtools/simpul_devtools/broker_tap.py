"""A tap of every message published in one RabbitMQ virtual host, from RabbitMQ's firehose:
`rabbitmqctl trace_on -p <vhost>` makes the broker copy each publish, to any exchange (the
default one, nameko's RPC requests and replies too), to `amq.rabbitmq.trace` with routing key
`publish.<exchange>`. A background thread reads those copies from an exclusive queue into a
JSON-lines file: the trace headers (exchange, routing keys, the original properties and
headers) and the body as text. The file is capped; what does not fit is counted, not kept.
"""
import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

from kombu import Connection, Consumer, Producer, Queue

TRACE_EXCHANGE = "amq.rabbitmq.trace"
MARK_PREFIX = "simpul-tap.mark."


class TapError(RuntimeError):
    """The firehose could not be switched on or read: nothing the tap says can be trusted."""


class FirehoseTap:
    def __init__(self, amqp_uri: str, store: Path, max_bytes: int = 512 * 2**20):
        self.amqp_uri, self.store, self.max_bytes = amqp_uri, Path(store), max_bytes
        self.vhost = Connection(amqp_uri).virtual_host
        self.seen = self.kept = self.stored_bytes = 0
        self.error: str | None = None
        self._marks: set[str] = set()
        self._lock, self._stopping = threading.Lock(), threading.Event()
        self._thread: threading.Thread | None = None
        self._connection = self._file = None

    def start(self) -> "FirehoseTap":
        self._rabbitmqctl("trace_on")
        self._connection = Connection(self.amqp_uri)
        channel = self._connection.channel()
        queue = f"simpul-tap-{uuid.uuid4().hex[:8]}"
        channel.queue_declare(queue, exclusive=True)
        channel.queue_bind(queue, TRACE_EXCHANGE, "publish.#")
        self._file = self.store.open("w", encoding="utf-8")
        self._consumer = Consumer(channel, [Queue(queue, no_declare=True)], no_ack=True,
                                  on_message=self._keep)
        self._consumer.consume()
        self._thread = threading.Thread(target=self._drain, name="firehose-tap", daemon=True)
        self._thread.start()
        return self

    def mark(self, text: str, seconds: float = 30.0) -> None:
        """Publishes `text` on the default exchange and waits until the tap has read it: the
        broker copies each publish to the trace as it takes it, so what was published before
        is then in the store; and the default exchange is shown to be tapped too."""
        key = f"{MARK_PREFIX}{uuid.uuid4().hex}"
        with Connection(self.amqp_uri, transport_options={"confirm_publish": True}) as connection:
            Producer(connection.default_channel).publish(text, exchange="", routing_key=key)
        deadline = time.monotonic() + seconds
        while key not in self._marks:
            if self.error or time.monotonic() > deadline:
                raise TapError(self.error or f"the tap did not see its own mark in {seconds} s")
            time.sleep(0.05)

    def records(self) -> list[dict]:
        with self._lock:
            self._file.flush()
            lines = self.store.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    @property
    def dropped(self) -> int:
        return self.seen - self.kept

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(timeout=10)
        for resource in (self._connection, self._file):
            if resource is not None:
                resource.close()
        self._rabbitmqctl("trace_off", check=False)

    def _keep(self, message) -> None:
        trace = dict(message.headers or {})
        record = {"exchange": trace.pop("exchange_name", None),
                  "routing_keys": list(trace.pop("routing_keys", []) or []),
                  "trace": trace, "body": message.body.decode("utf-8", "backslashreplace")}
        line = json.dumps(record, default=str, ensure_ascii=False) + "\n"
        with self._lock:
            self.seen += 1
            if self.stored_bytes + len(line) <= self.max_bytes:
                self._file.write(line)
                self.kept += 1
                self.stored_bytes += len(line)
        self._marks.update(k for k in record["routing_keys"] if k.startswith(MARK_PREFIX))

    def _drain(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    self._connection.drain_events(timeout=0.5)
                except socket.timeout:
                    pass
        except Exception as exc:  # the test that reads the tap fails on it
            self.error = f"the tap stopped reading the firehose: {exc!r}"

    def _rabbitmqctl(self, command: str, check: bool = True) -> None:
        ctl = shutil.which("rabbitmqctl")
        if ctl is None:
            raise TapError("rabbitmqctl not found: the firehose cannot be switched on")
        done = subprocess.run([ctl, "-q", command, "-p", self.vhost], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise TapError(f"rabbitmqctl {command} -p {self.vhost} failed "
                           f"(exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
