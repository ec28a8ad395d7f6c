"""What the bench watches while the load runs: the OPD queues (as an OPD's system reads them),
the depth of every work queue, and the CPU and memory of every process."""
from __future__ import annotations

import threading
import time
from collections import defaultdict

import psutil
from kombu import Connection, Consumer, Queue

from simpul_common import contracts

SAMPLE_S = 0.5


class Watcher:
    """Watches in a daemon thread of its own (`_run`, until `_stop` is set)."""

    def __init__(self, name: str):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        raise NotImplementedError


class OpdTap(Watcher):
    """Consumes the OPD queues in a thread of its own; when each report's `case.routed`
    notice arrived (`time.time()`), by report id."""

    def __init__(self, amqp_uri: str, queue_names: list[str]):
        self.amqp_uri, self.queue_names = amqp_uri, queue_names
        self.arrived: dict[str, float] = {}
        self.notices = 0
        super().__init__("opd-tap")

    def _run(self) -> None:
        with Connection(self.amqp_uri, heartbeat=0) as connection:
            queues = [Queue(name, durable=True, no_declare=True) for name in self.queue_names]
            with Consumer(connection, queues, callbacks=[self._on_notice], accept=["json"],
                          no_ack=True, prefetch_count=0):
                while not self._stop.is_set():
                    try:
                        connection.drain_events(timeout=0.5)
                    except TimeoutError:
                        pass

    def _on_notice(self, notice, message) -> None:
        self.notices += 1
        if notice.get("type") == "case.routed":
            self.arrived.setdefault(notice["case"]["report_id"], time.time())


class Sampler(Watcher):
    """Every half second: the depth of each work queue (passive declare) and the CPU and RSS
    of each watched process. `mark()` starts a new window; `window()` sums it up."""

    def __init__(self, amqp_uri: str, queue_names: list[str]):
        self.amqp_uri, self.queue_names = amqp_uri, queue_names
        self.processes: dict[str, psutil.Process] = {}
        self._lock = threading.Lock()
        self._depth: dict[str, int] = defaultdict(int)
        self._rss: dict[str, int] = defaultdict(int)
        self._cpu_at: dict[str, float] = {}
        self._since = time.monotonic()
        super().__init__("sampler")

    def watch(self, name: str, pid: int) -> None:
        with self._lock:
            self.processes[name] = psutil.Process(pid)

    def start(self) -> "Sampler":
        self.mark()
        return super().start()

    def mark(self) -> None:
        with self._lock:
            self._depth.clear()
            self._rss.clear()
            self._cpu_at = {name: _cpu(p) for name, p in self.processes.items()}
            self._since = time.monotonic()

    def window(self) -> dict:
        """Since the last mark: the deepest each queue got, each process's mean CPU (% of one
        core) and peak RSS (MB)."""
        with self._lock:
            took = max(time.monotonic() - self._since, 1e-6)
            cpu = {name: round(100 * (_cpu(p) - self._cpu_at.get(name, 0.0)) / took, 1)
                   for name, p in self.processes.items() if p.is_running()}
            return {"max_queue_depth": dict(self._depth),
                    "cpu_percent": cpu,
                    "peak_rss_mb": {n: round(v / 2 ** 20, 1) for n, v in self._rss.items()}}

    def _run(self) -> None:
        with Connection(self.amqp_uri, heartbeat=0) as connection:
            channel = connection.channel()
            while not self._stop.wait(SAMPLE_S):
                depths = {name: _depth(channel, name) for name in self.queue_names}
                with self._lock:
                    for name, depth in depths.items():
                        self._depth[name] = max(self._depth[name], depth)
                    for name, process in self.processes.items():
                        try:
                            self._rss[name] = max(self._rss[name], process.memory_info().rss)
                        except psutil.Error:
                            pass


def _depth(channel, name: str) -> int:
    try:
        return channel.queue_declare(queue=name, passive=True).message_count
    except Exception:
        return -1


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
        return times.user + times.system
    except psutil.Error:
        return 0.0


def rabbitmq_pid() -> int | None:
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "beam.smp":
            return process.pid
    return None


def opd_queue_names(opd_codes: list[str]) -> list[str]:
    return [contracts.opd_queue_name(code) for code in opd_codes]
