"""Reporting's use cases: journal events and fold them into their reports' facts and the counts;
answer the summary and the tables of docs/reporting.md; rebuild everything from the journal.

Answers to callers follow the error-result shape of the registry (docs/registry-rpc.md)."""
import datetime as dt
import re

from simpul_common import contracts
from simpul_common.regions import is_region_code

from .domain import facts, figures

TABLES = ("counts", "accountability", "opd", "posyandu", "areas", "kecamatan", "overdue",
          "coverage")
OPTIONS = {"by", "period", "since", "until", "as_of", "limit"}
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH = re.compile(r"^([0-9]{4})(0[1-9]|1[0-2])$")
DHIS2_FIGURES = (("REPORTS", "reports"), ("OPEN", "open"), ("RESOLVED", "resolved"),
                 ("RESOLVED_IN_SLA_PCT", "resolved_in_sla_pct"), ("OVERDUE", "overdue"))


def error(status: int, field: str, message: str) -> dict:
    return {"status": status, "errors": [{"field": field, "message": message}]}


def record_event(received: contracts.Received, repo) -> bool:
    return repo.apply(facts.journal_entry(received), facts.derive, facts.counter_deltas)


def record_events(batch: list[contracts.Received], repo) -> int:
    """Journal a batch of events and fold them in at once; how many were new."""
    return repo.apply_batch([facts.journal_entry(received) for received in batch],
                            facts.derive, facts.counter_deltas)


def region_summary(region: str, repo, posyandu_counts=None) -> dict:
    """The counts of a region, with how many Posyandu it has (from the registry)."""
    return {**facts.summary(region, repo.counters_of(region)), "posyandu": posyandu_counts}


def refresh_places(change: contracts.RegistryChanged, places) -> None:
    """A Posyandu added, moved, (de)activated or re-labelled ILP changes the counts of its
    regions: forget them all (they are cheap to ask again)."""
    if change.entity in ("posyandu", "region"):
        places.forget()


# --- tables ---------------------------------------------------------------------------------

def _checked(region: str, options: dict):
    if not is_region_code(region):
        return error(422, "region", "bukan kode wilayah Kemendagri")
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        return error(422, unknown[0], "opsi tidak dikenal")
    for field in ("since", "until"):
        if options.get(field) is not None and not _is_date(options[field]):
            return error(422, field, "tanggal YYYY-MM-DD")
    if options.get("by") is not None and options["by"] not in figures.BY:
        return error(422, "by", f"harus salah satu dari {', '.join(figures.BY)}")
    if options.get("period") is not None and options["period"] not in figures.PERIODS:
        return error(422, "period", "harus day, week atau month")
    limit = 100 if options.get("limit") is None else options["limit"]
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        return error(422, "limit", "1 sampai 1000")
    if options.get("as_of") is not None:
        try:
            options["as_of"] = _instant(options["as_of"])
        except (TypeError, ValueError):
            return error(422, "as_of", "waktu ISO-8601 dengan zona waktu")
    return None


def _is_date(value) -> bool:
    if not (isinstance(value, str) and _DATE.fullmatch(value)):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _instant(value: str) -> str:
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")


def table(name: str, region: str, options: dict, repo, places) -> dict:
    """One table of docs/reporting.md. `places` answers the registry's kecamatan of a
    kabupaten/kota and Posyandu counts (None when it cannot)."""
    options = dict(options or {})
    if name not in TABLES:
        return error(404, "table", f"tabel {name!r} tidak ada; ada: {', '.join(TABLES)}")
    problem = _checked(region, options)
    if problem:
        return problem
    as_of = options.get("as_of") or contracts.utc_now()
    chosen = repo.facts_of(region, options.get("since"), options.get("until")) \
        if name != "coverage" else []
    if name == "counts":
        columns, rows = figures.counts(chosen, options.get("by") or "spm_area", options.get("period"))
    elif name in ("accountability", "opd"):
        columns, rows = figures.accountability(chosen, as_of, per_service_type=name == "accountability")
    elif name == "posyandu":
        columns, rows = figures.posyandu(chosen)
    elif name == "areas":
        columns, rows = figures.areas(chosen, as_of)
    elif name == "kecamatan":
        if len(region) != 5:
            return error(422, "region", "peringkat kecamatan dihitung per kabupaten/kota")
        columns, rows = figures.kecamatan(chosen, as_of, places.kecamatan_of(region))
    elif name == "overdue":
        columns, rows = figures.overdue(chosen, as_of, options.get("limit") or 100)
    else:
        columns, rows = figures.coverage({code: places.posyandu_counts(code)
                                          for code in places.kabupaten_in(region)})
    return {"table": name, "region": region, "as_of": as_of,
            "filters": {k: v for k, v in options.items() if k != "as_of" and v is not None},
            "columns": columns, "rows": rows}


def dhis2(region: str, period: str, repo, places, as_of: str | None = None) -> dict:
    """DHIS2 `dataValueSets` of the `areas` figures of `region` and its child regions, for the
    reports received in the month `period` (yyyyMM)."""
    found = _MONTH.fullmatch(period) if isinstance(period, str) else None
    if not found:
        return error(422, "period", "bulan dalam bentuk yyyyMM, mis. 202611")
    year, month = int(found[1]), int(found[2])
    first = dt.date(year, month, 1)
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
    options = {"since": first.isoformat(), "until": last.isoformat(), "as_of": as_of}
    values = []
    for unit in [region, *places.children_of(region)]:
        areas = table("areas", unit, dict(options), repo, places)
        if "errors" in areas:
            return areas
        for row in areas["rows"]:
            figures_of_area = dict(zip(areas["columns"], row))
            for element, column in DHIS2_FIGURES:
                if figures_of_area[column] is None:
                    continue
                values.append({"dataElement": f"SIMPUL_{element}_{row[0].upper()}",
                               "period": period, "orgUnit": unit,
                               "value": str(figures_of_area[column])})
    return {"dataValues": values}


# --- rebuilding ---------------------------------------------------------------------------------

def rebuild(repo, progress=lambda done, total: None, attempts: int = 3) -> dict:
    """Derive every fact and counter again from the journal alone, and put them in place.
    If events were journaled meanwhile (the service was not stopped), it starts over."""
    for _ in range(attempts):
        total = repo.journal_size()
        done = _rebuild_once(repo, total, progress)
        if repo.journal_size() == total:
            return done
    raise RuntimeError("events keep arriving while rebuilding: stop the reporting service first")


def _rebuild_once(repo, total: int, progress) -> dict:
    done = 0
    rebuilt, counters = [], {}
    for report_id, entries in repo.journal_by_report():
        fact = facts.derive(report_id, entries)
        rebuilt.append(fact)
        for key in facts.counter_keys(fact):
            counters[key] = counters.get(key, 0) + 1
        done += len(entries)
        progress(done, total)
    repo.replace_read_model(rebuilt, counters)
    return {"events": done, "facts": len(rebuilt), "counters": len(counters)}
