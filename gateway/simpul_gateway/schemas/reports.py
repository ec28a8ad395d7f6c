"""Reports filed at a Posyandu: what a kader sends, and what the API answers about it."""
import datetime as dt
from typing import Literal, Optional

import lokal
from pydantic import BaseModel, ConfigDict, Field, field_validator

from simpul_common.catalogue import REPORT_KINDS

from .base import Strict
from .fields import DesaCode, Phone, PosyanduId, ServiceType

Kind = Literal[REPORT_KINDS]  # type: ignore[valid-type]


class CitizenIn(Strict):
    """Personal data of the citizen concerned; sealed before it leaves the gateway."""
    name: Optional[str] = Field(None, min_length=1, max_length=120)
    nik: Optional[str] = Field(None, max_length=16,
                               description="NIK, 16 digits, checked for a real province and birth date")
    phone: Optional[Phone] = None
    birth_date: Optional[dt.date] = None
    household_id: Optional[str] = Field(None, min_length=1, max_length=64)

    @field_validator("nik")
    @classmethod
    def valid_nik(cls, value):
        if value is not None and not lokal.is_valid_nik(value):
            raise ValueError("bukan NIK yang sah (16 digit, kode wilayah dan tanggal lahir harus benar)")
        return value


class ReportIn(Strict):
    desa_code: DesaCode
    posyandu_id: PosyanduId
    service_type: ServiceType
    kind: Kind
    description: str = Field(..., min_length=3, max_length=4000)
    citizen: Optional[CitizenIn] = None


class ReportAccepted(BaseModel):
    id: str
    status: Literal["accepted"]


class AssignedOpd(BaseModel):
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
    assigned_opd: Optional[AssignedOpd]
    due_at: Optional[str]
    escalation_level: Optional[int] = Field(None, ge=0, le=3)
    linked_to: Optional[str] = Field(None, description="The open case a duplicate joined")
    visit_id: Optional[str] = None
    household_ref: Optional[str] = None
    received_at: str
    erased_at: Optional[str] = Field(None, description="When its personal data (description, "
                                     "citizen) was erased: retention or the citizen's request")
    delivery: Delivery
    history: list[HistoryEntry]
