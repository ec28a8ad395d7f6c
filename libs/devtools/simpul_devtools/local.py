"""Run the whole of Simpul on one machine: `python -m simpul_devtools.local run`.

Starts SecantusDB (unless MONGO_URI is given), makes sure RabbitMQ answers, declares the
broker topology, loads the demo master data, then starts each service and the gateway as a
process of its own. Ctrl-C (or SIGTERM) stops everything, gateway first, storage last.
Each service process serves its Prometheus metrics on a port of its own (9100, 9101, ... with
`make run`), listed at start and in var/prometheus-targets.json for a local Prometheus
(deploy/prometheus/local.yml); the gateway serves its own at /metrics.
The end-to-end tests use the same `LocalSystem`, so what they test is what `make run` runs.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("registry", "intake", "routing", "notification", "reporting")
BIN = Path(sys.executable).parent
# eventlet announces its deprecation on import, nameko's CLI imports pkg_resources: noise only
QUIET_WARNINGS = ("ignore::DeprecationWarning", "ignore::UserWarning",
                  "ignore::Warning:nameko.messaging", "ignore::Warning:nameko.cli.commands",
                  "ignore::Warning:nameko.standalone.rpc", "ignore::Warning:nameko.rpc")


def say(text: str) -> None:
    print(f"[simpul] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def wait_for(check, what: str, seconds: float, procs=()) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        dead = [name for name, proc in procs if proc.poll() is not None]
        if dead:
            raise RuntimeError(f"{what}: {', '.join(dead)} exited during start-up")
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready after {seconds:.0f} s")


def ensure_broker(amqp_uri: str) -> None:
    url = urlparse(amqp_uri.replace("pyamqp://", "amqp://"))
    host, port = url.hostname or "127.0.0.1", url.port or 5672
    if port_open(host, port):
        return
    if host in ("127.0.0.1", "localhost") and shutil.which("rabbitmq-server"):
        say("RabbitMQ tidak menjawab; menjalankan `rabbitmq-server -detached` ...")
        subprocess.run(["rabbitmq-server", "-detached"], check=False)
        wait_for(lambda: port_open(host, port), "RabbitMQ", 60)
        return
    raise SystemExit(
        f"RabbitMQ is not reachable at {host}:{port}. Start it (Debian: `apt-get install "
        "rabbitmq-server && rabbitmq-server -detached`) or set AMQP_URI to a running broker.")


@dataclass
class LocalSystem:
    """Every process of Simpul, started in order and stopped in reverse."""
    workdir: Path
    amqp_uri: str = "pyamqp://guest:guest@127.0.0.1:5672//"
    mongo_uri: str | None = None
    gateway_port: int = 8000
    replicas: dict[str, int] = field(default_factory=dict)
    db_prefix: str = "simpul"
    data_key: str | None = None
    quiet: bool = False
    storage_port: int = 27027       # 0: any free port
    regions: str = "demo"           # "all": every Kemendagri region (a minute the first time)
    settings: dict[str, str] = field(default_factory=dict)   # more environment for every process
    metrics_port: int = 0           # the first service process's; the next ones count up. 0: free
    metrics_ports: dict[str, int] = field(default_factory=dict)   # "routing-2" → its port
    procs: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    # how each process was started, by its key ("intake-1", "gateway", "storage"), so that a
    # fault test can kill one and start it again (simpul_devtools.faults)
    specs: dict[str, tuple[str, list[str], dict]] = field(default_factory=dict)
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def metrics_urls(self) -> dict[str, str]:
        """Where each process serves its metrics: "intake-1", ..., and "gateway"."""
        urls = {name: f"http://127.0.0.1:{port}/metrics" for name, port in self.metrics_ports.items()}
        return {**urls, "gateway": f"{self.gateway_url}/metrics"}

    def env(self) -> dict:
        env = dict(os.environ, AMQP_URI=self.amqp_uri, SIMPUL_DATA_KEY=self.data_key,
                   GATEWAY_PUBLIC_URL=self.gateway_url, PYTHONUNBUFFERED="1",
                   PYTHONWARNINGS=",".join(QUIET_WARNINGS))
        # a local system is a demo or a test: its clock may be set (routing's `sweep(now)`), and
        # the dashboard opens without signing in, as a viewer (docs/security.md)
        env.setdefault("SIMPUL_CLOCK_OVERRIDE", "1")
        env.setdefault("SIMPUL_DEMO", "1")
        env.setdefault("ROUTING_SWEEP_SECONDS", "10")
        env.setdefault("SIMPUL_WEBHOOK_KEY", self.derived_secret(b"webhook-key"))
        env.setdefault("SIMPUL_JWT_SECRET", self.derived_secret(b"jwt-secret"))
        env.update(self.settings)
        if self.mongo_uri:
            env["MONGO_URI"] = self.mongo_uri
        for name in SERVICES:
            env[f"{name.upper()}_DB"] = f"{self.db_prefix}_{name}"
        return env

    def derived_secret(self, purpose: bytes) -> str:
        """A secret of the local system, derived from its data key: stable across restarts."""
        return hmac.new(self.data_key.encode(), purpose, hashlib.sha256).hexdigest()

    def _spawn(self, name: str, argv: list[str], log_name: str | None = None,
               env: dict | None = None) -> subprocess.Popen:
        key = log_name or name
        out = None
        if self.quiet:
            out = open(self.workdir / "logs" / f"{key}.log", "ab")
        proc = subprocess.Popen(argv, cwd=ROOT, env={**self.env(), **(env or {})}, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        if out is not None:
            out.close()   # the child has its own copy
        self.procs.append((name, proc))
        self.specs[key] = (name, argv, env or {})
        self.running[key] = proc
        return proc

    def _spawn_service(self, process: str, port: int) -> subprocess.Popen:
        name = process.rpartition("-")[0]
        return self._spawn(name, [str(BIN / "nameko"), "run", "--config",
                                  f"services/{name}/config.yml", f"simpul_{name}.service"],
                           log_name=process, env={"METRICS_PORT": str(port),
                                                  "METRICS_HOST": "127.0.0.1"})

    # --- what a fault test does to single processes -------------------------------------------
    def signal(self, key: str, signum: int) -> subprocess.Popen:
        """Send `signum` to one process (and its children) by its key, e.g. "routing-1"."""
        proc = self.running[key]
        if proc.poll() is None:
            os.killpg(proc.pid, signum)
        return proc

    def respawn(self, key: str) -> subprocess.Popen:
        """Start a process again as it was started first (after it was killed)."""
        proc = self.running[key]
        if proc.poll() is None:
            raise RuntimeError(f"{key} is still running")
        name, argv, env = self.specs[key]
        return self._spawn(name, argv, log_name=key, env=env)

    def add_replica(self, service: str) -> str:
        """Start one more process of a service; its key."""
        process = f"{service}-{len(self.processes_of(service)) + 1}"
        port = free_port()
        self.metrics_ports[process] = port
        self._spawn_service(process, port)
        return process

    def processes_of(self, service: str) -> list[str]:
        return [key for key in self.specs if key.rpartition("-")[0] == service]

    def start(self) -> "LocalSystem":
        (self.workdir / "logs").mkdir(parents=True, exist_ok=True)
        if self.data_key is None:
            self.data_key = load_or_create_key(self.workdir / "simpul.env")
        ensure_broker(self.amqp_uri)
        if self.mongo_uri is None:
            self.start_storage()
        from simpul_devtools.bootstrap import declare_and_seed
        declare_and_seed(self.amqp_uri, self.mongo_uri, f"{self.db_prefix}_registry",
                         regions=self.regions, say=say)
        self.assign_metrics_ports()
        for process, port in self.metrics_ports.items():
            self._spawn_service(process, port)
        workers = self.replicas.get("gateway", 1)   # N gateway processes share its port
        self._spawn("gateway", [sys.executable, "-m", "uvicorn", "simpul_gateway.main:app",
                                "--host", "127.0.0.1", "--port", str(self.gateway_port),
                                "--no-access-log", *(["--workers", str(workers)] if workers > 1 else [])])
        wait_for(self.healthy, "Simpul (all services and the gateway)", 90, self.procs)
        return self

    def assign_metrics_ports(self) -> None:
        """A metrics port for every service process, and the list of them for a Prometheus
        (file_sd format): each target labelled with its `job` (the service) and `replica`."""
        processes = [f"{name}-{replica + 1}" for name in SERVICES
                     for replica in range(self.replicas.get(name, 1))]
        for index, process in enumerate(processes):
            port = self.metrics_port and self.metrics_port + index
            if not self.metrics_port:
                while port in (0, self.gateway_port, *self.metrics_ports.values()):
                    port = free_port()
            elif port_open("127.0.0.1", port):
                raise SystemExit(f"metrics port {port} is taken: stop what runs there or set "
                                 "METRICS_PORT_BASE to another first port")
            self.metrics_ports[process] = port
        targets = [{"targets": [f"127.0.0.1:{port}"],
                    "labels": {"job": process.rpartition("-")[0],
                               "replica": process.rpartition("-")[2]}}
                   for process, port in self.metrics_ports.items()]
        targets.append({"targets": [f"127.0.0.1:{self.gateway_port}"], "labels": {"job": "gateway"}})
        (self.workdir / "prometheus-targets.json").write_text(json.dumps(targets, indent=2) + "\n")

    def start_storage(self) -> None:
        port = self.storage_port or free_port()
        if port_open("127.0.0.1", port):
            raise SystemExit(f"port {port} is taken: stop what runs there or set MONGO_URI")
        data = self.workdir / "secantus"
        data.mkdir(parents=True, exist_ok=True)
        say(f"menjalankan SecantusDB di 127.0.0.1:{port} (data: {data})")
        proc = self._spawn("storage", [sys.executable, "-m", "secantus", "--host", "127.0.0.1",
                                       "--port", str(port), "--storage-path", str(data),
                                       "--sync-on-commit", "--log-level", "WARNING"])
        self.mongo_uri = f"mongodb://127.0.0.1:{port}/?retryWrites=false"
        wait_for(lambda: port_open("127.0.0.1", port), "SecantusDB", 60, [("storage", proc)])

    def healthy(self) -> bool:
        with urllib.request.urlopen(self.gateway_url + "/healthz", timeout=10) as response:
            return json.load(response)["status"] == "ok"

    def stop(self) -> None:
        """The gateway first, then the services (each drains what it is doing), storage last."""
        apps = [proc for name, proc in reversed(self.procs) if name != "storage"]
        storage = [proc for name, proc in self.procs if name == "storage"]
        for group in (apps, storage):
            for proc in group:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in group:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.procs.clear()
        self.running.clear()


def load_or_create_key(path: Path) -> str:
    """Demo mode keeps one data key per checkout, so sealed reports stay readable."""
    from simpul_common.sealing import new_key
    if "SIMPUL_DATA_KEY" in os.environ:
        return os.environ["SIMPUL_DATA_KEY"]
    if path.exists():
        for line in path.read_text().splitlines():
            if line.startswith("SIMPUL_DATA_KEY="):
                return line.split("=", 1)[1]
    key = new_key()
    path.write_text(f"SIMPUL_DATA_KEY={key}\n")
    path.chmod(0o600)
    return key


def parse_replicas(values: list[str]) -> dict[str, int]:
    replicas = {}
    for value in values:
        name, _, count = value.partition("=")
        if name not in (*SERVICES, "gateway") or not count.isdigit() or int(count) < 1:
            raise SystemExit(f"--replicas takes SERVICE=N with SERVICE one of "
                             f"{', '.join(SERVICES)}, gateway")
        replicas[name] = int(count)
    return replicas


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="simpul-local", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--replicas", nargs="*", default=[], metavar="SERVICE=N")
    parser.add_argument("--regions", choices=["all", "demo"], default="all",
                        help="all: seluruh wilayah Kemendagri (sekitar satu menit saat pertama); "
                             "demo: hanya wilayah lengkap Batang dan Batam")
    args = parser.parse_args(argv)
    system = LocalSystem(
        workdir=ROOT / "var",
        amqp_uri=os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//"),
        mongo_uri=os.environ.get("MONGO_URI"),
        gateway_port=int(os.environ.get("GATEWAY_PORT", "8000")),
        metrics_port=int(os.environ.get("METRICS_PORT_BASE", "9100")),
        replicas=parse_replicas(args.replicas),
        regions=args.regions,
    )
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        system.start()
        say(f"Simpul berjalan: API {system.gateway_url}  (dokumentasi: {system.gateway_url}/docs)")
        say(f"Dasbor: {system.gateway_url}/dashboard (mode demo: tanpa masuk, sebagai pemantau)")
        say(f"Masuk: curl -s {system.gateway_url}/api/v1/auth/token -d username=admin "
            "-d password=simpul-demo-2026   (pengguna demo lain: README)")
        say(f"Metrik Prometheus (daftar target: {system.workdir / 'prometheus-targets.json'}, "
            "lihat deploy/prometheus/local.yml):")
        for name, url in system.metrics_urls.items():
            say(f"  {name:<15} {url}")
        say("Tekan Ctrl-C untuk berhenti.")
        while all(proc.poll() is None for _, proc in system.procs):
            time.sleep(0.5)
        dead = [name for name, proc in system.procs if proc.poll() is not None]
        say(f"proses berhenti tak terduga: {', '.join(dead)}; menghentikan semuanya")
        return 1
    except KeyboardInterrupt:
        say("menghentikan Simpul ...")
        return 0
    finally:
        system.stop()
        say("semua proses sudah berhenti.")


if __name__ == "__main__":
    sys.exit(main())
