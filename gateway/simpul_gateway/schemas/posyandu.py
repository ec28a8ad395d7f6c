"""Posyandu of the registry, their filters, writes and CSV import report."""
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, Field, StrictBool

from .base import Changes, FieldError, Sent
from simpul_common.codes import REGISTRATION_NUMBER_PATTERN

from .fields import DesaCode, KabupatenCode, KecamatanCode, PersonName, Search

RegistrationNumber = Annotated[str, Field(pattern=REGISTRATION_NUMBER_PATTERN, examples=["400.5/12/2024"],
                                          description="3–40 letters, digits, `.`, `/`, `-`, "
                                                      "beginning and ending with a letter or digit; unique")]
PosyanduName = Annotated[str, Field(min_length=3, max_length=120, examples=["Posyandu Mawar I"])]
MAX_KADER = 50   # as the registry's own check


class Posyandu(BaseModel):
    id: str = Field(..., examples=["P332501200101"])
    registration_number: str = Field(..., examples=["400.5/12/2024"])
    name: str = Field(..., examples=["Posyandu Mawar I"])
    desa_code: str = Field(..., examples=["33.25.01.2001"])
    kecamatan_code: str = Field(..., examples=["33.25.01"])
    kabupaten_code: str = Field(..., examples=["33.25"])
    ilp: bool
    six_spm: bool
    active: bool
    kader: list[str] = Field(default_factory=list, examples=[["Siti Aminah", "Sri Wahyuni"]])


class PosyanduFilters(BaseModel):
    kabupaten_code: Optional[KabupatenCode] = None
    kecamatan_code: Optional[KecamatanCode] = None
    desa_code: Optional[DesaCode] = None
    ilp: Optional[bool] = None
    six_spm: Optional[bool] = None
    active: Optional[bool] = None
    q: Optional[Search] = Field(None, description="Part of the name or the registration number")


class PosyanduIn(Sent):
    registration_number: RegistrationNumber
    name: PosyanduName
    desa_code: DesaCode
    ilp: StrictBool = False
    six_spm: StrictBool = False
    active: StrictBool = True
    kader: list[PersonName] = Field(default_factory=list, max_length=MAX_KADER,
                                    description="Names of the kader")


class PosyanduChanges(Changes):
    registration_number: RegistrationNumber = None
    name: PosyanduName = None
    desa_code: DesaCode = None
    ilp: StrictBool = None
    six_spm: StrictBool = None
    active: StrictBool = None
    kader: list[PersonName] = Field(None, max_length=MAX_KADER,
                                    description="Names of the kader; replaces the list")


class ImportRow(BaseModel):
    row: int = Field(..., description="Line number in the file", examples=[2])
    registration_number: Optional[str] = Field(None, examples=["400.5/12/2024"])
    status: Literal["created", "updated", "rejected"]
    id: Optional[str] = Field(None, examples=["P332501200101"])
    errors: list[FieldError] = Field(default_factory=list)


class ImportReport(BaseModel):
    dry_run: bool
    imported: bool
    accepted: int
    rejected: int
    created: int
    updated: int
    rows: list[ImportRow]
