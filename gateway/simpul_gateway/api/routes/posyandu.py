"""Posyandu of the registry: list, look-up, create, change and CSV import."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from ..deps import CsvText, Pages, Rpc
from ..errors import registry_answer
from ..registry import created, find, look_up, write
from ..upload import OPENAPI_BODY
from ...schemas import Page
from ...schemas.posyandu import ImportReport, Posyandu, PosyanduChanges, PosyanduFilters, PosyanduIn

router = APIRouter(prefix="/api/v1/posyandu", tags=["posyandu"])
PosyanduId = Annotated[str, Path(min_length=1, max_length=40, examples=["P332501200101"])]


@router.get("", response_model=Page[Posyandu], summary="Posyandu, filtered and paginated")
def list_posyandu(rpc: Rpc, paging: Pages, filters: Annotated[PosyanduFilters, Query()]):
    return find(rpc, "find_posyandu", filters, paging)


@router.get("/{posyandu_id}", response_model=Posyandu, summary="One Posyandu")
def get_posyandu(rpc: Rpc, posyandu_id: PosyanduId):
    return look_up(rpc, "get_posyandu", posyandu_id, f"Posyandu {posyandu_id} tidak ditemukan")


@router.post("", status_code=201, response_model=Posyandu, summary="Register a Posyandu")
def create_posyandu(rpc: Rpc, body: PosyanduIn, response: Response):
    return created(response, write(rpc, "create_posyandu", body.sent()), "posyandu")


@router.patch("/{posyandu_id}", response_model=Posyandu,
              summary="Change a Posyandu; only the fields sent change")
def update_posyandu(rpc: Rpc, posyandu_id: PosyanduId, body: PosyanduChanges):
    return write(rpc, "update_posyandu", posyandu_id, body.sent())


@router.post("/import", response_model=ImportReport, openapi_extra=OPENAPI_BODY,
             summary="Create or update Posyandu from a CSV file (UTF-8, at most 5 MB)",
             description="Columns `registration_number,name,desa_code,ilp,six_spm,active,kader`; "
                         "good rows are imported together, bad rows are explained in the report "
                         "and not imported. `dry_run=true` only checks.")
def import_posyandu(rpc: Rpc, csv: CsvText,
                    dry_run: Annotated[bool, Query(description="Check only, import nothing")] = False):
    return registry_answer(rpc.call("registry", "import_posyandu", csv, dry_run))
