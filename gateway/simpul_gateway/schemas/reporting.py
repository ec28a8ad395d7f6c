"""Counts fed by the reporting service."""
from typing import Optional

from pydantic import BaseModel, Field


class PosyanduCounts(BaseModel):
    """Posyandu of the region in the registry."""
    total: int
    active: int
    ilp: int = Field(..., description="running Integrasi Layanan Primer")
    six_spm: int = Field(..., description="already the front door of the six SPM")


class Summary(BaseModel):
    region: str = Field(..., examples=["33.25"])
    total: int
    by_status: dict[str, int]
    by_spm_area: dict[str, int]
    by_service_type: dict[str, int]
    by_kind: dict[str, int]
    by_opd: dict[str, int]
    posyandu: Optional[PosyanduCounts] = None
