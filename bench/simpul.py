"""Simpul under load: a system of its own started as `make run` starts it (every service its
own process, SecantusDB, RabbitMQ on a vhost of its own), driven step by step over HTTP."""
from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import os
import signal
import time
import uuid
import zlib
from pathlib import Path

import httpx
from kombu import Connection
from pymongo import MongoClient

from simpul_common import contracts, messaging
from simpul_devtools.local import LocalSystem, free_port, wait_for

from . import load, observe, stats

ADMIN, PASSWORD = "admin", "simpul-demo-2026"
KABUPATEN = ("33.25", "21.71")
# the system under test: no rate limits (one client offers the load of many Posyandu)
SETTINGS = {"RATE_LIMIT_CLIENT_PER_MINUTE": "0", "RATE_LIMIT_LOGIN_PER_MINUTE": "0",
            "RATE_LIMIT_POSYANDU_PER_MINUTE": "0", "LOG_LEVEL": "WARNING"}
SERVICE_OF_QUEUE = {"intake.submissions": "intake", "intake.tracking": "intake",
                    "routing.reports": "routing", "notification.cases": "notification",
                    "reporting.facts": "reporting"}
DRAIN_S = 60.0
BACKLOG_FLOOR = 10.0   # reports/s: a backlog is waited for as if it drained at least this fast


def say(text: str) -> None:
    print(f"[bench] {text}", flush=True)


class SimpulUnderLoad:
    def __init__(self, workdir: Path, amqp_uri: str, replicas: dict[str, int], seed: int):
        self.system = LocalSystem(workdir=workdir, amqp_uri=amqp_uri, gateway_port=free_port(),
                                  storage_port=0, db_prefix="bench", quiet=True, regions="demo",
                                  replicas=dict(replicas), settings=dict(SETTINGS))
        self.seed, self.run_id = seed, uuid.uuid4().hex[:6]
        self.places: list[load.Place] = []
        self.types: list[str] = []
        self.counted_before = 0
        self.steps_taken = 0
        self.pool = futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))

    # --- start and stop ---------------------------------------------------------------------
    def start(self) -> "SimpulUnderLoad":
        say("menjalankan Simpul (semua layanan, gateway, SecantusDB) ...")
        self.system.start()
        self.mongo = MongoClient(self.system.mongo_uri, serverSelectionTimeoutMS=10_000)
        self.token = self._sign_in()
        self._master_data()
        opds = self._opd_codes()
        with Connection(self.system.amqp_uri) as connection:
            for code in opds:
                messaging.declare_opd_queue(connection, code)
        self.tap = observe.OpdTap(self.system.amqp_uri, observe.opd_queue_names(opds)).start()
        self.sampler = observe.Sampler(self.system.amqp_uri, list(contracts.QUEUES)).start()
        self._watch_processes()
        say(f"{len(self.places)} Posyandu, {len(self.types)} jenis layanan, {len(opds)} antrean OPD")
        return self

    def stop(self) -> None:
        for part in ("tap", "sampler"):
            if hasattr(self, part):
                getattr(self, part).stop()
        self.pool.shutdown(cancel_futures=True)
        self.system.stop()

    def _watch_processes(self) -> None:
        for key, proc in self.system.running.items():
            self.sampler.watch(key, proc.pid)
            for index, child in enumerate(observe.psutil.Process(proc.pid).children()):
                self.sampler.watch(f"{key}.{index + 1}", child.pid)
        if (pid := observe.rabbitmq_pid()) is not None:
            self.sampler.watch("rabbitmq", pid)
        self.sampler.watch("load-generator", self.pool.submit(os.getpid).result())

    # --- the system's own data --------------------------------------------------------------
    def _sign_in(self) -> str:
        response = httpx.post(self.system.gateway_url + "/api/v1/auth/token",
                              data={"username": ADMIN, "password": PASSWORD}, timeout=30)
        response.raise_for_status()
        return response.json()["access_token"]

    def _get_all(self, path: str, **params) -> list[dict]:
        items, page = [], 1
        while True:
            response = httpx.get(self.system.gateway_url + path, timeout=60,
                                 params={**params, "page": page, "per_page": 200},
                                 headers={"Authorization": f"Bearer {self.token}"})
            response.raise_for_status()
            body = response.json()
            if isinstance(body, list):   # an unpaged list (the service types)
                return body
            items += body["items"]
            if len(items) >= body["total"] or not body["items"]:
                return items
            page += 1

    def _master_data(self) -> None:
        for kabupaten in KABUPATEN:
            self.places += [load.Place(p["desa_code"], p["id"]) for p in
                            self._get_all("/api/v1/posyandu", kabupaten_code=kabupaten,
                                          active="true")]
        self.types = [t["id"] for t in self._get_all("/api/v1/service-types")]

    def _opd_codes(self) -> list[str]:
        return [o["id"] for kabupaten in KABUPATEN
                for o in self._get_all("/api/v1/opds", kabupaten_code=kabupaten)]

    def counted(self) -> int:
        """Reports reporting has counted as routed, in both regions (their counts documents)."""
        found = self.mongo[f"{self.system.db_prefix}_reporting"].counts.find(
            {"_id": {"$in": list(KABUPATEN)}}, {"c.status|routed": 1})
        return sum(scope.get("c", {}).get("status|routed", 0) for scope in found)

    # --- load ---------------------------------------------------------------------------------
    def items(self, label: str, count: int) -> tuple[list[tuple[str, dict]], dict[str, str]]:
        """`count` reports, each with its Idempotency-Key; and the report id of each key."""
        bodies = load.reports(self.places, self.types, count, zlib.crc32(f"{self.seed}-{label}".encode()))
        keys = [f"bench-{self.run_id}-{label}-{i}" for i in range(count)]
        ids = {k: contracts.stable_id("idempotency", b["posyandu_id"], k)
               for k, b in zip(keys, bodies)}
        return list(zip(keys, bodies)), ids

    def offer(self, label: str, rate: float, seconds: float) -> tuple[list[tuple], dict[str, str]]:
        items, ids = self.items(label, max(1, round(rate * seconds)))
        self.token = self._sign_in()   # a token lives 15 minutes; a run lasts longer
        answers = self.pool.submit(load.drive, [self.system.gateway_url], self.token, items,
                                   rate).result()
        return answers, ids

    def step(self, rate: float, seconds: float, label: str = "step") -> dict:
        self.sampler.mark()
        began = time.time()
        self.steps_taken += 1   # every step files reports of its own (keys are never reused)
        answers, ids = self.offer(f"{label}{self.steps_taken}-{rate:g}", rate, seconds)
        window = self.sampler.window()
        accepted = [ids[key] for key, _, _, status in answers if status == 202]
        last_accepted = max((a[2] for a in answers if a[3] == 202), default=time.time())
        counted_at, counted = self._drain(accepted)
        figures = stats.step_figures(rate, seconds, answers, self.tap.arrived, ids)
        figures.update(window, counted=counted, wall_s=round(time.time() - began, 1),
                       reporting_lag_s=None if counted_at is None
                       else round(max(0.0, counted_at - last_accepted), 2))
        return figures

    def _drain(self, accepted: list[str], seconds: float = DRAIN_S) -> tuple[float | None, int]:
        """Wait until every accepted report reached its OPD's queue and was counted; when
        reporting had counted them all (None if not in time), and how many it counted."""
        target = self.counted_before + len(accepted)
        deadline = time.monotonic() + seconds
        counted_at = None
        while time.monotonic() < deadline:
            counted = self.counted()
            if counted >= target and counted_at is None:
                counted_at = time.time()
            if counted_at and all(i in self.tap.arrived for i in accepted):
                break
            time.sleep(1.0)   # a light poll: the store is what is being measured
        counted = self.counted() - self.counted_before
        self.counted_before += counted
        return counted_at, counted

    # --- a stopped service and its backlog ------------------------------------------------------
    def backlog(self, service: str, replicas: int, size: int, rate: float) -> dict:
        """Stop `service`, file `size` reports at `rate`, start it again with `replicas`
        processes: how fast the backlog drains (reports delivered and counted per second)."""
        keys = self.system.processes_of(service)
        for key in keys:
            self.system.signal(key, signal.SIGTERM)
            self.system.running[key].wait(timeout=60)
        say(f"{service} berhenti; mengisi antrean dengan {size} laporan pada {rate:g}/s ...")
        self.sampler.mark()
        answers, ids = self.offer(f"backlog-{service}-{replicas}", rate, size / rate)
        accepted = [ids[key] for key, _, _, status in answers if status == 202]
        depth = max(self.sampler.window()["max_queue_depth"].values(), default=0)
        began = time.time()
        started = [self._respawn(key) for key in keys]
        while len(self.system.processes_of(service)) < replicas:
            started.append(self.system.add_replica(service))
        for key in started:
            self.sampler.watch(key, self.system.running[key].pid)
        counted_at, counted = self._drain(accepted, seconds=max(DRAIN_S, size / BACKLOG_FLOOR))
        delivered = sum(1 for i in accepted if i in self.tap.arrived)
        done = max(counted_at or time.time(), max((self.tap.arrived.get(i, 0) for i in accepted),
                                                  default=0))
        took = done - began
        drained = min(delivered, counted)   # what went all the way, in the time allowed
        for key in self.system.processes_of(service)[len(keys):]:   # back to the replicas it had
            self.system.signal(key, signal.SIGTERM)
        return {"service": service, "replicas": replicas, "offered_per_s": rate,
                "backlog_reports": len(accepted), "max_queue_depth": depth,
                "delivered": delivered, "counted": counted, "complete": drained == len(accepted),
                "drain_s": round(took, 1),
                "drain_reports_per_s": round(drained / took, 1) if took > 0 else None,
                "drain_to_offered": round(drained / took / rate, 2) if took > 0 else None}

    def _respawn(self, key: str) -> str:
        self.system.respawn(key)
        url = f"http://127.0.0.1:{self.system.metrics_ports[key]}/metrics"
        wait_for(lambda: httpx.get(url, timeout=2).status_code == 200, key, 60)
        return key
