"""What every registry use case shares: error results, paging, filters, the local date."""
import datetime as dt
from zoneinfo import ZoneInfo

from simpul_common.regions import timezone_of

from ..domain import search
from ..domain.checks import Rejected, not_found
from ..repository import prefix_filter, public

MAX_PER_PAGE = 200


def rejections_as_results(use_case):
    """Turn a `Rejected` raised by the domain into the error result the caller reads."""
    def run(*args, **kwargs):
        try:
            return use_case(*args, **kwargs)
        except Rejected as rejected:
            return rejected.result()
    run.__name__, run.__doc__ = use_case.__name__, use_case.__doc__
    return run


def stored(repo, collection: str, key: str, what: str) -> dict:
    """The stored document, or a 404 naming `what` is missing."""
    current = repo.get(collection, key)
    if current is None:
        raise not_found("id", f"{what} {key} tidak ada")
    return current


def saved(repo, announce, collection: str, entity: str, document: dict, replace=True) -> dict:
    """Store a checked document, announce it, and answer with it as stored (no read back)."""
    (repo.replace if replace else repo.insert)(collection, document)
    announce(entity, document.get("kabupaten_code") or "", [document["_id"]])
    return {"item": public(document)}


def known_regions(repo, filters: dict, fields: tuple[str, ...]) -> None:
    """A 422 naming each region filter whose code is not in the registry (rather than an
    empty page that looks like "nothing there")."""
    given = {f: filters[f] for f in fields if filters.get(f) is not None}
    found = repo.regions_in({c for c in given.values() if isinstance(c, str)}) if given else {}
    unknown = [f for f, code in given.items() if code not in found]
    if unknown:
        raise Rejected(422, [{"field": f, "message": f"wilayah {given[f]} tidak ada di registry"}
                             for f in unknown])


def paging(page, per_page) -> tuple[int, int]:
    page = page if isinstance(page, int) and page >= 1 else 1
    per_page = per_page if isinstance(per_page, int) and per_page >= 1 else 50
    return page, min(per_page, MAX_PER_PAGE)


def local_today(kabupaten_code: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(ZoneInfo(timezone_of(kabupaten_code))).date().isoformat()


def filters_query(filters: dict, exact: tuple[str, ...], regions: tuple[str, ...] = (),
                  text: tuple[str, ...] = ()) -> dict:
    """A query from the filters a client gave: exact values, region prefixes, and `q` as a
    case-insensitive part of the `text` fields."""
    query = {f: filters[f] for f in exact if filters.get(f) is not None}
    for field in regions:
        if filters.get(field) is not None:
            query.update(prefix_filter(field, filters[field]))
    if filters.get("q"):
        words = search.words(filters["q"])
        pattern = ".*".join(words) or ".*"
        query["$or"] = [{f: {"$regex": pattern, "$options": "i"}} for f in text]
    return query
