"""`make faults`: break a running Simpul on purpose and count what it kept.

Each fault posts a stream of tagged reports through the gateway, as a kader app would (every
report has its own `Idempotency-Key` and is sent again, with the same key, after a 503 or a
dropped connection), does its damage in the middle of the stream — kill -9 of a service, one
of two replicas killed, SIGTERM with work in flight, RabbitMQ restarted, the storage server
killed and restarted, duplicate and poison messages injected — and then checks every report
the gateway accepted (202) against what reached the OPD's queue and reporting's journal:

    accepted   reports the gateway answered 202 for
    delivered  of those, the ones whose `case.routed` notice is in the OPD's queue
    counted    of those, the ones reporting journaled exactly once
    lost       accepted but not delivered or not counted (in the time allowed)
    duplicated delivered under more than one notification id, or counted more than once
    redelivered  a notice seen again under the same `notification_id`: the OPD contract says
               such a notice is dropped by the receiver (docs/guarantees.md); shown, not hidden

A fault passes only with 0 lost, 0 duplicated, and no dead letter but the poison it injected.

    python -m simpul_devtools.faults                 # every fault, about 10 minutes
    python -m simpul_devtools.faults --only kill-routing restart-broker
    python -m simpul_devtools.faults --list

It runs its own Simpul (own SecantusDB, own RabbitMQ vhost, own ports), so it never touches
what `make run` uses — except `restart-broker`, which restarts the local RabbitMQ itself.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# the retry ladder is a queue argument: this process declares the topology as well, so it sets
# the short ladder of the system under test before anything reads it (tests may set their own)
os.environ.setdefault("SIMPUL_RETRY_DELAYS_MS", "300,600,1500")

import httpx  # noqa: E402
from kombu import Connection, Producer, Queue, binding  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from simpul_common import contracts, messaging  # noqa: E402
from simpul_devtools.local import SERVICES, LocalSystem, free_port, port_open, wait_for  # noqa: E402
from simpul_devtools.pytest_fixtures import own_vhost  # noqa: E402

ADMIN, PASSWORD = "admin", "simpul-demo-2026"
# where the stream files its reports: one Posyandu and a desa in each demo kabupaten/kota,
# and service types of five OPDs in each
SERVICE_TYPES = ("kesehatan.balita", "pendidikan.dasar", "pekerjaan_umum.air_minum",
                 "sosial.lansia_terlantar", "trantibumlinmas.ketertiban_umum")
DESA = ("33.25.01.2001", "21.71.01.1002")
# the settings of the system under test: short retry ladders and claims, so that a fault heals
# within seconds; limits out of the way of one client posting fast
SETTINGS = {
    "AMQP_HEARTBEAT": "4",
    "DELIVERY_RETRY_BASE_SECONDS": "0.5", "DELIVERY_RETRY_MAX_SECONDS": "2",
    "DELIVERY_CLAIM_SECONDS": "8",
    "RATE_LIMIT_CLIENT_PER_MINUTE": "0", "RATE_LIMIT_LOGIN_PER_MINUTE": "0",
    "RATE_LIMIT_POSYANDU_PER_MINUTE": "0",
    "RPC_TIMEOUT_SECONDS": "4", "PUBLISH_TIMEOUT_SECONDS": "3",
}
ANSWER_BOUND_S = 10.0   # no answer of the gateway, even a 503 while something is down, takes longer


def say(text: str) -> None:
    print(f"[faults] {text}", flush=True)


# --- the system under test ------------------------------------------------------------------

class Rig:
    """A Simpul of its own for the faults, with the means to break it and to look inside."""

    def __init__(self, workdir: Path, amqp_uri: str, vhost: str, quiet: bool = True):
        self.vhost = vhost
        self.system = LocalSystem(workdir=workdir, amqp_uri=amqp_uri, gateway_port=free_port(),
                                  storage_port=0, db_prefix="faults", quiet=quiet,
                                  regions="demo", settings=dict(SETTINGS))
        self.notices: dict[str, list[str]] = defaultdict(list)   # report id → notification ids
        self._mongo: MongoClient | None = None
        self.places: list[dict] = []
        self.token: str | None = None

    @property
    def amqp_uri(self) -> str:
        return self.system.amqp_uri

    def start(self) -> "Rig":
        self.system.start()
        self.token = self._sign_in()
        for desa in DESA:
            response = self.api("GET", "/api/v1/posyandu", params={"desa_code": desa})
            response.raise_for_status()
            posyandu = response.json()["items"][0]["id"]
            self.places += [{"desa_code": desa, "posyandu_id": posyandu, "service_type": st}
                            for st in SERVICE_TYPES]
        return self

    def stop(self) -> None:
        if self._mongo is not None:
            self._mongo.close()
        self.system.stop()

    def _sign_in(self) -> str:
        response = httpx.post(self.system.gateway_url + "/api/v1/auth/token",
                              data={"username": ADMIN, "password": PASSWORD}, timeout=15)
        response.raise_for_status()
        return response.json()["access_token"]

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        return httpx.request(method, self.system.gateway_url + path, timeout=ANSWER_BOUND_S + 5,
                             headers={"Authorization": f"Bearer {self.token}",
                                      **kwargs.pop("headers", {})}, **kwargs)

    # --- what is where --------------------------------------------------------------------
    def mongo(self) -> MongoClient:
        """One client for the harness's look-ups (it reconnects after a storage restart)."""
        if self._mongo is None:
            self._mongo = MongoClient(self.system.mongo_uri, serverSelectionTimeoutMS=5000,
                                      tz_aware=True)
        return self._mongo

    def queue_depths(self) -> dict[str, int]:
        """Messages (ready and unacknowledged) of every queue of the vhost."""
        out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", self.vhost, "name",
                              "messages", "--no-table-headers"], capture_output=True, text=True,
                             timeout=60)
        depths = {}
        for line in out.stdout.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                depths[parts[0]] = int(parts[1])
        return depths

    def dead_letters(self) -> int:
        return self.queue_depths().get(contracts.DEAD_LETTER_QUEUE, 0)

    def drain_opd_queues(self) -> int:
        """Take every notice from every OPD queue, as the OPD's system does; the count taken."""
        taken = 0
        prefix = contracts.opd_queue_name("")
        names = [name for name in self.queue_depths() if name.startswith(prefix)]
        with Connection(self.amqp_uri, connect_timeout=5) as connection:
            for name in names:
                queue = Queue(name, durable=True, no_declare=True)(connection.channel())
                while (message := queue.get(no_ack=False)) is not None:
                    notice = message.payload
                    if notice.get("type") == "case.routed":
                        self.notices[notice["case"]["report_id"]].append(notice["notification_id"])
                    message.ack()
                    taken += 1
        return taken

    def journal(self, ids: list[str]) -> Counter:
        """How often reporting journaled a `report.received` of each report."""
        entries = self.mongo()[f"{self.system.db_prefix}_reporting"].journal.find(
            {"report_id": {"$in": ids}, "type": "report.received"}, {"report_id": 1})
        return Counter(entry["report_id"] for entry in entries)

    def idle(self) -> bool:
        """No work queue nor retry queue holds a message."""
        return not any(depth for name, depth in self.queue_depths().items()
                       if name.split(".retry.")[0] in contracts.QUEUES)

    # --- breaking it ------------------------------------------------------------------------
    def kill(self, key: str, signum=signal.SIGKILL) -> None:
        self.system.signal(key, signum)
        self.system.running[key].wait(timeout=60)

    def respawn(self, key: str) -> None:
        self.system.respawn(key)
        self.wait_up(key)

    def wait_up(self, key: str, seconds: float = 60) -> None:
        proc = self.system.running[key]
        if key == "gateway":
            check = self.system.healthy
        elif key == "storage":
            port = int(self.system.mongo_uri.rsplit(":", 1)[1].split("/")[0])
            check = lambda: port_open("127.0.0.1", port)   # noqa: E731
        else:
            url = f"http://127.0.0.1:{self.system.metrics_ports[key]}/metrics"
            check = lambda: urllib.request.urlopen(url, timeout=2).status == 200   # noqa: E731
        wait_for(check, key, seconds, [(key, proc)])


# --- the stream of reports ------------------------------------------------------------------

@dataclass
class Stream:
    """Posts `count` reports at `rate` per second with `workers` clients; each is sent until
    the gateway accepts it (202), with the same Idempotency-Key every time."""
    rig: Rig
    tag: str
    count: int
    rate: float
    workers: int = 8
    give_up_s: float = 180.0
    accepted: dict[int, str] = field(default_factory=dict)
    refused: dict[int, int] = field(default_factory=dict)    # a 4xx other than 429: a bug
    answers: Counter = field(default_factory=Counter)
    slowest: dict[str, float] = field(default_factory=dict)   # status → slowest answer (s)
    halfway: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, index: int) -> dict:
        place = self.rig.places[index % len(self.rig.places)]
        return {**place, "kind": "service_need",
                "description": f"Uji gangguan {self.tag} nomor {index}: layanan dasar dibutuhkan"}

    def run(self) -> None:
        started = time.monotonic()
        with ThreadPoolExecutor(self.workers) as pool:
            for index in range(self.count):
                delay = started + index / self.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                if index == self.count // 2:
                    self.halfway.set()
                pool.submit(self._file, index)
        self.halfway.set()

    def _file(self, index: int) -> None:
        headers = {"Idempotency-Key": f"faults-{self.tag}-{index}"}
        deadline = time.monotonic() + self.give_up_s
        while time.monotonic() < deadline:
            began = time.monotonic()
            try:
                response = self.rig.api("POST", "/api/v1/reports", json=self.body(index),
                                        headers=headers)
                status = str(response.status_code)
            except httpx.HTTPError as exc:
                response, status = None, type(exc).__name__
            took = time.monotonic() - began
            with self.lock:
                self.answers[status] += 1
                self.slowest[status] = max(self.slowest.get(status, 0.0), took)
            if response is not None and response.status_code == 202:
                with self.lock:
                    self.accepted[index] = response.json()["id"]
                return
            if response is not None and response.status_code == 401:
                self.rig.token = self.rig._sign_in()
            elif response is not None and 400 <= response.status_code < 500 \
                    and response.status_code != 429:
                with self.lock:
                    self.refused[index] = response.status_code
                return
            time.sleep(0.3)


# --- one fault ------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    what: str
    accepted: int = 0
    delivered: int = 0
    counted: int = 0
    lost: int = 0
    duplicated: int = 0
    redelivered: int = 0
    dead_letters: int = 0
    expected_dead_letters: int = 0
    refused: int = 0
    slowest_answer_s: float = 0.0
    seconds: float = 0.0
    checks: list[str] = field(default_factory=list)    # what the fault itself found wrong

    @property
    def passed(self) -> bool:
        return (self.accepted > 0 and self.lost == 0 and self.duplicated == 0
                and self.refused == 0 and self.dead_letters == self.expected_dead_letters
                and self.slowest_answer_s <= ANSWER_BOUND_S and not self.checks)

    def line(self) -> str:
        verdict = "LULUS" if self.passed else "GAGAL"
        text = (f"{verdict} {self.name:<20} accepted {self.accepted:>4}  delivered "
                f"{self.delivered:>4}  counted {self.counted:>4}  lost {self.lost}  duplicated "
                f"{self.duplicated}  redelivered {self.redelivered}  dead letters "
                f"{self.dead_letters}/{self.expected_dead_letters}  slowest answer "
                f"{self.slowest_answer_s:.1f} s  ({self.seconds:.0f} s)")
        return "\n".join([text, *(f"      ! {check}" for check in self.checks)])


@dataclass
class Fault:
    name: str
    what: str
    act: Callable[[Rig, Stream, Result], None]   # runs at the stream's half-way point
    before: Callable[[Rig], None] | None = None
    after: Callable[[Rig], None] | None = None
    expected_dead_letters: int = 0
    settle_s: float = 90.0


def run_fault(rig: Rig, fault: Fault, reports: int, rate: float) -> Result:
    result = Result(fault.name, fault.what, expected_dead_letters=fault.expected_dead_letters)
    began = time.monotonic()
    rig.drain_opd_queues()
    dead_before = rig.dead_letters()
    if fault.before:
        fault.before(rig)
    stream = Stream(rig, f"{fault.name}-{int(time.time())}", reports, rate)
    poster = threading.Thread(target=stream.run, name=f"stream-{fault.name}")
    poster.start()
    stream.halfway.wait()
    try:
        fault.act(rig, stream, result)
    except Exception as exc:   # a fault that could not be done is a failed fault
        result.checks.append(f"the fault itself failed: {type(exc).__name__}: {exc}")
    poster.join()
    if fault.after:
        fault.after(rig)
    settle(rig, stream, result, fault.settle_s)
    result.dead_letters = rig.dead_letters() - dead_before
    result.seconds = time.monotonic() - began
    return result


def settle(rig: Rig, stream: Stream, result: Result, seconds: float) -> None:
    """Wait until every accepted report was delivered and counted (or time is up) and nothing
    is left in the queues, then look once more for late duplicates."""
    ids = list(stream.accepted.values())
    deadline = time.monotonic() + seconds
    while True:
        rig.drain_opd_queues()
        journal = rig.journal(ids)
        done = all(rig.notices.get(i) and journal.get(i) for i in ids)
        if (done and rig.idle()) or time.monotonic() > deadline:
            break
        time.sleep(1)
    time.sleep(3)   # anything still on its way: a late duplicate would land now
    rig.drain_opd_queues()
    journal = rig.journal(ids)
    result.accepted = len(ids)
    result.refused = len(stream.refused)
    result.delivered = sum(1 for i in ids if rig.notices.get(i))
    result.counted = sum(1 for i in ids if journal.get(i) == 1)
    result.lost = sum(1 for i in ids if not rig.notices.get(i) or not journal.get(i))
    result.duplicated = sum(1 for i in ids if len(set(rig.notices.get(i, ()))) > 1
                            or journal.get(i, 0) > 1)
    result.redelivered = sum(len(rig.notices.get(i, ())) - len(set(rig.notices.get(i, ())))
                             for i in ids)
    result.slowest_answer_s = max(stream.slowest.values(), default=0.0)
    if stream.refused:
        result.checks.append(f"reports refused with 4xx: {dict(Counter(stream.refused.values()))}")


# --- the faults -----------------------------------------------------------------------------

def kill_and_restart(service: str, pause_s: float = 1.0):
    def act(rig: Rig, stream: Stream, result: Result) -> None:
        keys = [service] if service in ("gateway", "storage") else rig.system.processes_of(service)
        for key in keys:
            if rig.system.running[key].poll() is None:
                rig.kill(key)
        time.sleep(pause_s)
        for key in keys:
            rig.respawn(key)
    return act


def sigterm_drains(service: str, queue_name: str):
    """SIGTERM a service while its handlers are blocked on storage (SecantusDB stopped with
    SIGSTOP): it must wait for them, exit 0 once storage answers again, and leave behind no
    message that it had taken, i.e. every message still queued was never delivered before."""
    def act(rig: Rig, stream: Stream, result: Result) -> None:
        key = rig.system.processes_of(service)[0]
        proc = rig.system.running[key]
        rig.system.signal("storage", signal.SIGSTOP)
        try:
            time.sleep(2)   # handlers are now stuck in a write
            os.killpg(proc.pid, signal.SIGTERM)
            time.sleep(2)
            if proc.poll() is not None:
                result.checks.append(f"{key} exited before its work in flight was done")
        finally:
            rig.system.signal("storage", signal.SIGCONT)
        try:
            code = proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            result.checks.append(f"{key} did not exit within 40 s of SIGTERM")
            rig.kill(key)
            code = None
        if code not in (0, None):
            result.checks.append(f"{key} exited with {code} after SIGTERM, not 0")
        # a batch consumer gives back what it had taken but not yet handed to a worker; what
        # it had handled (its report stored) must have been finished and acknowledged
        requeued = requeued_messages(rig, queue_name)
        stored = rig.mongo()[f"{rig.system.db_prefix}_{service}"].reports.count_documents(
            {"_id": {"$in": requeued}})
        if stored:
            result.checks.append(f"{stored} message(s) {key} had handled went back to its "
                                 "queue: it did not finish them before exiting")
        elif requeued:
            say(f"{len(requeued)} message(s) {key} had taken but not begun went back to its queue")
        rig.respawn(key)
    return act


def requeued_messages(rig: Rig, queue_name: str) -> list[str]:
    """The report ids of the messages on a queue with the broker's `redelivered` flag: taken
    by a consumer and given back unacknowledged. Looked at once, without taking them."""
    ids = []
    with Connection(rig.amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        queue = Queue(queue_name, durable=True, no_declare=True)(channel)
        while (message := queue.get(no_ack=False)) is not None:
            if message.delivery_info.get("redelivered"):
                ids.append(message.payload["data"]["report_id"])
        channel.close()   # every message goes back, unacknowledged
    return ids


def kill_one_of_two(service: str):
    def before(rig: Rig) -> None:
        key = rig.system.add_replica(service)
        rig.wait_up(key)

    def act(rig: Rig, stream: Stream, result: Result) -> None:
        rig.kill(rig.system.processes_of(service)[0])   # the other replica carries on

    def after(rig: Rig) -> None:   # back to one process of the service, the first
        first, *others = rig.system.processes_of(service)
        rig.respawn(first)
        for key in others:
            if rig.system.running[key].poll() is None:
                rig.kill(key, signal.SIGTERM)
            rig.system.specs.pop(key)
            rig.system.running.pop(key)
            rig.system.metrics_ports.pop(key, None)
    return before, act, after


def restart_broker(rig: Rig, stream: Stream, result: Result) -> None:
    """Stop the RabbitMQ application (every connection drops), probe the gateway while it is
    down, start it again: everything must reconnect on its own."""
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=120)
    try:
        probe_while_down(rig, result, "POST /api/v1/reports", lambda: rig.api(
            "POST", "/api/v1/reports", json=stream.body(10_000)))
        time.sleep(2)
    finally:
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=120)
    wait_for(lambda: rig.api("GET", "/healthz").json()["status"] == "ok",
             "the gateway after the broker restart", 60)


def restart_storage(rig: Rig, stream: Stream, result: Result) -> None:
    """kill -9 the storage server (SecantusDB with --sync-on-commit), probe while it is down,
    start it again on the same data."""
    rig.kill("storage")
    try:
        probe_while_down(rig, result, "GET /api/v1/cases", lambda: rig.api(
            "GET", "/api/v1/cases", params={"kabupaten_code": "33.25"}))
        time.sleep(2)
    finally:
        rig.respawn("storage")


def probe_while_down(rig: Rig, result: Result, what: str, call) -> None:
    """While something is down, the gateway answers 503 within the bound: it never hangs,
    and never says 2xx for what it did not store."""
    began = time.monotonic()
    try:
        status = str(call().status_code)
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    took = time.monotonic() - began
    say(f"  {what} while down: {status} in {took:.1f} s")
    if status != "503" or took > ANSWER_BOUND_S:
        result.checks.append(f"{what} while down answered {status} in {took:.1f} s, "
                             f"not 503 within {ANSWER_BOUND_S:.0f} s")


POISON = (
    ("intake.submissions", b"\x00\xffnot json at all", "application/octet-stream"),
    ("intake.submissions", b'{"contract": "nothing we know"}', "application/json"),
    ("routing.reports", b"{broken json", "application/json"),
    ("notification.cases", b"[]", "application/json"),
    ("reporting.facts", b"\x89PNG", "image/png"),
)
SHADOWED = ("report.submit", "report.received", "report.routed")


def shadow_queue(rig: Rig) -> None:
    """A queue that gets a copy of every submission and of the events of the first hops."""
    with Connection(rig.amqp_uri) as connection:
        Queue("faults.shadow", durable=True, bindings=[
            binding(messaging.exchange_for(t), routing_key=t) for t in SHADOWED
        ])(connection.default_channel).declare()


def duplicates_and_poison(rig: Rig, stream: Stream, result: Result) -> None:
    """Publish every submission and event seen so far twice more, under the same message id
    (as a publisher that lost its confirm would), and one poison message on every queue."""
    with Connection(rig.amqp_uri) as connection:
        channel = connection.channel()
        shadow = Queue("faults.shadow", durable=True, no_declare=True)(channel)
        seen = []
        while (message := shadow.get(no_ack=True)) is not None:
            seen.append(message)
        channel.queue_delete("faults.shadow")   # before the copies, which it would get too
        producer = Producer(channel)
        channel.confirm_select()
        for message in seen:
            message_type = message.delivery_info["routing_key"]
            for _ in range(2):
                producer.publish(message.body, exchange=messaging.exchange_for(message_type),
                                 routing_key=message_type, delivery_mode=2,
                                 content_type=message.content_type,
                                 content_encoding=message.content_encoding,
                                 message_id=message.properties.get("message_id"),
                                 headers=message.headers or {})
        for queue, body, content_type in POISON:
            producer.publish(body, exchange="", routing_key=queue, delivery_mode=2,
                             content_type=content_type, content_encoding="binary",
                             message_id=f"poison-{queue}")
    say(f"  {2 * len(seen)} duplicate copies and {len(POISON)} poison messages published")
    if not seen:
        result.checks.append("no message was duplicated: the shadow queue saw nothing")


def _faults() -> list[Fault]:
    faults = [Fault(f"kill-{service}", f"kill -9 every {service} process mid-stream, "
                    "start it again a second later", kill_and_restart(service))
              for service in (*SERVICES, "gateway")]
    faults.append(Fault("sigterm-intake", "SIGTERM intake while its handlers wait on storage: "
                        "it drains them, exits 0, leaves nothing it took", sigterm_drains("intake", "intake.submissions")))
    for service in ("routing", "notification"):
        before, act, after = kill_one_of_two(service)
        faults.append(Fault(f"replica-{service}", f"two {service} processes, kill -9 one "
                            "mid-stream; the other carries on", act, before=before, after=after))
    faults += [
        Fault("restart-broker", "stop RabbitMQ mid-stream (every connection drops), "
              "start it again; gateway answers 503 meanwhile", restart_broker),
        Fault("restart-storage", "kill -9 SecantusDB mid-stream, start it again on its data; "
              "gateway answers 503 to reads meanwhile", restart_storage),
        Fault("duplicates-poison", "every submission and event published twice more under "
              "its id, and a poison message on each queue", duplicates_and_poison,
              before=shadow_queue, expected_dead_letters=len(POISON)),
    ]
    return faults


FAULTS = {fault.name: fault for fault in _faults()}
# the bounded subset CI runs (tests/faults): one of each kind of fault
CI_FAULTS = ("kill-routing", "kill-notification", "sigterm-intake", "replica-routing",
             "restart-broker", "restart-storage", "duplicates-poison")


def run(names: list[str], reports: int, rate: float, workdir: Path | None = None) -> list[Result]:
    results = []
    with ExitStack() as stack:
        workdir = workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix="simpul-faults-")))
        amqp_uri = stack.enter_context(own_vhost("simpul-faults"))
        vhost = amqp_uri.rsplit("/", 1)[1]
        say(f"menjalankan Simpul sendiri untuk uji gangguan (vhost {vhost}, log: {workdir}/logs)")
        rig = Rig(workdir, amqp_uri, vhost)
        stack.callback(rig.stop)
        rig.start()
        for number, name in enumerate(names, start=1):
            fault = FAULTS[name]
            say(f"[{number}/{len(names)}] {name}: {fault.what}")
            result = run_fault(rig, fault, reports, rate)
            say(result.line())
            results.append(result)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="simpul-faults", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", metavar="FAULT", help="these faults only")
    parser.add_argument("--ci", action="store_true", help="the bounded subset CI runs")
    parser.add_argument("--reports", type=int, default=120, help="reports per fault (120)")
    parser.add_argument("--rate", type=float, default=15.0, help="reports per second (15)")
    parser.add_argument("--list", action="store_true", help="list the faults and stop")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--workdir", type=Path, default=Path("var/faults"),
                        help="storage and the logs of every process (var/faults)")
    args = parser.parse_args(argv)
    if args.list:
        for fault in FAULTS.values():
            print(f"{fault.name:<20} {fault.what}")
        return 0
    names = args.only or (list(CI_FAULTS) if args.ci else list(FAULTS))
    unknown = [name for name in names if name not in FAULTS]
    if unknown:
        parser.error(f"unknown fault(s) {', '.join(unknown)}; --list shows them")
    if not shutil.which("rabbitmqctl"):
        parser.error("rabbitmqctl is needed (a vhost of its own, queue depths, broker restart)")
    if args.workdir.exists():
        shutil.rmtree(args.workdir)
    args.workdir.mkdir(parents=True)
    results = run(names, args.reports, args.rate, args.workdir.resolve())
    print()
    for result in results:
        print(result.line())
    failed = [r.name for r in results if not r.passed]
    print(f"\n{len(results) - len(failed)} of {len(results)} faults passed"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    if args.json:
        args.json.write_text(json.dumps([{**r.__dict__, "passed": r.passed} for r in results],
                                        indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
