"""Posyandu of the registry."""
from typing import Annotated

from fastapi import APIRouter, Query

from simpul_common.regions import DESA_PATTERN

from ..deps import Rpc
from ...schemas import PosyanduList

router = APIRouter(prefix="/api/v1/posyandu", tags=["posyandu"])


@router.get("", response_model=PosyanduList, summary="Posyandu of a desa/kelurahan")
def list_posyandu(rpc: Rpc, desa_code: Annotated[str, Query(pattern=DESA_PATTERN)]):
    items = rpc.call("registry", "list_posyandu", desa_code)
    return PosyanduList(items=items, total=len(items))
