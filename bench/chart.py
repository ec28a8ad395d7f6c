"""The PNG of a bench run: throughput and latency against the offered load."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def draw(results: dict, path: Path) -> None:
    steps, bare = results["steps"], results.get("baseline", {}).get("steps", [])
    offered = [s["offered_per_s"] for s in steps]
    figure, (rate, latency) = plt.subplots(1, 2, figsize=(12, 4.8))
    rate.plot(offered, [s["accepted_per_s"] for s in steps], "o-", label="Simpul: diterima (202)")
    rate.plot(offered, [s["delivered_per_s"] for s in steps], "s--",
              label="Simpul: sampai di antrean OPD")
    if bare:
        rate.plot([s["offered_per_s"] for s in bare], [s["delivered_per_s"] for s in bare], "^:",
                  label="baseline: sampai di antrean OPD")
    top = max(offered + [s["offered_per_s"] for s in bare])
    rate.plot([0, top], [0, top], color="grey", linewidth=0.8, label="beban yang ditawarkan")
    rate.set(xlabel="beban ditawarkan (laporan/detik)", ylabel="laporan/detik",
             title=f"Throughput (stabil: {results['sustained_reports_per_s']:g}/s, "
                   f"{results['ratio_to_baseline']:.0%} dari baseline)")
    rate.legend(fontsize=8)
    for key, style, label in (("gateway_p50_ms", "o-", "gateway p50"),
                              ("gateway_p99_ms", "o--", "gateway p99"),
                              ("e2e_p50_ms", "s-", "ujung ke ujung p50"),
                              ("e2e_p99_ms", "s--", "ujung ke ujung p99")):
        points = [(s["offered_per_s"], s[key]) for s in steps if s[key] is not None]
        if points:
            latency.plot(*zip(*points), style, label=label)
    latency.axhline(300, color="red", linewidth=0.8, label="target p99 300 ms")
    latency.set(xlabel="beban ditawarkan (laporan/detik)", ylabel="ms", yscale="log",
                title="Latensi: POST sampai 202, dan POST sampai antrean OPD")
    latency.legend(fontsize=8)
    figure.suptitle(results.get("title", "Simpul bench"), fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
