"""Routing's use cases: decide who is responsible for a received report, once; move cases
through their lifecycle for the people who act on them; keep their deadlines; show them.

Answers to callers follow the error-result shape of the registry (docs/routing-rpc.md):
`{"status": 404|409|422, "errors": [{"field", "message"}]}`."""
import datetime as dt
import logging

from simpul_common import access, contracts, metrics
from simpul_common.publishing import publish_all
from simpul_common.regions import kabupaten_of

from .domain import case as cases_domain
from .domain.lifecycle import MOVES, Actor, IllegalMove
from .domain.queries import BadFilter, case_query
from .repository import OpenCaseExists

log = logging.getLogger(__name__)
SAVE_ATTEMPTS = 3
OUTBOX_GRACE = dt.timedelta(seconds=30)
MAX_PER_PAGE = 200


def error(status: int, field: str, message: str) -> dict:
    return {"status": status, "errors": [{"field": field, "message": message}]}


# --- new reports --------------------------------------------------------------------------

def route_report(event: contracts.ReportReceived, cases, routing_table, publish) -> dict:
    """`routing_table(kabupaten_code)` gives the registry's rules; a redelivered report
    re-announces the stored decision instead of deciding again. A report for a household that
    has an open case of the same service type is linked to that case, not routed again."""
    case = cases.get(event.report_id)
    if case is None:
        case = _store(event, _decide(event, routing_table), cases)
    _announce_outcome(case, cases, publish)
    return case


def route_reports(events: list[contracts.ReportReceived], cases, routing_table,
                  publish) -> list[dict]:
    """Route a batch as `route_report` routes each, in two round trips in the usual case: one
    read of the cases stored before (redeliveries), one insert of the new ones. A new case the
    insert refuses (stored meanwhile, or its household has an open case of its service type),
    and a later one of the same household and service type within the batch, go the single
    way after that insert: linked to the open case, or the stored one re-announced. Outcomes
    are announced in the batch's order."""
    table = _once_per_batch(routing_table)
    stored = cases.get_many({event.report_id for event in events})
    new = _new_cases(events, stored, table)
    refused = cases.add_many(list(new.values()))
    for report_id, case in new.items():
        if report_id not in refused:
            stored[report_id] = case
            metrics.case_decided(case["kabupaten_code"], case["status"])
    routed, outcomes = [], []
    for event in events:
        case = stored.get(event.report_id)
        if case is None:
            case = stored[event.report_id] = route_report(event, cases, table, outcomes.append)
        else:
            _announce_outcome(case, cases, outcomes.append)
        routed.append(case)
    publish_all(publish, outcomes)   # all sent, one wait for their confirms
    return routed


def _new_cases(events, stored: dict, routing_table) -> dict[str, dict]:
    """The cases to insert together, by report id: one per report not stored, and only the
    first of a household and service type (the others join it on the single way)."""
    new, open_keys = {}, set()
    for event in events:
        if event.report_id in stored or event.report_id in new:
            continue
        case = _decide(event, routing_table)
        if case.get("open_key") in open_keys:
            continue
        if case.get("open_key") is not None:
            open_keys.add(case["open_key"])
        new[event.report_id] = case
    return new


def _once_per_batch(routing_table):
    """`routing_table`, asked once per kabupaten/kota: a batch is decided on one table each."""
    tables = {}

    def table(kabupaten_code):
        if kabupaten_code not in tables:
            tables[kabupaten_code] = routing_table(kabupaten_code)
        return tables[kabupaten_code]
    return table


def _decide(event: contracts.ReportReceived, routing_table) -> dict:
    return cases_domain.decide(event, routing_table(kabupaten_of(event.desa_code)),
                               contracts.utc_now())


def _store(event: contracts.ReportReceived, new: dict, cases) -> dict:
    """Store a new case, or link it to its household's open case of the same service type;
    the case as stored (another replica's, if it stored one meanwhile)."""
    try:
        case = cases.add(new)
    except OpenCaseExists as found:
        new = cases_domain.linked(event, found.open_case, new["routed_at"])
        case = cases.add_linked(new)
    if case is new:   # not a case another replica stored meanwhile
        metrics.case_decided(case["kabupaten_code"], case["status"])
    return case


def _announce_outcome(case: dict, cases, publish) -> None:
    """Publish the decision; a linked report joins its open case's history first (once, so
    that a redelivery completes what a crash interrupted)."""
    if case["status"] == "linked" and case["history"][0]["action"] == "link":
        cases.note_duplicate(case["linked_to"],
                             cases_domain.duplicate_entry(case["_id"], case["routed_at"]))
    publish(cases_domain.outcome_event(case))


# --- people acting on a case --------------------------------------------------------------

def act(case_id: str, action: str, actor: dict, details: dict, cases, routing_table, publish,
        now: str) -> dict:
    """Make one move; the case as it is after it, or an error result (nothing changed)."""
    if action not in MOVES or action == "deem_closed":
        return error(404, "action", f"tindakan {action!r} tidak dikenal")
    try:
        who = Actor.from_dict(actor or {})
    except TypeError:
        return error(422, "actor", "pelaku tidak sah")
    for _ in range(SAVE_ATTEMPTS):
        case = cases.get(case_id)
        if case is None:
            return error(404, "id", f"kasus {case_id} tidak ada")
        opds = None
        if action in ("transfer", "assign"):
            opds = routing_table(case["kabupaten_code"])["opds"]
        try:
            after, entries, events = cases_domain.move(case, action, who, now, details or {}, opds)
        except IllegalMove as refused:
            return error(refused.status, refused.field, str(refused))
        stored = _save(case, after, entries, events, cases, publish, now)
        if stored is not None:
            log.info("case %s: %s by %s (%s → %s)", case_id, action, who.role,
                     case["status"], stored["status"])
            metrics.case_moved(action)
            return {"item": cases_domain.view(stored, now, with_history=True)}
    return error(409, "id", "kasus sedang diubah orang lain; coba lagi")


def _save(case, after, entries, events, cases, publish, now):
    """Store a change; announce it; the case as stored, or None if it changed meanwhile."""
    if not cases.save(case, after, entries, events, now):
        return None
    stored = dict(after, version=case.get("version", 0) + 1,
                  history=case["history"] + entries)
    if events:
        _announce(stored["_id"], stored["version"], events, cases, publish)
    return stored


def _announce(case_id, version, events, cases, publish) -> bool:
    try:
        for envelope in events:
            publish(envelope)
    except Exception as exc:   # stored in the outbox: the sweep publishes it
        log.warning("case %s: events not yet published (%s); the sweep will", case_id,
                    type(exc).__name__)
        return False
    cases.outbox_sent(case_id, version)
    return True


# --- the clock -------------------------------------------------------------------------------

def sweep(cases, publish, now: str, limit: int = 500) -> dict:
    """Everything the deadlines owe at `now`: escalations and deemed closings, each done once
    even when several replicas sweep at the same time (the version check lets one win); then
    events whose publication was interrupted are published again."""
    done = {"reminded": 0, "escalated": 0, "closed": 0, "conflicts": 0, "republished": 0}
    for case in cases.due(now, limit):
        after, entries, events = cases_domain.timer_steps(case, now)
        if after == case:
            continue
        if _save(case, after, entries, events, cases, publish, now) is None:
            done["conflicts"] += 1
            continue
        done["reminded"] += sum(e["action"] == "remind" for e in entries)
        done["escalated"] += sum(e["action"] == "escalate" for e in entries)
        done["closed"] += sum(e["action"] == "deem_closed" for e in entries)
        _count_timer_steps(case["kabupaten_code"], entries)
    grace = (dt.datetime.now(dt.timezone.utc) - OUTBOX_GRACE).isoformat(timespec="milliseconds")
    for case in cases.unsent(grace, limit):
        if case.get("outbox") and _announce(case["_id"], case["version"], case["outbox"],
                                            cases, publish):
            done["republished"] += len(case["outbox"])
    return done


def _count_timer_steps(kabupaten_code: str, entries: list[dict]) -> None:
    for entry in entries:
        if entry["action"] == "escalate":
            metrics.deadline_missed(kabupaten_code, entry["deadline"], entry["level"])
        elif entry["action"] == "deem_closed":
            metrics.case_moved(entry["action"])


def instant(value) -> str:
    """An ISO-8601 instant as UTC text, comparable with the stored ones."""
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("the instant needs a time zone")
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")


# --- reading --------------------------------------------------------------------------------

def _visible(case_id: str, actor, cases):
    """The stored case if `actor` may see it; else None, as for a case that does not exist."""
    case = cases.get(case_id)
    if case is None or not isinstance(actor, dict) or not access.sees_case(actor, _place(case)):
        return None
    return case


def _place(case: dict) -> dict:
    """A stored case in the shape `access.sees_case` reads (its view's `opd`)."""
    return {**case, "opd": {"code": case.get("opd_code")}}


def show(case_id: str, actor, cases, now: str):
    case = _visible(case_id, actor, cases)
    return None if case is None else cases_domain.view(case, now, with_history=True)


def history(case_id: str, actor, cases):
    case = _visible(case_id, actor, cases)
    return None if case is None else cases_domain.history_view(case)


def find_for(actor, filters: dict, page: int, per_page: int, cases, now: str) -> dict:
    """`find`, narrowed to the cases `actor` may see whatever `filters` say."""
    try:
        narrowed = access.narrowed(actor if isinstance(actor, dict) else {}, filters or {})
    except access.Forbidden:
        return error(403, "actor", "peran ini tidak dapat melihat kasus")
    return find(narrowed, page, per_page, cases, now)


def find(filters: dict, page: int, per_page: int, cases, now: str) -> dict:
    try:
        query = case_query(filters or {}, now)
    except BadFilter as bad:
        return error(422, bad.field, str(bad))
    if not (isinstance(page, int) and page >= 1 and isinstance(per_page, int)
            and 1 <= per_page <= MAX_PER_PAGE):
        return error(422, "page", f"page ≥ 1, per_page 1–{MAX_PER_PAGE}")
    items, total = cases.find(query, page, per_page)
    return {"items": [cases_domain.view(c, now) for c in items], "total": total,
            "page": page, "per_page": per_page}


def household(household_ref: str, actor, cases, now: str) -> dict:
    """Every case of one household `actor` may see, across the six SPM areas."""
    found = find_for(actor, {"household_ref": household_ref}, 1, MAX_PER_PAGE, cases, now)
    if "errors" in found:
        return found
    by_area: dict[str, list] = {}
    for item in found["items"]:
        by_area.setdefault(item["spm_area"], []).append(item)
    still_open = find_for(actor, {"household_ref": household_ref, "queue": "open"}, 1, 1, cases, now)
    return {"household_ref": household_ref, "total": found["total"], "by_area": by_area,
            "open": still_open["total"]}


# --- registry changes --------------------------------------------------------------------

ROUTING_ENTITIES = {"routing_rule", "opd", "service_type"}


def refresh_tables(change: contracts.RegistryChanged, tables) -> None:
    """Forget the cached routing table a registry change touches, so the next report of that
    kabupaten/kota is decided on the new rules."""
    if change.entity in ROUTING_ENTITIES:
        tables.forget(change.region or None)
