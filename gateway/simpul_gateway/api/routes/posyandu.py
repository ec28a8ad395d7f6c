"""Posyandu of the registry: list, look-up, create, change and CSV import. Anyone signed in
reads them; an admin changes them (one bound to a kabupaten/kota only there)."""
import csv
import io
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from ...auth.principal import Principal
from ...broker import RpcPool
from ..access import DENIED, within
from ..deps import Admin, Caller, CsvText, Pages, Rpc
from ..errors import registry_answer
from ..registry import created, find, look_up, write
from ..upload import OPENAPI_BODY
from ...schemas import Page
from ...schemas.posyandu import ImportReport, Posyandu, PosyanduChanges, PosyanduFilters, PosyanduIn

router = APIRouter(prefix="/api/v1/posyandu", tags=["posyandu"], responses=DENIED)
PosyanduId = Annotated[str, Path(min_length=1, max_length=40, examples=["P332501200101"])]


@router.get("", response_model=Page[Posyandu], summary="Posyandu, filtered and paginated")
def list_posyandu(rpc: Rpc, paging: Pages, filters: Annotated[PosyanduFilters, Query()], who: Caller):
    return find(rpc, "find_posyandu", filters, paging)


@router.get("/{posyandu_id}", response_model=Posyandu, summary="One Posyandu")
def get_posyandu(rpc: Rpc, posyandu_id: PosyanduId, who: Caller):
    return look_up(rpc, "get_posyandu", posyandu_id, f"Posyandu {posyandu_id} tidak ditemukan")


@router.post("", status_code=201, response_model=Posyandu, summary="Register a Posyandu")
def create_posyandu(rpc: Rpc, body: PosyanduIn, response: Response, who: Admin):
    within(who, body.desa_code[:5])
    item = write(rpc, "create_posyandu", body.sent(), actor=who.actor())
    return created(response, item, "posyandu")


@router.patch("/{posyandu_id}", response_model=Posyandu,
              summary="Change a Posyandu; only the fields sent change")
def update_posyandu(rpc: Rpc, posyandu_id: PosyanduId, body: PosyanduChanges, who: Admin):
    if who.kabupaten_code:
        _own(rpc, who, posyandu_id)
        within(who, (body.desa_code or who.kabupaten_code)[:5])
    return write(rpc, "update_posyandu", posyandu_id, body.sent(), actor=who.actor())


def _own(rpc: RpcPool, who: Principal, posyandu_id: str) -> None:
    found = look_up(rpc, "get_posyandu", posyandu_id, f"{posyandu_id} tidak ditemukan")
    within(who, found["kabupaten_code"])


@router.post("/import", response_model=ImportReport, openapi_extra=OPENAPI_BODY,
             responses={415: {"description": "Not text/csv nor multipart/form-data"}},
             summary="Create or update Posyandu from a CSV file (UTF-8, at most 5 MB)",
             description="Columns `registration_number,name,desa_code,ilp,six_spm,active,kader`; "
                         "good rows are imported together, bad rows are explained in the report "
                         "and not imported. `dry_run=true` only checks. An admin bound to a "
                         "kabupaten/kota imports only Posyandu of its desa/kelurahan.")
def import_posyandu(who: Admin, rpc: Rpc, text: CsvText,   # `who` first: no stranger's upload is read
                    dry_run: Annotated[bool, Query(description="Check only, import nothing")] = False):
    if who.kabupaten_code:
        for desa_code in desa_codes(text):
            within(who, desa_code[:5])
    return registry_answer(rpc.call("registry", "import_posyandu", text, dry_run,
                                    actor=who.actor()))


def desa_codes(text: str) -> set[str]:
    """The desa codes a Posyandu CSV names, read as the registry reads the file (comma or
    semicolon separated); the registry checks everything else."""
    lines = text.splitlines()
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [name.strip().lower() for name in next(rows, [])]
    if "desa_code" not in header:
        return set()
    column = header.index("desa_code")
    return {row[column].strip() for row in rows if len(row) > column and row[column].strip()}
