"""A citizen's rights over their personal data (UU PDP No. 27/2022; docs/privacy.md): the
export of every report about them and the erasure of their personal data. The NIK travels in
the body, never in a URL, and is checked like the NIK of a report's citizen."""
from pydantic import BaseModel, Field, field_validator

from .base import Strict
from .reports import CitizenIn, ReportOut


class CitizenRequest(Strict):
    nik: str = Field(..., max_length=16, examples=["3325014501900003"],
                     description="The citizen's NIK, 16 digits, as on their KTP")

    @field_validator("nik")
    @classmethod
    def valid_nik(cls, value):
        return CitizenIn.valid_nik(value)


class ErasureRequest(CitizenRequest):
    reason: str = Field(..., min_length=5, max_length=500,
                        description="Why (the citizen's request and its reference); kept in the "
                                    "audit log and on each report, first 200 characters")


class CitizenExport(BaseModel):
    nik_masked: str = Field(..., examples=["3325**********03"])
    total: int = Field(..., ge=0)
    reports: list[ReportOut] = Field(..., description="Every report about the citizen within the "
                                     "admin's kabupaten/kota, in full")


class CitizenErasure(BaseModel):
    erased: int = Field(..., ge=0, description="Reports whose personal data was erased")
    report_ids: list[str]
