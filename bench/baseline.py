"""The bare baseline: how far Simpul's design can go on this machine, with nothing else.

It runs the same hops as Simpul (submit → intake → routing → notification → the OPD's queue,
intake tracking, reporting counting) as minimal kombu + pymongo batch consumers, one OS
process per hop, with the same broker work per report (persistent JSON messages published with
confirms, mandatory, to durable queues on the given vhost) and the same storage round trips
per batch. `make bench` prints Simpul's sustained throughput as a share of this one.

What it is NOT: Simpul. No HTTP gateway, authentication, nameko, eventlet, contracts
validation, registry lookups, retry ladders, dead letters, metrics, logs or webhooks; documents
and messages only have Simpul's size and shape, not its meaning; no secondary index but the one
its own queries need. Its topology (prefix `bare.`) and databases (`<db_prefix>_*`) are its
own: both dropped at start, the queues and exchanges deleted at stop (the databases are left
for a look).

Per step of offered load it reports what was accepted (confirmed submits), delivered (notices
on the OPD queues, latency counted from when each submit was due), counted by reporting, and
the deepest queue; `sustained()` picks the highest rate kept up.

    python -m bench.baseline --amqp-uri pyamqp://guest:guest@127.0.0.1:5672/bare-test \\
        --mongo-uri 'mongodb://127.0.0.1:27666/?retryWrites=false' --rates 50,100,200,400
"""
from __future__ import annotations

import argparse
import base64
import logging
import multiprocessing
import os
import random
import signal
import socket
import threading
import time
from collections import Counter
from datetime import datetime, timezone

from kombu import Connection, Consumer, Exchange, Queue, binding
from pymongo import MongoClient, ReplaceOne, UpdateOne
from pymongo.errors import BulkWriteError

from . import stats

log = logging.getLogger("bench.baseline")

# --- the design being mirrored: keep this part in step with Simpul ---------------------------
EVENTS = "bare.events"                 # topic exchange; routing key = event type
OPD_EXCHANGE = "bare.opd"              # topic exchange; routing key = "<kab>.<opd>.<type>"
SUBMISSIONS = "bare.intake.submissions"  # the gateway's submit commands (default exchange)
QUEUES = {                             # work queue → the event types bound to it from EVENTS
    SUBMISSIONS: (),
    "bare.routing.reports": ("report.received",),
    "bare.intake.tracking": ("report.routed", "notification.delivered"),
    "bare.notification.cases": ("report.routed",),
    "bare.reporting.facts": ("report.received", "report.routed"),
}
SERVICE_TYPES = {  # the service types reported, each → the OPD it is routed to
    "kesehatan.balita": "dinkes", "kesehatan.ibu_hamil": "dinkes", "kesehatan.lansia": "dinkes",
    "pendidikan.anak_tidak_sekolah": "disdik", "pendidikan.paud": "disdik",
    "sosial.terlantar": "dinsos", "sosial.disabilitas": "dinsos",
    "perumahan.rumah_tidak_layak": "perkim", "perumahan.air_minum": "perkim",
    "trantibum.bencana": "satpolpp", "trantibum.ketertiban": "satpolpp"}
OPDS = {kab: sorted(set(SERVICE_TYPES.values())) for kab in ("33.25", "21.71")}  # kab → OPD
DESAS = tuple(f"{kab}.{kec:02d}.{2000 + desa}"   # 10 kecamatan × 10 desa per kab
              for kab in OPDS for kec in range(1, 11) for desa in range(1, 11))
KINDS = ("service_need",) * 7 + ("complaint",) * 2 + ("aspiration",)
COUNTER_DIMENSIONS = ("status", "spm_area", "service_type", "kind", "opd")  # and "total"
PREFETCH_BATCHES = 2                   # prefetch_count = PREFETCH_BATCHES × batch


def intake_submissions(hop: Hop, reports: list[dict]) -> None:
    """Store the submitted reports; announce each one."""
    insert_new(hop.db("intake").reports, [report_doc(r) for r in reports])
    for report in reports:
        hop.publish(EVENTS, "report.received", received_event(report))


def routing_reports(hop: Hop, events: list[dict]) -> None:
    """Open a case for each report not routed yet; announce each one routed."""
    cases = hop.db("routing").cases
    ids = [case_id(e) for e in events]
    found = {c["_id"] for c in cases.find({"_id": {"$in": ids}}, {"_id": 1})}
    insert_new(cases, [case_doc(e) for e in events if case_id(e) not in found])
    for event in events:
        hop.publish(EVENTS, "report.routed", routed_event(event))


def intake_tracking(hop: Hop, events: list[dict]) -> None:
    """Follow each report's status and history (each event once)."""
    hop.db("intake").reports.bulk_write([
        UpdateOne({"_id": e["report_id"], "history.event_id": {"$ne": e["event_id"]}},
                  {"$set": tracked_fields(e), "$push": {"history": history_entry(e)}})
        for e in events], ordered=False)


def notification_cases(hop: Hop, events: list[dict]) -> None:
    """Claim a delivery and an inbox item per case, put the notice on the OPD's queue, mark it
    delivered and announce it."""
    db = hop.db("notification")
    insert_new(db.deliveries, [delivery_doc(e) for e in events])
    insert_new(db.inbox, [inbox_doc(e) for e in events])
    for event in events:
        hop.publish(OPD_EXCHANGE, f"{event['kabupaten']}.{event['opd']}.case.routed",
                    opd_notice(event))
    db.deliveries.bulk_write([UpdateOne({"_id": delivery_id(e)}, delivered_change(e))
                              for e in events], ordered=False)
    for event in events:
        hop.publish(EVENTS, "notification.delivered", delivered_event(event))


def reporting_facts(hop: Hop, events: list[dict]) -> None:
    """Journal each event once, derive its report's fact again from its whole journal and move
    the counters by the difference, all in one transaction."""
    db = hop.db("reporting")
    with hop.mongo.start_session() as session:
        session.with_transaction(lambda s: journal_and_fold(db, events, s))


def journal_and_fold(db, events: list[dict], session) -> None:
    unique = {e["event_id"]: e for e in events}
    seen = {j["_id"] for j in db.journal.find({"_id": {"$in": list(unique)}}, {"_id": 1},
                                              session=session)}
    fresh = [journal_entry(e) for event_id, e in unique.items() if event_id not in seen]
    if fresh:
        db.journal.insert_many(fresh, ordered=False, session=session)
        fold(db, sorted({j["report_id"] for j in fresh}), session)


def fold(db, report_ids: list[str], session) -> None:
    journaled: dict[str, list] = {rid: [] for rid in report_ids}
    for entry in db.journal.find({"report_id": {"$in": report_ids}}, session=session):
        journaled[entry["report_id"]].append(entry)
    before = {f["_id"]: f for f in db.facts.find({"_id": {"$in": report_ids}}, session=session)}
    after = {rid: derive_fact(rid, entries) for rid, entries in journaled.items()}
    deltas: Counter = Counter()
    for rid, fact in after.items():
        deltas.update(counter_deltas(before.get(rid), fact))
    db.facts.bulk_write([ReplaceOne({"_id": rid}, fact, upsert=True)
                         for rid, fact in after.items()], ordered=False, session=session)
    by_scope: dict[str, dict] = {}
    for key, n in sorted(deltas.items()):
        if n:
            scope, dim, value = key.split("|", 2)
            by_scope.setdefault(scope, {})[f"c.{dim}|{value.replace('.', '%2E')}"] = n
    if by_scope:   # one document per region scope, as Simpul's reporting keeps its counts
        db.counts.bulk_write([UpdateOne({"_id": scope}, {"$inc": counts}, upsert=True)
                              for scope, counts in by_scope.items()], ordered=False,
                             session=session)


HOPS = {  # hop → (the queue it consumes, what it does with a batch); one process each
    "intake": (SUBMISSIONS, intake_submissions),
    "routing": ("bare.routing.reports", routing_reports),
    "tracking": ("bare.intake.tracking", intake_tracking),
    "notification": ("bare.notification.cases", notification_cases),
    "reporting": ("bare.reporting.facts", reporting_facts),
}
DATABASES = ("intake", "routing", "notification", "reporting")
# the secondary indexes Simpul keeps on the collections its hot path writes: each write pays
# for them (services/*/repository.py, `prepare`)
INDEXES = {
    "intake.reports": [[("posyandu_id", 1), ("received_at", 1)], "citizen_ref", "closed_at"],
    "routing.cases": [[("opd_code", 1), ("status", 1)], [("kabupaten_code", 1), ("status", 1)],
                      [("posyandu_id", 1), ("routed_at", -1)], "household_ref", "visit_id",
                      "timer_at", "outbox_at"],
    "notification.deliveries": ["report_id", [("status", 1), ("next_attempt_at", 1)],
                                [("status", 1), ("opd_code", 1)],
                                [("status", 1), ("claimed_at", 1)]],
    "notification.inbox": [[("posyandu_id", 1), ("at", -1)]],
    "reporting.journal": ["report_id"],
    "reporting.facts": [[("regions", 1), ("day", 1)]],
}


def prepare_databases(mongo: MongoClient, prefix: str) -> None:
    for name in DATABASES:
        mongo.drop_database(f"{prefix}_{name}")
    for name, keys in INDEXES.items():
        service, collection = name.split(".")
        for key in keys:
            mongo[f"{prefix}_{service}"][collection].create_index(key)


# --- documents and messages: Simpul's sizes and shapes ----------------------------------------
FILLER = "Balita belum mendapat imunisasi campak; kader sudah mengunjungi rumah dua kali. "


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def submit_command(report_id: str, sent_at: float) -> dict:
    """The gateway's `submit` of one report (~1 KB), from a random desa; `sent_at` (when it
    was due, `time.time()`) travels to the OPD notice."""
    rng = random.Random(report_id)
    desa, service_type = rng.choice(DESAS), rng.choice(list(SERVICE_TYPES))
    at = now_iso()
    return {"type": "submit", "report_id": report_id, "kind": rng.choice(KINDS),
            "service_type": service_type, "desa_code": desa,
            "posyandu_id": "P" + desa.replace(".", "") + "01",
            "sealed": base64.b64encode(os.urandom(450)).decode(),
            "idempotency_key": f"bench-{report_id}", "submitted_by": "kader.bench",
            "submitted_at": at, "received_at": at, "sent_at": sent_at}


def report_doc(report: dict) -> dict:
    entry = {"event_id": "rcv-" + report["report_id"], "status": "received",
             "at": report["received_at"]}
    return {**report, "_id": report["report_id"], "status": "received", "history": [entry]}


def received_event(report: dict) -> dict:
    return {"type": "report.received", "event_id": "rcv-" + report["report_id"],
            **{k: report[k] for k in ("report_id", "kind", "service_type", "desa_code",
                                      "posyandu_id", "received_at", "sent_at")},
            "spm_area": report["service_type"].split(".")[0], "occurred_at": now_iso()}


def case_id(event: dict) -> str:
    return "case-" + event["report_id"]


def case_doc(event: dict) -> dict:
    """The case of a report (~1 KB) with its first history entry."""
    at = now_iso()
    return {"_id": case_id(event), "report_id": event["report_id"], "status": "assigned",
            "kabupaten": kabupaten_of(event["desa_code"]), "opd": opd_for(event),
            "kabupaten_code": kabupaten_of(event["desa_code"]), "routed_at": at, "timer_at": at,
            "opd_code": f"{kabupaten_of(event['desa_code'])}/{opd_for(event)}",
            **{k: event[k] for k in ("kind", "service_type", "spm_area", "desa_code",
                                     "posyandu_id")},
            "rule_id": f"rule-{event['service_type']}", "due_at": at, "acknowledge_due_at": at,
            "escalation_level": 0, "summary": FILLER * 5,
            "history": [{"event_id": event["event_id"], "status": "assigned", "at": at}]}


def routed_event(event: dict) -> dict:
    return {**{k: v for k, v in event.items() if k != "occurred_at"}, "type": "report.routed",
            "event_id": "rtd-" + event["report_id"], "case_id": case_id(event),
            "kabupaten": kabupaten_of(event["desa_code"]), "opd": opd_for(event),
            "status": "routed", "routed_at": now_iso(), "due_at": now_iso()}


def tracked_fields(event: dict) -> dict:
    if event["type"] == "notification.delivered":
        return {"delivery": "delivered", "delivered_at": event["delivered_at"]}
    return {"status": "routed", "assigned_opd": event["opd"], "case_id": event["case_id"],
            "due_at": event["due_at"]}


def history_entry(event: dict) -> dict:
    return {"event_id": event["event_id"], "type": event["type"], "at": now_iso()}


def delivery_id(event: dict) -> str:
    return f"dlv-{event['report_id']}-{event['opd']}"


def delivery_doc(event: dict) -> dict:
    return {"_id": delivery_id(event), "report_id": event["report_id"],
            "case_id": event["case_id"], "opd": f"{event['kabupaten']}/{event['opd']}",
            "channel": "queue", "status": "sending", "claimed_by": os.getpid(),
            "opd_code": f"{event['kabupaten']}/{event['opd']}", "next_attempt_at": None,
            "claimed_at": now_iso(), "attempts": []}


def inbox_doc(event: dict) -> dict:
    return {"_id": "inbox-" + event["report_id"], "opd": f"{event['kabupaten']}/{event['opd']}",
            "case_id": event["case_id"], "report_id": event["report_id"], "read": False,
            "title": f"Kasus baru: {event['service_type']} di {event['desa_code']}",
            "posyandu_id": event["posyandu_id"], "at": now_iso(), "created_at": now_iso()}


def opd_notice(event: dict) -> dict:
    """What the OPD's system reads from its queue (~600 B)."""
    return {"contract": "bare.opd/1", "type": "case.routed", "notification_id": delivery_id(event),
            "report_id": event["report_id"], "sent_at": event["sent_at"], "sent": now_iso(),
            "case": {k: event[k] for k in ("case_id", "report_id", "service_type", "spm_area",
                                           "desa_code", "posyandu_id", "kind", "due_at")},
            "url": f"https://simpul.example/api/v1/cases/{event['case_id']}",
            "note": FILLER * 2}


def delivered_change(event: dict) -> dict:
    attempt = {"at": now_iso(), "channel": "queue", "ok": True}
    return {"$set": {"status": "delivered", "delivered_at": attempt["at"]},
            "$push": {"attempts": attempt}}


def delivered_event(event: dict) -> dict:
    return {"type": "notification.delivered", "event_id": "ntf-" + event["report_id"],
            "report_id": event["report_id"], "case_id": event["case_id"],
            "opd": event["opd"], "delivered_at": now_iso(), "sent_at": event["sent_at"]}


def journal_entry(event: dict) -> dict:
    return {"_id": event["event_id"], "report_id": event["report_id"], "type": event["type"],
            "data": {k: v for k, v in event.items() if k not in ("type", "event_id")}}


def derive_fact(report_id: str, entries: list[dict]) -> dict:
    fact = {"_id": report_id, "status": "received", "opd": None, "events": len(entries)}
    for entry in sorted(entries, key=lambda j: j["type"] != "report.received"):
        data = entry["data"]
        fact.update({k: data[k] for k in ("kind", "service_type", "spm_area", "desa_code")},
                    regions=region_levels(data["desa_code"]), day=now_iso()[:10])
        if entry["type"] == "report.routed":
            fact.update(status="routed", opd=data["opd"], routed_at=data["routed_at"])
    return fact


def counter_keys(fact: dict | None) -> set[str]:
    if fact is None:
        return set()
    values = {"total": "all", **{dim: fact.get(dim) for dim in COUNTER_DIMENSIONS}}
    return {f"{scope}|{dim}|{value}" for scope in region_levels(fact["desa_code"])
            for dim, value in values.items() if value is not None}


def counter_deltas(before: dict | None, after: dict) -> dict[str, int]:
    old, new = counter_keys(before), counter_keys(after)
    return {**{k: 1 for k in new - old}, **{k: -1 for k in old - new}}


def region_levels(desa_code: str) -> list[str]:
    parts = desa_code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def kabupaten_of(desa_code: str) -> str:
    return ".".join(desa_code.split(".")[:2])


def opd_for(event: dict) -> str:
    return SERVICE_TYPES[event["service_type"]]


def insert_new(collection, docs: list[dict]) -> None:
    """insert_many(ordered=False), a document already there (a redelivery) being no error."""
    if not docs:
        return
    try:
        collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
            raise


# --- topology ---------------------------------------------------------------------------------
def opd_queue_names() -> list[str]:
    return [f"bare.opd.{kab}.{opd}" for kab, opds in OPDS.items() for opd in opds]


def topology() -> list[Queue]:
    events = Exchange(EVENTS, "topic", durable=True)
    opd = Exchange(OPD_EXCHANGE, "topic", durable=True)
    work = [Queue(name, durable=True, bindings=[binding(events, routing_key=t) for t in types])
            if types else Queue(name, durable=True) for name, types in QUEUES.items()]
    return work + [Queue(name, exchange=opd, routing_key=name[len("bare.opd."):] + ".#",
                         durable=True) for name in opd_queue_names()]


def declare(connection: Connection) -> None:
    channel = connection.channel()
    for exchange in (EVENTS, OPD_EXCHANGE):
        Exchange(exchange, "topic", durable=True)(channel).declare()
    for queue in topology():
        queue(channel).declare()
    channel.close()


def undeclare(connection: Connection) -> None:
    channel = connection.channel()
    for queue in topology():
        channel.queue_delete(queue.name)
    for exchange in (EVENTS, OPD_EXCHANGE):
        channel.exchange_delete(exchange)
    channel.close()


# --- one hop's consumer, in a process of its own ----------------------------------------------
class Hop:
    """What a hop's handler works with: its storage and a confirmed, mandatory publisher."""

    def __init__(self, mongo: MongoClient, prefix: str, publisher: Connection):
        self.mongo, self.prefix = mongo, prefix
        self.producer = publisher.Producer(serializer="json")

    def db(self, service: str):
        return self.mongo[f"{self.prefix}_{service}"]

    def publish(self, exchange: str, routing_key: str, body: dict) -> None:
        self.producer.publish(body, exchange=exchange, routing_key=routing_key,
                              delivery_mode=2, mandatory=True, retry=False)


HOP_STATS = ("batches", "messages", "busy_s", "failed")   # what each hop's process counts


def consumer_main(hop_name: str, settings: dict, stop, ready, stats) -> None:
    """The process of one hop: batches from its queue, handled, then acknowledged at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent stops us through `stop`
    queue_name, handle = HOPS[hop_name]
    batch, wait_s = settings["batch"], settings["wait_ms"] / 1000
    pending: list = []
    with Connection(settings["amqp_uri"], heartbeat=0) as connection, \
            Connection(settings["amqp_uri"], transport_options={"confirm_publish": True}) as pub, \
            MongoClient(settings["mongo_uri"]) as mongo:
        hop = Hop(mongo, settings["db_prefix"], pub)
        with Consumer(connection.channel(), [Queue(queue_name, no_declare=True)],
                      callbacks=[lambda body, message: pending.append(message)],
                      prefetch_count=batch * PREFETCH_BATCHES, accept=["json"]):
            ready.set()
            while not stop.is_set():
                taken = collect(connection, pending, batch, wait_s)
                if taken:
                    handle_batch(hop, handle, taken, stats)


def collect(connection: Connection, pending: list, size: int, wait_s: float) -> list:
    """Up to `size` messages, waiting at most `wait_s` after the first; [] after a quiet
    quarter second."""
    deadline = time.monotonic() + wait_s if pending else None
    while len(pending) < size:
        left = 0.25 if deadline is None else deadline - time.monotonic()
        if left <= 0:
            break
        try:
            connection.drain_events(timeout=left)
        except (socket.timeout, TimeoutError):
            if deadline is None:
                return []
            break
        if deadline is None and pending:
            deadline = time.monotonic() + wait_s
    taken, pending[:] = pending[:size], pending[size:]
    return taken


def handle_batch(hop: Hop, handle, messages: list, stats) -> None:
    """Handle a batch and acknowledge it whole; on failure requeue it."""
    started = time.monotonic()
    try:
        handle(hop, [m.payload for m in messages])
    except Exception:
        log.exception("batch of %d failed; requeued", len(messages))
        for message in messages:
            message.requeue()
        stats[HOP_STATS.index("failed")] += 1
        time.sleep(0.5)
        return
    messages[-1].ack(multiple=True)
    for name, more in (("batches", 1), ("messages", len(messages)),
                       ("busy_s", time.monotonic() - started)):
        stats[HOP_STATS.index(name)] += more


# --- the load generator, in a process of its own ----------------------------------------------
OVERRUN = 1.2      # a step's submits stop at OVERRUN × its length, sent or not
LOAD_THREADS = 4   # submits waiting for their confirm at once, as concurrent gateway requests


def generator_main(pipe, amqp_uri: str) -> None:
    """Offers one step at a time: receives (step, rate, seconds), answers what was accepted."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connections = [Connection(amqp_uri, transport_options={"confirm_publish": True})
                   for _ in range(LOAD_THREADS)]
    producers = [connection.Producer(serializer="json") for connection in connections]
    pipe.send("ready")
    while (order := pipe.recv()) is not None:
        pipe.send(offer(producers, *order))
    for connection in connections:
        connection.release()


def offer(producers: list, step: int, rate: float, seconds: float) -> dict:
    """Open loop: submit number i is due at start + i / rate and is sent then (at once when
    late) by one of the producers' threads, confirmed, until all are sent or time is up. Its
    latency counts from when it was due (no coordinated omission)."""
    plan = {"step": step, "rate": rate, "seconds": seconds,
            "started": time.monotonic(), "wall": time.time()}
    shares = [{"ids": [], "errors": 0} for _ in producers]
    threads = [threading.Thread(target=offer_share, args=(producer, plan, k, len(producers),
                                                          shares[k]))
               for k, producer in enumerate(producers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"ids": sorted(i for share in shares for i in share["ids"]),
            "errors": sum(share["errors"] for share in shares), "started": plan["wall"],
            "ended": time.time(), "elapsed": time.monotonic() - plan["started"]}


def offer_share(producer, plan: dict, share: int, shares: int, result: dict) -> None:
    """Submits number share, share + shares, share + 2 × shares, … of the step."""
    rate, started = plan["rate"], plan["started"]
    for i in range(share, int(rate * plan["seconds"]), shares):
        due, now = started + i / rate, time.monotonic()
        if now > started + plan["seconds"] * OVERRUN:
            break
        time.sleep(max(0.0, due - now))
        report_id = f"b{plan['step']}-{i:06d}"
        try:
            producer.publish(submit_command(report_id, plan["wall"] + i / rate), exchange="",
                             routing_key=SUBMISSIONS, delivery_mode=2, mandatory=True,
                             retry=False)
            result["ids"].append(report_id)
        except Exception as exc:
            result["errors"] += 1
            log.warning("submit %s failed: %s", report_id, exc)


# --- the OPD's side: when each notice arrived -------------------------------------------------
class Observer:
    """Consumes the OPD queues in a thread: report id → seconds from its submit to its notice."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.e2e_s: dict[str, float] = {}
        self.arrived: dict[str, float] = {}
        self.ready, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="bare-observer", daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the observer cannot consume the OPD queues")

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        with Connection(self.amqp_uri, heartbeat=0) as connection:
            queues = [Queue(name, no_declare=True) for name in opd_queue_names()]
            with Consumer(connection, queues, callbacks=[self._on_notice], no_ack=True,
                          accept=["json"]):
                self.ready.set()
                while not self._stop.is_set():
                    try:
                        connection.drain_events(timeout=0.25)
                    except (socket.timeout, TimeoutError):
                        pass

    def _on_notice(self, notice: dict, message) -> None:
        now = time.time()
        if notice["report_id"] not in self.arrived:
            self.arrived[notice["report_id"]] = now
            self.e2e_s[notice["report_id"]] = now - notice["sent_at"]


# --- the whole baseline -----------------------------------------------------------------------
class BarePipeline:
    """The baseline's consumers, load generator and observer: `start()`, `run_steps()`, `stop()`
    (or use it as a context manager)."""

    def __init__(self, amqp_uri: str, mongo_uri: str, db_prefix: str = "bare", batch: int = 50,
                 wait_ms: float = 20, drain_seconds: float = 60):
        self.settings = {"amqp_uri": amqp_uri, "mongo_uri": mongo_uri, "db_prefix": db_prefix,
                         "batch": batch, "wait_ms": wait_ms}
        self.drain_seconds = drain_seconds
        self._mp = multiprocessing.get_context("spawn")
        self._stop = self._mp.Event()
        self._hop_stats = {hop: self._mp.Array("d", len(HOP_STATS)) for hop in HOPS}
        self._consumers: dict[str, multiprocessing.Process] = {}
        self._observer = Observer(amqp_uri)
        self._mongo = MongoClient(mongo_uri)
        self._counted_reports = 0

    def __enter__(self) -> BarePipeline:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def pids(self) -> dict[str, int]:
        """hop → pid of its process (the load generator as "load")."""
        return {**{hop: p.pid for hop, p in self._consumers.items()}, "load": self._generator.pid}

    def start(self) -> None:
        """A fresh topology and databases, then every hop's process, the load generator and
        the observer; returns when all of them are ready."""
        with Connection(self.settings["amqp_uri"]) as connection:
            undeclare(connection)
            declare(connection)
        prepare_databases(self._mongo, self.settings["db_prefix"])
        ready = {hop: self._mp.Event() for hop in HOPS}
        for hop in HOPS:
            self._consumers[hop] = self._mp.Process(
                target=consumer_main, name=f"bare-{hop}", daemon=True,
                args=(hop, self.settings, self._stop, ready[hop], self._hop_stats[hop]))
            self._consumers[hop].start()
        self._start_generator()
        self._observer.start()
        if not all(event.wait(30) for event in ready.values()):
            raise RuntimeError("a baseline consumer did not start")

    def _start_generator(self) -> None:
        self._orders, theirs = self._mp.Pipe()
        self._generator = self._mp.Process(target=generator_main, name="bare-load", daemon=True,
                                           args=(theirs, self.settings["amqp_uri"]))
        self._generator.start()
        if not self._orders.poll(30) or self._orders.recv() != "ready":
            raise RuntimeError("the baseline load generator did not start")

    def stop(self) -> None:
        """Ends every process it started and deletes its queues and exchanges."""
        self._stop.set()
        if getattr(self, "_generator", None) is not None and self._generator.is_alive():
            self._orders.send(None)
        for process in [*self._consumers.values(), getattr(self, "_generator", None)]:
            if process is not None:
                process.join(timeout=10)
                if process.is_alive():
                    process.terminate()
        self._observer.stop()
        with Connection(self.settings["amqp_uri"]) as connection:
            undeclare(connection)
        self._mongo.close()

    def run_steps(self, rates: list[float], step_seconds: float, on_progress=print,
                  stop_when_overloaded: bool = True) -> list[dict]:
        """One step per offered rate (submits/s), each followed by a bounded drain. A step
        whose backlog did not drain within `drain_seconds` ends the run (with
        `stop_when_overloaded`): the next steps would only start on its backlog."""
        steps = []
        for number, rate in enumerate(rates, start=1):
            steps.append(self._run_step(number, rate, step_seconds))
            on_progress(progress_line(number, steps[-1]))
            if stop_when_overloaded and not steps[-1]["drained"]:
                on_progress(f"baseline: not drained after {self.drain_seconds:g} s, "
                            f"steps after {rate:g}/s skipped")
                break
        return steps

    def _run_step(self, number: int, rate: float, seconds: float) -> dict:
        errors_before, stats_before = self._error_count(), self._hop_snapshot()
        depth, started = DepthGauge(self.settings["amqp_uri"]), time.monotonic()
        self._orders.send((number, rate, seconds))
        while not self._orders.poll(0.25):
            depth.sample()
        sent = self._orders.recv()
        self._counted_reports += len(sent["ids"])
        counted_at, drained = self._drain(sent["ids"], depth)
        depth.close()
        row = step_row(rate, seconds, sent, self._observer, counted_at, depth.deepest,
                       sent["errors"] + self._error_count() - errors_before)
        row["hops"] = hop_usage(stats_before, self._hop_snapshot(), time.monotonic() - started)
        return {**row, "drained": drained}

    def _drain(self, ids: list[str], depth: DepthGauge) -> tuple[float | None, bool]:
        """Waits (bounded) until every report is delivered, counted and every queue empty:
        when reporting had counted them all (None if it did not), and whether all that came."""
        counted_at, deadline = None, time.monotonic() + self.drain_seconds
        while time.monotonic() < deadline:
            if counted_at is None and self._journaled() >= 2 * self._counted_reports:
                counted_at = time.time()
            queued = depth.sample()
            delivered = all(i in self._observer.arrived for i in ids)
            if delivered and counted_at is not None and queued == 0:
                return counted_at, True
            time.sleep(0.2)
        return counted_at, False

    def _journaled(self) -> int:
        return self._mongo[f"{self.settings['db_prefix']}_reporting"].journal.count_documents({})

    def _error_count(self) -> int:
        dead = sum(not p.is_alive() for p in self._consumers.values())
        failed = HOP_STATS.index("failed")
        return dead + int(sum(stats[failed] for stats in self._hop_stats.values()))

    def _hop_snapshot(self) -> dict[str, list[float]]:
        return {hop: list(stats) for hop, stats in self._hop_stats.items()}


class DepthGauge:
    """The ready messages of the work queues (passive declare), and the most any one had."""

    def __init__(self, amqp_uri: str):
        self.connection = Connection(amqp_uri, heartbeat=0)
        self.channel = self.connection.channel()
        self.deepest: dict[str, int] = {name: 0 for name in QUEUES}

    def sample(self) -> int:
        """The total now."""
        total = 0
        for name in QUEUES:
            depth = self.channel.queue_declare(queue=name, passive=True).message_count
            self.deepest[name] = max(self.deepest[name], depth)
            total += depth
        return total

    def close(self) -> None:
        self.connection.release()


# --- figures ----------------------------------------------------------------------------------
percentile = stats.percentile


def as_ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def step_row(rate: float, seconds: float, sent: dict, observer: Observer,
             counted_at: float | None, deepest: dict[str, int], errors: int) -> dict:
    """One step's figures; e2e percentiles cover the delivered reports only."""
    ids = sent["ids"]
    e2e = [observer.e2e_s[i] for i in ids if i in observer.e2e_s]
    last = max((observer.arrived[i] for i in ids if i in observer.arrived), default=sent["ended"])
    return {"offered_per_s": rate, "seconds": seconds, "accepted": len(ids),
            "accepted_per_s": round(len(ids) / max(seconds, sent["elapsed"]), 1),
            "delivered": len(e2e),
            "delivered_per_s": round(len(e2e) / max(seconds, last - sent["started"]), 1),
            "counted": len(ids) if counted_at is not None else 0,
            "e2e_p50_ms": as_ms(percentile(e2e, 0.50)),
            "e2e_p99_ms": as_ms(percentile(e2e, 0.99)),
            "errors": errors,
            "reporting_lag_s": None if counted_at is None else round(counted_at - sent["ended"], 2),
            "max_queue_depth": max(deepest.values()), "queue_depths": deepest}


def hop_usage(before: dict, after: dict, seconds: float) -> dict:
    """Per hop over a step and its drain: batches, their mean size, % of the time busy."""
    usage = {}
    for hop in HOPS:
        batches, messages, busy_s, _ = (a - b for a, b in zip(after[hop], before[hop]))
        usage[hop] = {"batches": int(batches),
                      "mean_batch": round(messages / batches, 1) if batches else 0.0,
                      "busy_pct": round(100 * busy_s / seconds)}
    return usage


def sustained(steps: list[dict], p99_ms: float = stats.P99_TARGET_MS) -> float:
    """The baseline is judged by Simpul's rule (bench/stats.py)."""
    return stats.sustained(steps, p99_ms)


def progress_line(number: int, s: dict) -> str:
    return (f"baseline step {number}: offered {s['offered_per_s']:g}/s, accepted "
            f"{s['accepted_per_s']:g}/s, delivered {s['delivered_per_s']:g}/s, e2e p50/p99 "
            f"{s['e2e_p50_ms']}/{s['e2e_p99_ms']} ms, errors {s['errors']}, reporting lag "
            f"{s['reporting_lag_s']} s, deepest queue {s['max_queue_depth']}")


COLUMNS = ("offered_per_s", "accepted_per_s", "delivered_per_s", "e2e_p50_ms", "e2e_p99_ms",
           "errors", "reporting_lag_s", "max_queue_depth")


def table(steps: list[dict]) -> str:
    rows = [COLUMNS] + [tuple("-" if s[c] is None else f"{s[c]:g}" for c in COLUMNS) for s in steps]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows)


# --- command line -----------------------------------------------------------------------------
def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--amqp-uri", default=os.environ.get(
        "AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/bare-test"))
    parser.add_argument("--mongo-uri", default=os.environ.get(
        "MONGO_URI", "mongodb://127.0.0.1:27666/?retryWrites=false"))
    parser.add_argument("--db-prefix", default="bare")
    parser.add_argument("--rates", default="50,100,200,400",
                        type=lambda text: [float(r) for r in text.split(",")])
    parser.add_argument("--step-seconds", type=float, default=10)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--wait-ms", type=float, default=20)
    parser.add_argument("--p99-ms", type=float, default=300)
    parser.add_argument("--drain-seconds", type=float, default=60,
                        help="how long a step's backlog may take to drain")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(processName)s %(levelname)s %(message)s")
    with BarePipeline(args.amqp_uri, args.mongo_uri, args.db_prefix, args.batch,
                      args.wait_ms, args.drain_seconds) as pipeline:
        steps = pipeline.run_steps(args.rates, args.step_seconds)
    print(table(steps))
    print(f"baseline sustained: {sustained(steps, args.p99_ms):g} reports/s "
          f"(e2e p99 ≤ {args.p99_ms:g} ms)")


if __name__ == "__main__":
    main()
