"""The bench's arithmetic (bench/stats.py, bench/load.py): what counts as sustained, how the
percentiles and the step's figures are taken, and that the offered reports are valid ones."""
import sys
from pathlib import Path

import lokal

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench import load, stats  # noqa: E402


def step(**changes):
    figures = {"offered_per_s": 100.0, "seconds": 10.0, "accepted": 1000, "accepted_per_s": 100.0,
               "errors": 0, "delivered": 1000, "counted": 1000, "e2e_p99_ms": 120.0}
    return {**figures, **changes}


def test_nearest_rank_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert stats.percentile(values, 0.5) == 50.0
    assert stats.percentile(values, 0.99) == 99.0
    assert stats.percentile([7.0], 0.99) == 7.0
    assert stats.percentile([], 0.5) is None


def test_a_step_is_sustained_only_when_everything_held():
    assert stats.kept_up(step())
    assert not stats.kept_up(step(errors=1))
    assert not stats.kept_up(step(accepted=900, delivered=900, counted=900))
    assert not stats.kept_up(step(delivered=999))
    assert not stats.kept_up(step(counted=999))
    assert not stats.kept_up(step(e2e_p99_ms=301.0))
    assert stats.kept_up(step(e2e_p99_ms=301.0), p99_ms=400)


def test_sustained_is_the_highest_step_that_held_not_the_last():
    steps = [step(accepted_per_s=50.0), step(accepted_per_s=100.0),
             step(accepted_per_s=140.0, e2e_p99_ms=900.0), step(accepted_per_s=98.0)]
    assert stats.sustained(steps) == 100.0
    assert stats.sustained([step(errors=3)]) == 0.0


def test_step_figures_count_latency_from_the_due_instant():
    ids = {"a": "r1", "b": "r2", "c": "r3"}
    answers = [("a", 10.0, 10.05, 202), ("b", 10.5, 10.70, 202), ("c", 11.0, 21.0, "ReadTimeout")]
    figures = stats.step_figures(2.0, 1.5, answers, {"r1": 10.1, "r2": 11.0}, ids)
    assert figures["accepted"] == 2 and figures["errors"] == 1
    assert figures["errors_by_status"] == {"ReadTimeout": 1}
    assert figures["delivered"] == 2 and figures["delivered_per_s"] == 1.3
    late = stats.step_figures(2.0, 1.5, answers, {"r1": 10.1, "r2": 14.0}, ids)
    assert late["delivered_per_s"] == 0.5   # two reports in the four seconds to the last notice
    assert figures["gateway_p99_ms"] == 200.0
    assert figures["e2e_p50_ms"] == 100.0 and figures["e2e_p99_ms"] == 500.0


def test_offered_reports_are_valid_and_reproducible():
    places = [load.Place("33.25.01.2001", "P332501200101"), load.Place("21.71.01.1002", "P217101100201")]
    first = load.reports(places, ["kesehatan.balita", "sosial.lansia_terlantar"], 200, seed=7)
    assert first == load.reports(places, ["kesehatan.balita", "sosial.lansia_terlantar"], 200, seed=7)
    with_citizen = [b for b in first if "citizen" in b]
    assert 100 < len(with_citizen) < 190
    assert all(lokal.is_valid_nik(b["citizen"]["nik"]) for b in with_citizen)
    assert all(b["citizen"]["nik"][:6] == b["desa_code"].replace(".", "")[:6] for b in with_citizen)
    assert {b["kind"] for b in first} == {"service_need", "complaint", "aspiration"}
