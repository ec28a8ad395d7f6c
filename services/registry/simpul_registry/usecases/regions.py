"""Region look-ups and search, and the routing coverage of a kabupaten/kota."""
from simpul_common.regions import is_region_code
from simpul_common.routing_rules import Rule

from ..domain import search
from ..domain.checks import Rejected
from ..domain.coverage import coverage_gaps
from ..repository import RegistryRepository, prefix_filter, public
from .common import local_today, paging, rejections_as_results


@rejections_as_results
def search_regions(repo: RegistryRepository, filters: dict, page=1, per_page=50) -> dict:
    page, per_page = paging(page, per_page)
    level, within = filters.get("level"), filters.get("within")
    if level is not None and level not in search.LEVEL_ORDER:
        raise Rejected(422, [{"field": "level", "message": "harus province, kabupaten, kecamatan atau desa"}])
    if within is not None and (not is_region_code(within) or repo.region(within) is None):
        raise Rejected(422, [{"field": "within", "message": f"wilayah {within} tidak ada di registry"}])
    query = {**({"level": level} if level else {}),
             **(prefix_filter("_id", within) if within else {})}
    if within:
        query["_id"]["$ne"] = within
    words = search.words(filters.get("q") or "")
    if not words:
        return repo.page("regions", query, page, per_page)
    found = [r for r in repo.region_candidates(search.anchor(words), query) if search.matches(r, words)]
    found.sort(key=lambda r: search.rank(r, words))
    items = [public(r) for r in found[(page - 1) * per_page: page * per_page]]
    return {"items": items, "total": len(found), "page": page, "per_page": per_page}


def region_with_context(repo: RegistryRepository, code: str):
    region = repo.region(code) if is_region_code(code) else None
    if region is None:
        return None
    chain = code.split(".")
    ancestors = repo.regions_in([".".join(chain[:i]) for i in range(1, len(chain))])
    return {**region, "ancestors": [ancestors[c] for c in sorted(ancestors)],
            "children": repo.children(code)}


@rejections_as_results
def coverage(repo: RegistryRepository, kabupaten_code: str, on_date=None) -> dict:
    """Every (service type, kecamatan) of the kabupaten/kota that no rule in force on `on_date`
    gives to a known, active OPD."""
    region = repo.region(kabupaten_code) if is_region_code(kabupaten_code) else None
    if region is None or region["level"] != "kabupaten":
        raise Rejected(404, [{"field": "kabupaten", "message":
                              f"kabupaten/kota {kabupaten_code} tidak ada di registry"}])
    on_date = on_date or local_today(kabupaten_code)
    table = repo.routing_table(kabupaten_code)
    kecamatan = repo.kecamatan_codes(kabupaten_code)
    gaps = coverage_gaps([Rule.from_dict(r) for r in table["rules"]], set(table["opds"]),
                         kecamatan, on_date)
    return {"kabupaten_code": kabupaten_code, "on_date": on_date, "kecamatan": len(kecamatan),
            "complete": not gaps, "gaps": gaps}
