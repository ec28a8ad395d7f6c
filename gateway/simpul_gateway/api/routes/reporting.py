"""Counts fed by the reporting service."""
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from simpul_common.regions import REGION_PATTERN

from ..deps import RegistryCache, Rpc
from ...schemas import Summary

router = APIRouter(prefix="/api/v1/reporting", tags=["reporting"])


@router.get("/summary", response_model=Summary,
            summary="Report counts of a region by status, SPM area, service type, kind and OPD")
def summary(rpc: Rpc, cache: RegistryCache,
            region: Annotated[str, Query(pattern=REGION_PATTERN, examples=["33.25"])]):
    known = cache.get(("region", region), lambda: rpc.call("registry", "get_region", region),
                      remember_none=False)
    if known is None:
        raise HTTPException(404, detail=f"wilayah {region} tidak ada di registry")
    return rpc.call("reporting", "summary", region)
