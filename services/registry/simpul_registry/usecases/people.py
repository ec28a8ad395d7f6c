"""People bound to where their role acts, and how they sign in: a username and a password
stored only as a scrypt hash (see docs/security.md)."""
import uuid

from ..domain import credentials, people
from ..domain.checks import Problems, Rejected, conflict
from ..repository import public
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
    """`data` may also hold a `username` and a `password` (stored hashed, never as given)."""
    if not isinstance(data, dict):
        raise Rejected(422, [{"field": "body", "message": "harus objek JSON"}])
    given, problems = dict(data), Problems()
    username, password = given.pop("username", None), given.pop("password", None)
    if username is not None:
        credentials.checked_username(username, problems)
    if password is not None:
        credentials.checked_password(password, problems)
    person = {"_id": str(uuid.uuid4()), **people.checked(given, *_lookups(repo), problems),
              "username": username}
    _username_free(repo, username)
    if password is not None:
        person["password_hash"] = credentials.hash_password(password)
    return saved(repo, announce, "people", "person", person, replace=False)


@rejections_as_results
def update_person(repo, announce, person_id: str, changes: dict) -> dict:
    current = stored(repo, "people", person_id, "orang")
    return _changed(repo, announce, person_id, people.changed(current, changes, *_lookups(repo)))


def authenticate(repo, username, password):
    """The person if the username exists, the person is active and the password matches; else
    None. A password is checked against a hash either way, so the time does not tell which."""
    found = repo.person_with_hash(username.strip().lower()) if isinstance(username, str) else None
    known_hash = (found or {}).get("password_hash")
    matches = credentials.verify_password(password if isinstance(password, str) else "",
                                          known_hash or credentials.DUMMY_HASH)
    return public(found) if matches and known_hash and found.get("active") is True else None


@rejections_as_results
def set_password(repo, announce, person_id: str, password: str) -> dict:
    stored(repo, "people", person_id, "orang")
    _valid(credentials.checked_password, password)
    return _changed(repo, announce, person_id,
                    {"password_hash": credentials.hash_password(password)})


@rejections_as_results
def set_username(repo, announce, person_id: str, username: str) -> dict:
    stored(repo, "people", person_id, "orang")
    _valid(credentials.checked_username, username)
    _username_free(repo, username, own_id=person_id)
    return _changed(repo, announce, person_id, {"username": username})


def _valid(check, value) -> None:
    """A 422 if `check` finds a problem with the value."""
    problems = Problems()
    check(value, problems)
    problems.raise_if_any()


def _username_free(repo, username, own_id=None) -> None:
    holder = repo.username_holder(username) if username is not None else None
    if holder is not None and holder != own_id:
        raise conflict("username", f"nama pengguna {username} sudah dipakai")


def _changed(repo, announce, person_id: str, fields: dict) -> dict:
    """Set fields of a stored person, keeping the others (its password hash among them),
    announce it so caches refresh, and answer it as stored."""
    repo.set_fields("people", person_id, {k: v for k, v in fields.items() if k != "_id"})
    person = repo.get("people", person_id)
    announce("person", person.get("kabupaten_code") or "", [person_id])
    return {"item": person}
