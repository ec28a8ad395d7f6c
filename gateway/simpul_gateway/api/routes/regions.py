"""Kemendagri regions, from the registry."""
from typing import Annotated

from fastapi import APIRouter, Path, Query

from simpul_common.regions import REGION_PATTERN

from ..access import DENIED
from ..deps import Caller, Pages, Rpc
from ..registry import find, look_up
from ...schemas import Page
from ...schemas.regions import Region, RegionDetail, RegionFilters

router = APIRouter(prefix="/api/v1/regions", tags=["regions"], responses=DENIED)


@router.get("", response_model=Page[Region], summary="Search regions by name, level and parent")
def search_regions(rpc: Rpc, paging: Pages, filters: Annotated[RegionFilters, Query()], who: Caller):
    return find(rpc, "search_regions", filters, paging)


@router.get("/{code}", response_model=RegionDetail, summary="A region with its ancestors and children")
def get_region(rpc: Rpc, code: Annotated[str, Path(pattern=REGION_PATTERN, examples=["33.25.01"])],
               who: Caller):
    return look_up(rpc, "region_with_context", code, f"wilayah {code} tidak ada di registry")
