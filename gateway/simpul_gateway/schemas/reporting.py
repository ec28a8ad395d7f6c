"""Counts and tables fed by the reporting service, and their DHIS2 export."""
from typing import Annotated, Any, Optional

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


Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["2026-11-01"])]


class TableOptions(BaseModel):
    """What narrows or shapes a table (docs/reporting.md); reporting checks the values."""
    by: Optional[str] = Field(None, examples=["spm_area"], description=(
        "`counts` only: spm_area, service_type, kind, status, opd, posyandu, kabupaten, "
        "kecamatan or desa"))
    period: Optional[str] = Field(None, examples=["month"], description="`counts` only: day, week or month")
    since: Optional[Day] = Field(None, description="First day received, inclusive")
    until: Optional[Day] = Field(None, description="Last day received, inclusive")
    as_of: Optional[str] = Field(None, examples=["2026-11-30T17:00:00+07:00"], description=(
        "The instant backlog and overdue are counted at (ISO-8601 with a time zone); now if left out"))
    limit: Optional[int] = Field(None, ge=1, le=1000, description="`overdue` only: at most this many rows")


class Table(BaseModel):
    """One figure of docs/reporting.md; the CSV and DHIS2 exports and the dashboard show the same."""
    table: str = Field(..., examples=["areas"])
    region: str = Field(..., examples=["33.25"])
    as_of: str = Field(..., examples=["2026-11-30T10:00:00.000+00:00"])
    filters: dict[str, Any]
    columns: list[str] = Field(..., examples=[["spm_area", "reports", "open", "resolved",
                                               "resolved_in_sla_pct", "overdue"]])
    rows: list[list[Any]] = Field(..., examples=[[["kesehatan", 42, 10, 30, 87.5, 2]]])


class DataValue(BaseModel):
    dataElement: str = Field(..., examples=["SIMPUL_REPORTS_KESEHATAN"])
    period: str = Field(..., examples=["202611"])
    orgUnit: str = Field(..., examples=["33.25"])
    value: str = Field(..., examples=["42"])


class DataValueSet(BaseModel):
    """DHIS2 `dataValueSets` JSON, ready for its import API."""
    dataValues: list[DataValue]
