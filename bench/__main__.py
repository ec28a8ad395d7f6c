"""`make bench` (python -m bench): Simpul's whole pipeline under stepped load, against the limit
of its own design on this machine, written to bench/results/latest.json and latest.png.

    python -m bench                         # the full run, about 15 minutes
    python -m bench --quick                 # shorter steps and backlog, about 6 minutes
    python -m bench --rates 50,100 --step-seconds 10 --no-backlog --no-baseline

1. Simpul, started as `make run` starts it, takes reports over HTTP at each offered rate for a
   fixed time: accepted/s, gateway and end-to-end (POST → the OPD's queue) latency, reporting
   lag, errors, queue depths, CPU and peak RSS of every process.
2. The slowest stage (the service whose queue grew most) is stopped while a backlog builds up,
   then started again with 1 and with 2 replicas: how fast each drains it.
3. The bare baseline (bench/baseline.py): minimal kombu + pymongo consumers doing the same hops
   and storage writes per report, at the same rates; Simpul's sustained rate as a share of it.
docs/performance.md explains the figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

# the production retry ladder (the test fixtures would set a short one on import)
os.environ.setdefault("SIMPUL_RETRY_DELAYS_MS", "1000,5000,30000")

from simpul_devtools.local import ROOT, free_port, port_open, wait_for  # noqa: E402
from simpul_devtools.pytest_fixtures import own_vhost  # noqa: E402

from . import chart, stats  # noqa: E402
from .simpul import SERVICE_OF_QUEUE, SimpulUnderLoad, say  # noqa: E402

RESULTS = ROOT / "bench" / "results"
RSS_LIMIT_MB = 150


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="10,25,50,100,150,200",
                        help="offered loads in reports/s, one step each")
    parser.add_argument("--step-seconds", type=float, default=20.0)
    parser.add_argument("--backlog", type=int, default=10_000, help="reports in the backlog test")
    parser.add_argument("--backlog-rate", type=float, default=100.0,
                        help="the rate the backlog is filed at (reports/s)")
    parser.add_argument("--replicas", nargs="*", default=[], metavar="SERVICE=N",
                        help="replicas of the system under test, as `make run REPLICAS=`")
    parser.add_argument("--quick", action="store_true", help="10 s steps, a backlog of 2,000")
    parser.add_argument("--no-backlog", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.step_seconds, args.backlog = min(args.step_seconds, 10.0), min(args.backlog, 2000)
    args.rates = [float(r) for r in args.rates.split(",")]
    return args


def run_simpul(args, amqp_uri: str, workdir: Path) -> dict:
    from simpul_devtools.local import parse_replicas
    bench = SimpulUnderLoad(workdir, amqp_uri, parse_replicas(args.replicas), args.seed).start()
    try:
        bench.step(10.0, 5.0, label="warm-up")   # caches, connections (not counted)
        steps = []
        for rate in args.rates:
            say(f"langkah {rate:g} laporan/s selama {args.step_seconds:g} s ...")
            steps.append(bench.step(rate, args.step_seconds))
            say(line(steps[-1]))
        scale = []
        if not args.no_backlog:
            service = slowest_stage(steps)
            for replicas in (1, 2):
                scale.append(bench.backlog(service, replicas, args.backlog, args.backlog_rate))
                say(f"backlog {service} ×{replicas}: {scale[-1]['backlog_reports']} laporan "
                    f"habis dalam {scale[-1]['drain_s']} s = {scale[-1]['drain_reports_per_s']}/s "
                    f"({scale[-1]['drain_to_offered']}× beban)")
        return {"steps": steps, "scale_out": scale}
    finally:
        bench.stop()


def slowest_stage(steps: list[dict]) -> str:
    """The service whose input queue grew deepest under the highest load; on a tie, the
    service process that used the most CPU."""
    top = steps[-1]
    depths = {q: d for q, d in top["max_queue_depth"].items() if q in SERVICE_OF_QUEUE}
    queue, depth = max(depths.items(), key=lambda item: item[1], default=(None, 0))
    if queue is not None and depth > 0:
        return SERVICE_OF_QUEUE[queue]
    services = set(SERVICE_OF_QUEUE.values())
    cpu = {k.split("-")[0]: v for k, v in top["cpu_percent"].items() if k.split("-")[0] in services}
    return max(cpu, key=cpu.get)


def run_baseline(args, amqp_uri: str, workdir: Path) -> dict:
    from .baseline import BarePipeline
    storage, port = start_storage(workdir / "baseline-secantus")
    try:
        pipeline = BarePipeline(amqp_uri, f"mongodb://127.0.0.1:{port}/?retryWrites=false")
        pipeline.start()
        try:
            say("baseline kombu + pymongo ...")
            steps = pipeline.run_steps(args.rates + baseline_extra(args.rates), args.step_seconds,
                                       on_progress=lambda text: say(f"baseline: {text}"))
        finally:
            pipeline.stop()
    finally:
        storage.terminate()
        storage.wait(timeout=30)
    return {"steps": steps, "sustained_reports_per_s": stats.sustained(steps)}


def baseline_extra(rates: list[float]) -> list[float]:
    """Steps past Simpul's, so the baseline's own limit is found too."""
    return [rates[-1] * 1.5, rates[-1] * 2, rates[-1] * 3]


def start_storage(data: Path):
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port",
                             str(port), "--storage-path", str(data), "--sync-on-commit",
                             "--log-level", "WARNING"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for(lambda: port_open("127.0.0.1", port), "SecantusDB (baseline)", 60, [("storage", proc)])
    return proc, port


def line(step: dict) -> str:
    return (f"  {step['offered_per_s']:g}/s ditawarkan: {step['accepted_per_s']}/s diterima, "
            f"{step['errors']} galat, gateway p50/p99 {step['gateway_p50_ms']}/"
            f"{step['gateway_p99_ms']} ms, ujung-ke-ujung p50/p99 {step['e2e_p50_ms']}/"
            f"{step['e2e_p99_ms']} ms, {step['delivered']}/{step['accepted']} sampai, "
            f"{step['counted']} terhitung, lag pelaporan {step['reporting_lag_s']} s")


def summarise(args, simpul: dict, baseline: dict | None) -> dict:
    steps = simpul["steps"]
    sustained = stats.sustained(steps)
    at = next((s for s in steps if s["accepted_per_s"] == sustained and stats.kept_up(s)), None)
    bare = baseline["sustained_reports_per_s"] if baseline else None
    rss = {}
    for step in steps:
        for name, mb in step["peak_rss_mb"].items():
            rss[name] = max(rss.get(name, 0.0), mb)
    services = {n: mb for n, mb in rss.items() if n not in ("rabbitmq", "storage", "load-generator")}
    backlog = next((s for s in simpul["scale_out"] if s["replicas"] == 1), None)
    targets = {
        "sustained_150_per_s": sustained >= 150,
        "e2e_p99_le_300_ms_at_sustained": at is not None,
        "ratio_ge_60_pct_of_baseline": bool(bare) and sustained / bare >= 0.6,
        "service_rss_le_150_mb": all(mb <= RSS_LIMIT_MB for mb in services.values()),
        "backlog_drains_at_2x_offered": None if backlog is None
        else (backlog["drain_to_offered"] or 0) >= 2,
    }
    return {
        "title": f"Simpul bench {dt.date.today()} · {os.cpu_count()} core · SecantusDB",
        "taken_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "settings": {"rates": args.rates, "step_seconds": args.step_seconds,
                     "backlog": args.backlog, "backlog_rate": args.backlog_rate,
                     "replicas": args.replicas, "seed": args.seed},
        "sustained_reports_per_s": sustained,
        "baseline_reports_per_s": bare,
        "ratio_to_baseline": round(sustained / bare, 3) if bare else 0.0,
        "e2e_p99_ms": at["e2e_p99_ms"] if at else None,
        "peak_rss_mb": rss,
        "targets": targets,
        "steps": steps,
        "scale_out": simpul["scale_out"],
        "baseline": baseline or {},
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    workdir = ROOT / "var" / "bench"
    shutil.rmtree(workdir, ignore_errors=True)
    with own_vhost("simpul-bench", env="BENCH_AMQP_URI") as amqp_uri:
        simpul = run_simpul(args, amqp_uri, workdir)
    baseline = None
    if not args.no_baseline:
        with own_vhost("simpul-bare", env="BENCH_AMQP_URI") as amqp_uri:
            baseline = run_baseline(args, amqp_uri, workdir)
    results = summarise(args, simpul, baseline)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    chart.draw(results, args.out / "latest.png")
    say(f"stabil {results['sustained_reports_per_s']:g} laporan/s, baseline "
        f"{results['baseline_reports_per_s']}, rasio {results['ratio_to_baseline']:.0%}, "
        f"p99 ujung-ke-ujung {results['e2e_p99_ms']} ms")
    for name, met in results["targets"].items():
        say(f"  {'✓' if met else '✗' if met is False else '-'} {name}")
    say(f"hasil: {args.out / 'latest.json'} dan {args.out / 'latest.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
