"""Posyandu: find, add, change, and import many from a CSV file."""
from ..domain import posyandu, posyandu_csv
from ..domain.checks import conflict
from .common import filters_query, known_regions, paging, rejections_as_results, saved, stored


@rejections_as_results
def find_posyandu(repo, filters: dict, page=1, per_page=50) -> dict:
    known_regions(repo, filters, ("desa_code", "kecamatan_code", "kabupaten_code"))
    query = filters_query(filters, ("desa_code", "kecamatan_code", "kabupaten_code", "ilp",
                                    "six_spm", "active"), text=("name", "registration_number"))
    return repo.page("posyandu", query, *paging(page, per_page))


def _desa_lookup(repo):
    def desa_of(code):
        region = repo.region(code)
        return region if region and region["level"] == "desa" else None
    return desa_of


def _unique_number(repo, number: str, own_id=None) -> None:
    holder = repo.posyandu_by_registration([number]).get(number)
    if holder is not None and holder["id"] != own_id:
        raise conflict("registration_number", f"nomor registrasi {number} sudah dipakai {holder['id']}")


@rejections_as_results
def create_posyandu(repo, announce, data: dict) -> dict:
    checked = posyandu.checked(data, _desa_lookup(repo))
    _unique_number(repo, checked["registration_number"])
    document = {"_id": posyandu.new_id(checked["desa_code"],
                                       repo.posyandu_ids_in([checked["desa_code"]])), **checked}
    return saved(repo, announce, "posyandu", "posyandu", document, replace=False)


@rejections_as_results
def update_posyandu(repo, announce, posyandu_id: str, changes: dict) -> dict:
    document = posyandu.changed(stored(repo, "posyandu", posyandu_id, "Posyandu"), changes,
                                _desa_lookup(repo))
    _unique_number(repo, document["registration_number"], own_id=posyandu_id)
    return saved(repo, announce, "posyandu", "posyandu", document)


@rejections_as_results
def import_posyandu(repo, announce, csv_text: str, dry_run: bool = False) -> dict:
    """Check every row; write the good ones together (one transaction) unless `dry_run`."""
    rows = posyandu_csv.parse(csv_text)
    given = [data for _, data in rows]
    known = repo.regions_in({d["desa_code"] for d in given if isinstance(d.get("desa_code"), str)})
    existing = repo.posyandu_by_registration(
        {d["registration_number"] for d in given if d.get("registration_number")})
    taken = repo.posyandu_ids_in(known)
    report, documents = posyandu_csv.plan(
        rows, lambda code: known.get(code) if known.get(code, {}).get("level") == "desa" else None,
        existing, taken)
    if documents and not dry_run:
        repo.write_posyandu(documents)
        for kabupaten in sorted({d["kabupaten_code"] for d in documents}):
            announce("posyandu", kabupaten, [d["_id"] for d in documents
                                             if d["kabupaten_code"] == kabupaten])
    statuses = [r["status"] for r in report]
    return {"dry_run": dry_run, "imported": bool(documents) and not dry_run,
            "accepted": len(documents), "rejected": statuses.count("rejected"),
            "created": statuses.count("created"), "updated": statuses.count("updated"),
            "rows": report}
