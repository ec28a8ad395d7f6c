"""People Simpul knows: kader, TPH members, OPD officers and heads, admins and viewers."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from ..deps import Pages, Rpc
from ..registry import created, find, look_up, write
from ...schemas import Page
from ...schemas.people import Person, PersonChanges, PersonFilters, PersonIn

router = APIRouter(prefix="/api/v1/people", tags=["people"])
PersonId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("", response_model=Page[Person], summary="People, filtered and paginated")
def list_people(rpc: Rpc, paging: Pages, filters: Annotated[PersonFilters, Query()]):
    return find(rpc, "find_people", filters, paging)


@router.get("/{person_id}", response_model=Person, summary="One person")
def get_person(rpc: Rpc, person_id: PersonId):
    return look_up(rpc, "get_person", person_id, f"orang {person_id} tidak ditemukan")


@router.post("", status_code=201, response_model=Person, summary="Register a person in a role")
def create_person(rpc: Rpc, body: PersonIn, response: Response):
    return created(response, write(rpc, "create_person", body.sent()), "people")


@router.patch("/{person_id}", response_model=Person,
              summary="Change a person's name, contacts, binding or active flag")
def update_person(rpc: Rpc, person_id: PersonId, body: PersonChanges):
    return write(rpc, "update_person", person_id, body.sent())
