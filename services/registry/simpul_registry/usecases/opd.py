"""OPD of a kabupaten/kota, their field units and notification channels."""
import re

from simpul_common.regions import KABUPATEN_PATTERN

from ..domain import opd as opds, rules
from ..domain.checks import Rejected, conflict
from .common import filters_query, known_regions, local_today, paging, rejections_as_results, saved, stored


@rejections_as_results
def find_opds(repo, filters: dict, page=1, per_page=50) -> dict:
    known_regions(repo, filters, ("kabupaten_code",))
    query = filters_query(filters, ("kabupaten_code", "active"), text=("name", "short_code"))
    return repo.page("opds", query, *paging(page, per_page))


def _kecamatan_of(repo, kabupaten_code) -> set[str]:
    region = repo.region(kabupaten_code) if isinstance(kabupaten_code, str) and \
        re.fullmatch(KABUPATEN_PATTERN, kabupaten_code) else None
    if region is None:
        raise Rejected(422, [{"field": "kabupaten_code",
                              "message": "harus kode kabupaten/kota yang ada di registry"}])
    return set(repo.kecamatan_codes(kabupaten_code))


@rejections_as_results
def create_opd(repo, announce, data: dict) -> dict:
    document = opds.checked(data, _kecamatan_of(repo, data.get("kabupaten_code")))
    if repo.get("opds", document["_id"]) is not None:
        raise conflict("short_code", f"OPD {document['_id']} sudah ada")
    return saved(repo, announce, "opds", "opd", document, replace=False)


@rejections_as_results
def update_opd(repo, announce, opd_code: str, changes: dict) -> dict:
    current = stored(repo, "opds", opd_code, "OPD")
    document = opds.changed(current, changes, _kecamatan_of(repo, current["kabupaten_code"]))
    rules.still_needed(repo.rules_naming(opd_code, local_today(current["kabupaten_code"])), document)
    return saved(repo, announce, "opds", "opd", document)
