"""Routing rules: which OPD (and unit) answers for a service type in a region, from when to when;
and the coverage check of a kabupaten/kota's rules."""
import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, Field

from .base import Sent, Strict
from .fields import KabupatenCode, OpdCode, RegionCode, RuleServiceType, UnitCode


class Rule(BaseModel):
    id: str
    kabupaten_code: str = Field(..., examples=["33.25"])
    region_prefix: str = Field(..., examples=["33.25.01"])
    service_type: str = Field(..., examples=["kesehatan.*"])
    opd_code: str = Field(..., examples=["33.25/dinkes"])
    unit_code: Optional[str] = Field(None, examples=["puskesmas-33.25.01"])
    valid_from: dt.date
    valid_to: Optional[dt.date] = None
    created_at: Optional[str] = None
    ended_at: Optional[str] = None


class RuleFilters(BaseModel):
    kabupaten_code: KabupatenCode
    service_type: Optional[RuleServiceType] = None
    region_prefix: Optional[RegionCode] = None
    opd_code: Optional[OpdCode] = None
    on_date: Optional[dt.date] = Field(None, description="Only the rules in force that day")


class RuleIn(Sent):
    """A new rule from a date on; rules are never edited, a change is a new rule."""
    region_prefix: RegionCode = Field(..., description="The kabupaten/kota, or a kecamatan or "
                                                       "desa/kelurahan inside it")
    service_type: RuleServiceType = Field(..., description="A service type code, or `<area>.*`")
    opd_code: OpdCode = Field(..., description="An active OPD of that kabupaten/kota")
    unit_code: Optional[UnitCode] = Field(None, description="A unit of that OPD")
    valid_from: dt.date = Field(None, description="Default: today in the kabupaten/kota; "
                                                  "not in the past")
    valid_to: Optional[dt.date] = Field(None, description="After valid_from")


class RuleEnd(Strict):
    valid_to: dt.date = Field(..., description="Today or later, after valid_from, "
                                               "not later than an existing end")


class CoverageGap(BaseModel):
    service_type: str
    kecamatan_code: str
    reason: Literal["no_rule", "unknown_opd"]


class Coverage(BaseModel):
    kabupaten_code: str
    on_date: str
    kecamatan: int
    complete: bool
    gaps: list[CoverageGap]
