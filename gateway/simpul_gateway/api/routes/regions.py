"""Kemendagri regions and the routing coverage of a kabupaten/kota, from the registry."""
from typing import Annotated, Optional

from fastapi import APIRouter, HTTPException, Path, Query

from simpul_common.regions import KABUPATEN_PATTERN, REGION_PATTERN

from ..deps import Rpc
from ...schemas import Coverage, RegionDetail

router = APIRouter(prefix="/api/v1", tags=["registry"])


@router.get("/regions/{code}", response_model=RegionDetail,
            summary="A region with its ancestors and children")
def get_region(rpc: Rpc, code: Annotated[str, Path(pattern=REGION_PATTERN, examples=["33.25.01"])]):
    region = rpc.call("registry", "region_with_context", code)
    if region is None:
        raise HTTPException(404, detail=f"wilayah {code} tidak ada di registry")
    return region


@router.get("/registry/coverage", response_model=Coverage,
            summary="Every (service type, kecamatan) with no responsible OPD")
def coverage(rpc: Rpc, kabupaten: Annotated[str, Query(pattern=KABUPATEN_PATTERN, examples=["33.25"])],
             on_date: Annotated[Optional[str], Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None):
    if rpc.call("registry", "get_region", kabupaten) is None:
        raise HTTPException(404, detail=f"kabupaten/kota {kabupaten} tidak ada di registry")
    return rpc.call("registry", "coverage", kabupaten, on_date)
