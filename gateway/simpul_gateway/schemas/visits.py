"""One visit to a Posyandu, several needs: each need becomes a report (and a case) of its own,
all sharing the visit's id and the household's reference."""
from typing import Literal, Optional

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .base import Strict
from .fields import DesaCode, PosyanduId, ServiceType
from .reports import CitizenIn, Kind

MAX_NEEDS = 10


class NeedIn(Strict):
    service_type: ServiceType
    kind: Kind
    description: str = Field(..., min_length=3, max_length=4000)


class VisitIn(Strict):
    desa_code: DesaCode
    posyandu_id: PosyanduId
    citizen: Optional[CitizenIn] = Field(None, description="Whom the needs concern; with "
                                                           "`household_id` the cases of one "
                                                           "household are grouped")
    needs: list[NeedIn] = Field(..., min_length=1, max_length=MAX_NEEDS,
                                description="At most one need per service type")

    @field_validator("needs")
    @classmethod
    def distinct_service_types(cls, needs: list[NeedIn]) -> list[NeedIn]:
        seen, repeated = set(), []
        for n, need in enumerate(needs):
            if need.service_type in seen:
                repeated.append(InitErrorDetails(
                    type=PydanticCustomError("duplicate_service_type",
                                             "jenis layanan ini sudah disebut di kebutuhan lain "
                                             "kunjungan ini; gabungkan keterangannya"),
                    loc=(n, "service_type"), input=need.service_type))
            seen.add(need.service_type)
        if repeated:   # raised as a ValidationError so each error names needs.<n>.service_type
            raise ValidationError.from_exception_data(cls.__name__, repeated)
        return needs


class VisitReport(BaseModel):
    id: str
    service_type: str
    status: Literal["accepted"]


class VisitAccepted(BaseModel):
    visit_id: str
    household_ref: Optional[str] = Field(None, description="Keyed hash of `citizen.household_id`")
    reports: list[VisitReport]
