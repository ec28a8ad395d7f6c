"""The figures of one step of load, from what the load generator and the OPD tap saw. Pure."""
from __future__ import annotations

import math

P99_TARGET_MS = 300.0
KEPT_UP = 0.97   # a step is sustained only if at least this share of the offered load was accepted


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (`share` in 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def step_figures(offered: float, seconds: float, answers: list[tuple], arrived: dict[str, float],
                 ids: dict[str, str]) -> dict:
    """`answers`: (key, due, answered, status) per POST; `arrived`: report id → when its
    notice reached the OPD's queue; `ids`: key → report id."""
    accepted = [a for a in answers if a[3] == 202]
    errors: dict[str, int] = {}
    for _, _, _, status in answers:
        if status != 202:
            errors[str(status)] = errors.get(str(status), 0) + 1
    answer_s = [answered - due for _, due, answered, _ in accepted]
    e2e_s = [arrived[ids[key]] - due for key, due, _, _ in accepted if ids[key] in arrived]
    first_due = min((due for _, due, _, _ in answers), default=0.0)
    last_arrival = max((arrived[ids[key]] for key, *_ in accepted if ids[key] in arrived),
                       default=first_due)
    return {
        "offered_per_s": offered, "seconds": seconds, "sent": len(answers),
        "accepted": len(accepted), "accepted_per_s": round(len(accepted) / seconds, 1),
        "errors": sum(errors.values()), "errors_by_status": errors,
        "delivered": len(e2e_s),
        # what the pipeline got through: delivered reports over the time from the first POST
        # to the last notice, at least the step (below the offered rate when it fell behind)
        "delivered_per_s": round(len(e2e_s) / max(seconds, last_arrival - first_due), 1),
        "gateway_p50_ms": ms(percentile(answer_s, 0.50)),
        "gateway_p99_ms": ms(percentile(answer_s, 0.99)),
        "e2e_p50_ms": ms(percentile(e2e_s, 0.50)),
        "e2e_p99_ms": ms(percentile(e2e_s, 0.99)),
        "e2e_max_ms": ms(max(e2e_s, default=None)),
    }


def kept_up(step: dict, p99_ms: float = P99_TARGET_MS) -> bool:
    """Every report accepted, delivered and counted, without errors, within the latency bound."""
    return (step["errors"] == 0 and step["accepted"] >= KEPT_UP * step["offered_per_s"] * step["seconds"]
            and step["delivered"] == step["accepted"] and step.get("counted", step["accepted"]) >= step["accepted"]
            and step["e2e_p99_ms"] is not None and step["e2e_p99_ms"] <= p99_ms)


def sustained(steps: list[dict], p99_ms: float = P99_TARGET_MS) -> float:
    """The highest accepted rate among the steps that kept up (0 if none did)."""
    return max((s["accepted_per_s"] for s in steps if kept_up(s, p99_ms)), default=0.0)
