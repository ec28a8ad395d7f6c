"""The figures of docs/reporting.md, each a table computed from facts: counts, OPD
accountability, Posyandu activity, the six areas, the kecamatan ranking, overdue cases,
Posyandu coverage. Pure: the caller chooses the facts (region, period) and the instant."""
import statistics

from simpul_common.catalogue import SPM_AREAS
from simpul_common.workdays import local_date, working_days_between

from .facts import OPEN

BY = {"spm_area": "spm_area", "service_type": "service_type", "kind": "kind",
      "status": "status", "opd": "opd_code", "posyandu": "posyandu_id",
      "kabupaten": "kabupaten_code", "kecamatan": "kecamatan_code", "desa": "desa_code"}
PERIODS = ("day", "week", "month")
BACKLOG = (("backlog_0_2", 0, 2), ("backlog_3_5", 3, 5), ("backlog_6_10", 6, 10),
           ("backlog_over_10", 11, None))
ACCOUNTABILITY = ("cases", "acknowledged", "acknowledged_in_sla_pct", "resolved",
                  "resolved_in_sla_pct", "ack_median_wd", "ack_p90_wd", "resolve_median_wd",
                  "resolve_p90_wd", *(b[0] for b in BACKLOG), "reopen_rate_pct", "escalations")


def done(fact: dict) -> bool:
    """Resolved now (a reopened case is open again until its next resolution)."""
    return bool(fact.get("resolved_at")) and fact["status"] in ("resolved", "closed")


def pct(part: int, whole: int):
    return None if not whole else round(100.0 * part / whole, 1)


def p90(values: list[int]):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]   # nearest rank


def median(values: list[int]):
    return None if not values else round(float(statistics.median(values)), 1)


def counts(facts: list[dict], by: str, period: str | None) -> tuple[list[str], list[list]]:
    field = BY[by]
    tally: dict[tuple, int] = {}
    for fact in facts:
        key = (fact.get(field),) + ((fact.get(period),) if period else ())
        tally[key] = tally.get(key, 0) + 1
    columns = [by] + ([period] if period else []) + ["reports"]
    rows = [[*key, n] for key, n in sorted(tally.items(), key=lambda kv: tuple(
        "" if k is None else str(k) for k in kv[0]))]
    return columns, rows


def running_due(fact: dict):
    """The deadline an open case is measured against now, and its name."""
    if fact["status"] in ("routed", "reopened"):
        return "acknowledge", fact.get("acknowledge_due_at")
    if fact["status"] in ("acknowledged", "in_progress"):
        return "resolve", fact.get("due_at")
    return None, None


def is_overdue(fact: dict, as_of: str) -> bool:
    _, due = running_due(fact)
    return bool(due) and due < as_of


def _age(fact: dict, as_of: str):
    start = fact.get("first_routed_at") or fact.get("received_at")
    if not start:
        return None
    zone = fact["timezone"]
    return working_days_between(local_date(start, zone), local_date(as_of, zone))


def accountability_figures(facts: list[dict], as_of: str) -> list:
    cases = [f for f in facts if f["status"] != "linked"]
    acked = [f for f in cases if f.get("acknowledged_at")]
    resolved = [f for f in cases if done(f)]
    ever_resolved = sum(1 for f in cases if f.get("resolved_at"))
    backlog = {name: 0 for name, _, _ in BACKLOG}
    for fact in cases:
        if fact["status"] in OPEN:
            age = _age(fact, as_of)
            for name, low, high in BACKLOG:
                if age is not None and age >= low and (high is None or age <= high):
                    backlog[name] += 1
    return [len(cases), len(acked), pct(sum(bool(f.get("ack_in_sla")) for f in acked), len(acked)),
            len(resolved), pct(sum(bool(f.get("resolve_in_sla")) for f in resolved), len(resolved)),
            median([f["ack_wd"] for f in acked if f.get("ack_wd") is not None]),
            p90([f["ack_wd"] for f in acked if f.get("ack_wd") is not None]),
            median([f["resolve_wd"] for f in resolved if f.get("resolve_wd") is not None]),
            p90([f["resolve_wd"] for f in resolved if f.get("resolve_wd") is not None]),
            *backlog.values(),
            pct(sum(1 for f in cases if f.get("reopens")), ever_resolved),
            sum(f.get("escalations", 0) for f in cases)]


def accountability(facts: list[dict], as_of: str, per_service_type: bool):
    groups: dict[tuple, list] = {}
    for fact in facts:
        if fact.get("opd_code") or fact.get("first_routed_at"):
            key = (fact.get("opd_code") or "-",) + ((fact["service_type"],) if per_service_type else ())
            groups.setdefault(key, []).append(fact)
    columns = ["opd_code"] + (["service_type"] if per_service_type else []) + list(ACCOUNTABILITY)
    rows = [[*key, *accountability_figures(group, as_of)] for key, group in sorted(groups.items())]
    return columns, rows


def posyandu(facts: list[dict]):
    groups: dict[str, list] = {}
    for fact in facts:
        groups.setdefault(fact["posyandu_id"], []).append(fact)
    rows = []
    for posyandu_id, group in sorted(groups.items()):
        resolved = sum(1 for f in group if done(f))
        rows.append([posyandu_id, len(group), resolved, pct(resolved, len(group))])
    return ["posyandu_id", "reports", "resolved", "resolved_pct"], rows


def area_figures(group: list[dict], as_of: str) -> list:
    resolved = [f for f in group if done(f)]
    return [len(group), sum(1 for f in group if f["status"] in OPEN), len(resolved),
            pct(sum(bool(f.get("resolve_in_sla")) for f in resolved), len(resolved)),
            sum(1 for f in group if is_overdue(f, as_of))]


def areas(facts: list[dict], as_of: str):
    rows = [[area, *area_figures([f for f in facts if f["spm_area"] == area], as_of)]
            for area in SPM_AREAS]
    return ["spm_area", "reports", "open", "resolved", "resolved_in_sla_pct", "overdue"], rows


def kecamatan(facts: list[dict], as_of: str, kecamatan_codes: list[str]):
    """Every kecamatan of the kabupaten/kota, ranked: most resolved within SLA first, then
    fewest overdue, then most resolved; those with nothing resolved yet after them, and
    those without reports last."""
    groups = {code: [] for code in kecamatan_codes}
    for fact in facts:
        groups.setdefault(fact["kecamatan_code"], []).append(fact)
    rows = []
    for code, group in groups.items():
        resolved = [f for f in group if done(f)]
        in_sla = sum(bool(f.get("resolve_in_sla")) for f in resolved)
        rows.append([code, len(group), pct(len(resolved), len(group)), pct(in_sla, len(resolved)),
                     sum(1 for f in group if is_overdue(f, as_of))])
    rows.sort(key=lambda r: (r[1] == 0, r[3] is None, -(r[3] or 0), r[4], -(r[2] or 0), r[0]))
    return ["rank", "kecamatan_code", "reports", "resolved_pct", "in_sla_pct", "overdue"], \
        [[rank, *row] for rank, row in enumerate(rows, 1)]


def overdue(facts: list[dict], as_of: str, limit: int):
    rows = []
    for fact in facts:
        deadline, due = running_due(fact)
        if due and due < as_of:
            zone = fact["timezone"]
            late = working_days_between(local_date(due, zone), local_date(as_of, zone))
            rows.append([fact["_id"], fact.get("opd_code"), fact["service_type"],
                         fact["desa_code"], deadline, due, late, fact.get("escalation_level", 0)])
    rows.sort(key=lambda r: (r[5], r[0]))
    return ["report_id", "opd_code", "service_type", "desa_code", "deadline", "due",
            "working_days_overdue", "escalation_level"], rows[:limit]


def coverage(counts_by_kabupaten: dict[str, dict]):
    rows = []
    for code, c in sorted(counts_by_kabupaten.items()):
        if c is None:
            rows.append([code, None, None, None, None, None])
            continue
        rows.append([code, c["total"], c["ilp"], pct(c["ilp"], c["total"]), c["six_spm"],
                     pct(c["six_spm"], c["total"])])
    return ["kabupaten_code", "posyandu", "ilp", "ilp_pct", "six_spm", "six_spm_pct"], rows
