"""People bound to where their role acts."""
import uuid

from ..domain import people
from .common import filters_query, known_regions, paging, rejections_as_results, saved, stored


@rejections_as_results
def find_people(repo, filters: dict, page=1, per_page=50) -> dict:
    known_regions(repo, filters, ("kabupaten_code",))
    query = filters_query(filters, ("role", "kabupaten_code", "opd_code", "posyandu_id", "active"),
                          text=("name",))
    return repo.page("people", query, *paging(page, per_page), sort=("name", "_id"))


def _lookups(repo):
    def kabupaten_of(code):
        region = repo.region(code)
        return region if region and region["level"] == "kabupaten" else None
    return (lambda pid: repo.get("posyandu", pid), lambda code: repo.get("opds", code), kabupaten_of)


@rejections_as_results
def create_person(repo, announce, data: dict) -> dict:
    person = {"_id": str(uuid.uuid4()), **people.checked(data, *_lookups(repo))}
    return saved(repo, announce, "people", "person", person, replace=False)


@rejections_as_results
def update_person(repo, announce, person_id: str, changes: dict) -> dict:
    current = stored(repo, "people", person_id, "orang")
    return saved(repo, announce, "people", "person", people.changed(current, changes, *_lookups(repo)))
