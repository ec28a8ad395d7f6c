"""Posyandu of the registry."""
from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Rpc
from ...schemas import DESA_PATTERN, PosyanduList

router = APIRouter(prefix="/api/v1/posyandu", tags=["posyandu"])


@router.get("", response_model=PosyanduList, summary="Posyandu of a desa/kelurahan")
def list_posyandu(rpc: Rpc, desa_code: Annotated[str, Query(pattern=DESA_PATTERN)]):
    items = rpc.call("registry", "list_posyandu", desa_code)
    return PosyanduList(items=items, total=len(items))
