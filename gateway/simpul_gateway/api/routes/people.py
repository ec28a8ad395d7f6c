"""People Simpul knows: kader, TPH members, OPD officers and heads, admins and viewers; and
how they sign in. Admins only: an admin bound to a kabupaten/kota sees and keeps only its
people (others are 404) and places nobody elsewhere. A phone number is sealed here before it
goes to the registry and opened here when shown: it never crosses the broker in clear."""
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response

from simpul_common import sealing
from simpul_common.cache import TtlCache

from ...auth.principal import Principal
from ...broker import RpcPool
from ..access import DENIED, within
from ..deps import Admin, DataKey, Pages, Principals, RegistryCache, Rpc
from ..registry import created, find, write
from ...schemas import Page
from ...schemas.people import PasswordIn, Person, PersonChanges, PersonFilters, PersonIn

router = APIRouter(prefix="/api/v1/people", tags=["people"], responses=DENIED)
PersonId = Annotated[str, Path(min_length=1, max_length=64)]
MISSING = {404: {"description": "No such person, or one outside the admin's kabupaten/kota"}}


def _person(rpc: RpcPool, who: Principal, person_id: str) -> dict:
    found = rpc.call("registry", "get_person", person_id)
    if found is None or who.kabupaten_code not in (None, found.get("kabupaten_code")):
        raise HTTPException(404, detail=f"orang {person_id} tidak ditemukan")
    return found


def _sealed(key: bytes, data: dict) -> dict:
    """The body for the registry, its phone number sealed."""
    if data.get("phone"):
        return {**data, "phone": sealing.seal(key, {"phone": data["phone"]}, sealing.PERSON_PHONE)}
    return data


def shown(key: bytes, person: dict) -> dict:
    """A person as the API answers: the phone number opened (left as stored if it was stored
    before phones were sealed)."""
    phone = person.get("phone")
    if sealing.looks_sealed(phone):
        try:
            phone = sealing.open_sealed(key, phone, sealing.PERSON_PHONE)["phone"]
        except sealing.SealError:
            phone = None   # sealed with another key: unreadable, not shown
    return {**person, "phone": phone}


def _placed(rpc: RpcPool, cache: TtlCache, who: Principal, data: dict, creating: bool) -> None:
    """An admin bound to a kabupaten/kota binds people only there (the registry says whether
    the Posyandu or OPD exists)."""
    if not who.kabupaten_code:
        return
    if data.get("posyandu_id"):
        posyandu = cache.get(("posyandu", data["posyandu_id"]), remember_none=False,
                             load=lambda: rpc.call("registry", "get_posyandu", data["posyandu_id"]))
        if posyandu:
            within(who, posyandu["kabupaten_code"])
    elif data.get("opd_code"):
        within(who, data["opd_code"][:5])
    elif creating or "kabupaten_code" in data:
        within(who, data.get("kabupaten_code"))


@router.get("", response_model=Page[Person], summary="People, filtered and paginated")
def list_people(rpc: Rpc, key: DataKey, paging: Pages, filters: Annotated[PersonFilters, Query()],
                who: Admin):
    if who.kabupaten_code:
        filters = filters.model_copy(update={"kabupaten_code": who.kabupaten_code})
    page = find(rpc, "find_people", filters, paging)
    return {**page, "items": [shown(key, p) for p in page["items"]]}


@router.get("/{person_id}", response_model=Person, responses=MISSING, summary="One person")
def get_person(rpc: Rpc, key: DataKey, person_id: PersonId, who: Admin):
    return shown(key, _person(rpc, who, person_id))


@router.post("", status_code=201, response_model=Person, summary="Register a person in a role",
             description="With a `username` (and a `password`, or one set later) they can sign in.")
def create_person(rpc: Rpc, cache: RegistryCache, key: DataKey, body: PersonIn, response: Response,
                  who: Admin):
    data = body.sent()
    _placed(rpc, cache, who, data, creating=True)
    person = write(rpc, "create_person", _sealed(key, data), actor=who.actor())
    return created(response, shown(key, person), "people")


@router.patch("/{person_id}", response_model=Person, responses=MISSING,
              summary="Change a person's name, contacts, binding or active flag")
def update_person(rpc: Rpc, cache: RegistryCache, principals: Principals, key: DataKey,
                  person_id: PersonId, body: PersonChanges, who: Admin):
    _person(rpc, who, person_id)
    _placed(rpc, cache, who, body.sent(), creating=False)
    person = write(rpc, "update_person", person_id, _sealed(key, body.sent()), actor=who.actor())
    principals.forget(("person", person_id))   # a deactivation holds at once here
    return shown(key, person)


@router.post("/{person_id}/password", response_model=Person, responses=MISSING,
             summary="Set a person's password (at least 10 characters)")
def set_password(rpc: Rpc, principals: Principals, key: DataKey, person_id: PersonId,
                 body: PasswordIn, who: Admin):
    _person(rpc, who, person_id)
    person = write(rpc, "set_password", person_id, body.password, actor=who.actor())
    principals.forget(("person", person_id))
    return shown(key, person)
