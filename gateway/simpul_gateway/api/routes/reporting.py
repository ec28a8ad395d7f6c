"""Counts fed by the reporting service."""
from typing import Annotated

from fastapi import APIRouter, Query

from simpul_common.regions import REGION_PATTERN

from ..deps import Rpc
from ...schemas import Summary

router = APIRouter(prefix="/api/v1/reporting", tags=["reporting"])


@router.get("/summary", response_model=Summary,
            summary="Report counts of a region by status, SPM area, service type, kind and OPD")
def summary(rpc: Rpc, region: Annotated[str, Query(pattern=REGION_PATTERN, examples=["33.25"])]):
    return rpc.call("reporting", "summary", region)
