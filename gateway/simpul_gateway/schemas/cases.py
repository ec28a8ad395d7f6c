"""Cases: one per report, followed by routing through its lifecycle (docs/routing-rpc.md);
what the API shows of them, how they are filtered, and what each move carries."""
from typing import Annotated, Literal, Optional
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .base import Page, Strict
from .fields import KabupatenCode, OpdCode, PosyanduId, ServiceType, SpmArea

# routing's vocabulary (docs/case-lifecycle.md), listed here so /docs shows the choices
CaseStatus = Literal["routed", "unroutable", "rejected", "acknowledged", "in_progress",
                     "resolved", "reopened", "closed", "linked"]
Queue = Literal["triage", "open", "awaiting_confirmation"]
HOUSEHOLD_REF_PATTERN = r"^[0-9a-f]{64}$"
HouseholdRef = Annotated[str, Field(pattern=HOUSEHOLD_REF_PATTERN,
                                    description="Keyed hash of the household id, never the id")]


def _web_address(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValueError("harus alamat web http:// atau https://")
    return value


Note = Annotated[str, Field(min_length=3, max_length=2000, examples=["Petugas Puskesmas sudah dijadwalkan"])]
Reason = Annotated[str, Field(min_length=3, max_length=2000, examples=["Bukan kewenangan Dinas Kesehatan"])]
Resolution = Annotated[str, Field(min_length=3, max_length=4000, description="What was done",
                                  examples=["Balita sudah diimunisasi campak di Puskesmas"])]
EvidenceUrl = Annotated[str, Field(max_length=2000, examples=["https://dinkes.batangkab.go.id/bukti/1"]),
                        AfterValidator(_web_address)]


# --- what the API shows ------------------------------------------------------------------------

class CaseOpd(BaseModel):
    code: str = Field(..., examples=["33.25/dinkes"])
    name: Optional[str] = Field(None, examples=["Dinas Kesehatan Kabupaten Batang"])
    unit_code: Optional[str] = Field(None, examples=["puskesmas-33.25.01"])


class ActorOut(BaseModel):
    role: str = Field(..., examples=["opd_officer"])
    id: str
    name: Optional[str] = None


class HistoryEntryOut(BaseModel):
    """One step of the audit trail; the fields an action carries (`note`, `resolution`,
    `evidence`, `reason`, `opd_code`, `level`, `target`, ...) come along as they are."""
    model_config = ConfigDict(extra="allow")
    seq: int
    action: str = Field(..., examples=["acknowledge"])
    from_status: Optional[str] = Field(None, alias="from", examples=["routed"])
    to: Optional[str] = Field(None, examples=["acknowledged"])
    at: str
    actor: ActorOut


class CaseOut(BaseModel):
    id: str = Field(..., description="The id of the report the case follows")
    status: str = Field(..., examples=["routed"])
    kind: str
    spm_area: str = Field(..., examples=["kesehatan"])
    service_type: str = Field(..., examples=["kesehatan.balita"])
    desa_code: str = Field(..., examples=["33.25.01.2001"])
    posyandu_id: str = Field(..., examples=["P332501200101"])
    kabupaten_code: str = Field(..., examples=["33.25"])
    visit_id: Optional[str] = None
    household_ref: Optional[str] = None
    opd: Optional[CaseOpd] = Field(None, description="Null while nobody is responsible")
    reason: Optional[str] = Field(None, description="Why it is unroutable, rejected or transferred")
    routed_at: str
    updated_at: str
    deadline: Optional[Literal["acknowledge", "resolve", "triage", "deem_close"]] = Field(
        None, description="The deadline now running")
    acknowledge_due_at: Optional[str] = None
    due_at: Optional[str] = None
    triage_due_at: Optional[str] = None
    deem_closed_at: Optional[str] = None
    overdue: bool
    escalation_level: int = Field(..., ge=0, le=3)
    escalation_target: Optional[Literal["opd_head", "tph", "sekda"]] = None
    linked_to: Optional[str] = Field(None, description="The open case a duplicate joined")
    linked_reports: list[str] = Field(default_factory=list)
    allowed_actions: list[str] = Field(..., examples=[["acknowledge", "reject", "transfer"]])
    history: Optional[list[HistoryEntryOut]] = Field(None, description="Only on a single case")


CasePage = Page[CaseOut]


class HouseholdOut(BaseModel):
    household_ref: str
    total: int
    open: int = Field(..., description="Cases not yet closed")
    by_area: dict[str, list[CaseOut]] = Field(..., description="Cases by SPM area")


class CaseFilters(BaseModel):
    opd_code: Optional[OpdCode] = None
    kabupaten_code: Optional[KabupatenCode] = None
    posyandu_id: Optional[PosyanduId] = None
    visit_id: Optional[str] = Field(None, min_length=1, max_length=64)
    household_ref: Optional[HouseholdRef] = None
    service_type: Optional[ServiceType] = None
    spm_area: Optional[SpmArea] = None
    status: Optional[list[CaseStatus]] = Field(None, description="Repeat for several")
    queue: Optional[Queue] = Field(None, description="`triage`: the TPH's; `open`: not closed; "
                                                     "`awaiting_confirmation`: resolved")
    overdue: Optional[bool] = None
    escalation_level: Optional[int] = Field(None, ge=0, le=3, description="At least this level")


# --- what each move carries -----------------------------------------------------------------

class AcknowledgeIn(Strict):
    note: Optional[Note] = None


class StartIn(Strict):
    note: Optional[Note] = None


class UpdateIn(Strict):
    note: Note


class ResolveIn(Strict):
    resolution: Resolution
    evidence: Optional[list[EvidenceUrl]] = Field(None, max_length=10,
                                                  description="Web addresses of photos or "
                                                              "documents, at most 10")


class RejectIn(Strict):
    reason: Reason


class TransferIn(Strict):
    opd_code: OpdCode = Field(..., description="Another active OPD of the same kabupaten/kota")
    reason: Reason


class AssignIn(Strict):
    opd_code: OpdCode = Field(..., description="An active OPD of the case's kabupaten/kota")
    note: Optional[Note] = None


class ConfirmIn(Strict):
    note: Optional[Note] = None


class ReopenIn(Strict):
    reason: Reason
