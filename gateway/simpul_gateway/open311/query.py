"""GET service requests (GeoReport v2): its filters, and the cases they select from routing's
list (newest first). `service_request_id` (comma-delimited) overrides every other filter;
`service_code` and `status` (`open`, `closed`) may be comma-delimited; `start_date` and
`end_date` bound `requested_datetime` (when the case was routed) and may span 90 days at most;
without them the window is the most recent 90 days. At most the first 1000 requests."""
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Callable, Optional

from fastapi import HTTPException

from ..api.errors import field_error
from .views import SIMPUL_STATUSES, instant, open311_status

WINDOW = dt.timedelta(days=90)
MOST_REQUESTS, MOST_IDS = 1000, 100
PAGE, MOST_PAGES = 200, 50   # routing's largest page; pages read for one answer, at most
Find = Callable[[int, int], dict]   # (page, per_page) → a page of routing's `find_cases`


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...]             # when given, nothing else counts
    service_codes: frozenset[str]    # empty: every service
    statuses: frozenset[str]         # `open`, `closed`; empty: both
    start: dt.datetime
    end: dt.datetime

    def keeps(self, case: dict) -> bool:
        return ((not self.service_codes or case["service_type"] in self.service_codes)
                and (not self.statuses or open311_status(case["status"]) in self.statuses))

    def routing_filters(self) -> dict:
        """What routing can filter itself: one service type, the statuses of one Open311 status."""
        filters = {}
        if len(self.service_codes) == 1:
            filters["service_type"] = next(iter(self.service_codes))
        if len(self.statuses) == 1:
            filters["status"] = list(SIMPUL_STATUSES[next(iter(self.statuses))])
        return filters


def request_query(params: dict, service_codes, now: dt.datetime) -> RequestQuery:
    problems = []
    ids = _listed(params.get("service_request_id"))
    if len(ids) > MOST_IDS:
        problems.append(field_error("service_request_id", f"paling banyak {MOST_IDS} id"))
    codes = _listed(params.get("service_code"))
    problems += [field_error("service_code", f"{code[:100]} tidak ada; lihat services")
                 for code in codes if code not in service_codes]
    statuses = _listed(params.get("status"))
    if not set(statuses) <= set(SIMPUL_STATUSES):
        problems.append(field_error("status", "harus open atau closed (boleh keduanya, dipisah koma)"))
    start, end = (_moment(params.get(name), name, problems) for name in ("start_date", "end_date"))
    start, end = window(start, end, now)
    if end < start or end - start > WINDOW:
        problems.append(field_error("end_date", "harus sesudah start_date, paling lama 90 hari"))
    if problems:
        raise HTTPException(400, detail=problems)
    return RequestQuery(tuple(ids), frozenset(codes), frozenset(statuses), start, end)


def window(start, end, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The spec's default: the most recent 90 days, or 90 days from or up to the one given."""
    if start is None and end is None:
        return now - WINDOW, now
    return start or end - WINDOW, end or start + WINDOW


def _listed(text: Optional[str]) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _moment(text: Optional[str], name: str, problems: list) -> Optional[dt.datetime]:
    """A W3C-DTF date or date-time with its zone; a `+` the client left unencoded came as a
    space. A date alone is its midnight UTC."""
    if not text:
        return None
    try:
        moment = instant(text.strip().replace(" ", "+"))
    except ValueError:
        moment = None
    if moment is None or (moment.tzinfo is None and "T" in text):
        problems.append(field_error(name, "harus tanggal W3C dengan zona waktu, "
                                          "mis. 2026-01-01T00:00:00Z"))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def valid_ids(ids) -> list[str]:
    """The ids that can be a report's; any other names no request, so it finds none."""
    found = []
    for text in ids:
        try:
            found.append(str(uuid.UUID(text)))
        except ValueError:
            pass
    return found


def between(find: Find, query: RequestQuery) -> list[dict]:
    """The cases routed within the query's window that it keeps, newest first, at most
    MOST_REQUESTS; read from the first case not after its end, found by bisection."""
    total = find(1, 1)["total"]
    first = _first_not_after(find, query.end, total)
    found, seen = [], set()
    for page in range(first // PAGE + 1, first // PAGE + 1 + MOST_PAGES):
        items = find(page, PAGE)["items"]
        for case in items[first % PAGE if page == first // PAGE + 1 else 0:]:
            routed = instant(case["routed_at"])
            if routed < query.start or len(found) >= MOST_REQUESTS:
                return found
            if routed <= query.end and case["id"] not in seen and query.keeps(case):
                seen.add(case["id"])
                found.append(case)
        if len(items) < PAGE:
            break
    return found


def _first_not_after(find: Find, end: dt.datetime, total: int) -> int:
    """The index of the newest case routed at or before `end` (routing lists newest first)."""
    def not_after(index: int) -> bool:
        items = find(index + 1, 1)["items"]
        return not items or instant(items[0]["routed_at"]) <= end
    if total == 0 or not_after(0):
        return 0
    low, high = 1, total
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if not_after(middle) else (middle + 1, high)
    return low
