"""Request and response bodies of the API. Unknown fields are refused, never ignored."""
import datetime as dt
from typing import Literal, Optional

import lokal
from pydantic import BaseModel, ConfigDict, Field, field_validator

from simpul_common.catalogue import REPORT_KINDS, SERVICE_TYPES
from simpul_common.regions import DESA_PATTERN

ServiceType = Literal[SERVICE_TYPES]  # type: ignore[valid-type]
Kind = Literal[REPORT_KINDS]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CitizenIn(Strict):
    """Personal data of the citizen concerned; sealed before it leaves the gateway."""
    name: Optional[str] = Field(None, min_length=1, max_length=120)
    nik: Optional[str] = Field(None, description="NIK, 16 digits, checked for a real province and birth date")
    phone: Optional[str] = Field(None, max_length=20)
    birth_date: Optional[dt.date] = None
    household_id: Optional[str] = Field(None, min_length=1, max_length=64)

    @field_validator("nik")
    @classmethod
    def valid_nik(cls, value):
        if value is not None and not lokal.is_valid_nik(value):
            raise ValueError("bukan NIK yang sah (16 digit, kode wilayah dan tanggal lahir harus benar)")
        return value

    @field_validator("phone")
    @classmethod
    def valid_phone(cls, value):
        if value is None:
            return None
        normalized = lokal.normalize_phone(value)
        if normalized is None:
            raise ValueError("bukan nomor telepon Indonesia yang sah")
        return normalized


class ReportIn(Strict):
    desa_code: str = Field(..., pattern=DESA_PATTERN, examples=["33.25.01.2001"],
                           description="Kemendagri code of the desa/kelurahan")
    posyandu_id: str = Field(..., min_length=1, max_length=40)
    service_type: ServiceType
    kind: Kind
    description: str = Field(..., min_length=3, max_length=4000)
    citizen: Optional[CitizenIn] = None


class ReportAccepted(BaseModel):
    id: str
    status: Literal["accepted"]


class Opd(BaseModel):
    code: str
    name: str


class HistoryEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    event_id: str
    type: str
    at: str


class Delivery(BaseModel):
    state: str
    deliveries: list[dict]


class ReportOut(BaseModel):
    id: str
    status: str
    kind: str
    spm_area: str
    service_type: str
    desa_code: str
    posyandu_id: str
    description: Optional[str]
    citizen: Optional[dict]
    assigned_opd: Optional[Opd]
    due_at: Optional[str]
    received_at: str
    delivery: Delivery
    history: list[HistoryEntry]


class Posyandu(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    name: str
    desa_code: str
    kecamatan_code: str
    kabupaten_code: str
    ilp: bool
    six_spm: bool
    active: bool


class PosyanduList(BaseModel):
    items: list[Posyandu]
    total: int


class Summary(BaseModel):
    region: str
    total: int
    by_status: dict[str, int]
    by_spm_area: dict[str, int]
    by_service_type: dict[str, int]
    by_kind: dict[str, int]
    by_opd: dict[str, int]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    broker: bool
    storage: bool
    services: dict[str, bool]


class Region(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str
    name: str
    level: Literal["province", "kabupaten", "kecamatan", "desa"]
    type: str
    parent: Optional[str]
    postal_code: Optional[str] = None


class RegionDetail(Region):
    ancestors: list[Region]
    children: list[Region]


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
