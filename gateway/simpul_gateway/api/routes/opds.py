"""OPD of each kabupaten/kota; an OPD's code is `<kabupaten>/<short_code>`, e.g. `33.25/dinkes`."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from simpul_common.codes import OPD_SHORT_CODE_PATTERN
from simpul_common.regions import KABUPATEN_PATTERN

from ..access import DENIED, within
from ..deps import Admin, Caller, Pages, Rpc
from ..registry import created, find, look_up, write
from ...schemas import Page
from ...schemas.opds import Opd, OpdChanges, OpdFilters, OpdIn

router = APIRouter(prefix="/api/v1/opds", tags=["opds"], responses=DENIED)
Kabupaten = Annotated[str, Path(pattern=KABUPATEN_PATTERN, examples=["33.25"])]
ShortCode = Annotated[str, Path(pattern=OPD_SHORT_CODE_PATTERN, examples=["dinkes"])]


@router.get("", response_model=Page[Opd], summary="OPD, filtered and paginated")
def list_opds(rpc: Rpc, paging: Pages, filters: Annotated[OpdFilters, Query()], who: Caller):
    return find(rpc, "find_opds", filters, paging)


@router.get("/{kabupaten}/{short_code}", response_model=Opd, summary="One OPD")
def get_opd(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, who: Caller):
    code = f"{kabupaten}/{short_code}"
    return look_up(rpc, "get_opd", code, f"OPD {code} tidak ditemukan")


@router.post("", status_code=201, response_model=Opd,
             summary="Register an OPD; its own RabbitMQ queue is added as a channel")
def create_opd(rpc: Rpc, body: OpdIn, response: Response, who: Admin):
    within(who, body.kabupaten_code)
    return created(response, write(rpc, "create_opd", body.sent(), actor=who.actor()), "opds")


@router.patch("/{kabupaten}/{short_code}", response_model=Opd,
              summary="Change an OPD's name, units, channels or active flag")
def update_opd(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, body: OpdChanges, who: Admin):
    within(who, kabupaten)
    return write(rpc, "update_opd", f"{kabupaten}/{short_code}", body.sent(), actor=who.actor())
