"""Cases: one per report, followed by routing through its lifecycle (docs/routing-rpc.md).
Each caller sees the cases of their own Posyandu, OPD or kabupaten/kota (docs/security.md): a
list is narrowed to them whatever its filters say, another case is 404. A move is made by the
signed-in person, or an API key with `cases:act`; routing decides whether they may make it."""
import uuid
from typing import Annotated, Optional

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from simpul_common.regions import KABUPATEN_PATTERN

from ...auth import scope
from ...auth.principal import Principal
from ...broker import RpcPool
from ..access import DENIED, narrowed, seen
from ..deps import CaseActor, CaseReader, Pages, Paging, Rpc, TriageReader
from ..errors import registry_answer
from ..registry import find
from ...schemas import (AcknowledgeIn, AssignIn, CaseFilters, CaseOut, CasePage, ConfirmIn,
                        HistoryEntryOut, HouseholdOut, RejectIn, ReopenIn, ResolveIn, StartIn,
                        TransferIn, UpdateIn)
from ...schemas.cases import HOUSEHOLD_REF_PATTERN

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=DENIED)
CaseId = Annotated[uuid.UUID, Path(description="The case's id: the id of its report")]
PAGE = {"response_model": CasePage, "response_model_exclude_unset": True}   # no history in lists
MOVE = {"response_model": CaseOut, "responses": {
    403: {"description": "A role that moves no case, or one that may not make this move here"},
    404: {"description": "No such case, or one outside the caller's Posyandu, OPD or kabupaten"},
    409: {"description": "Not allowed from the case's status (the message lists what is)"}}}
# whose queue `cases/mine` is: the role's queue, within what the person is bound to
QUEUES = {"opd_officer": ("open", "opd_code"), "opd_head": ("open", "opd_code"),
          "kader": ("open", "posyandu_id"), "tph": ("triage", "kabupaten_code")}
STILL_OPEN = ("closed", "linked")   # routing's `open` queue leaves these out


def _cases(rpc: RpcPool, filters: CaseFilters, paging: Paging, principal: Principal) -> dict:
    return find(rpc, "find_cases", narrowed(filters, principal), paging, service="routing",
                actor=principal.actor())


def _case(rpc: RpcPool, case_id: uuid.UUID, principal: Principal) -> dict:
    """The case with its history, if the caller may see it; else 404."""
    found = registry_answer(rpc.call("routing", "get_case", str(case_id), principal.actor()))
    return seen(found, principal, scope.sees_case, f"kasus {case_id} tidak ditemukan")


def _act(rpc: RpcPool, case_id: uuid.UUID, action: str, principal: Principal, body: BaseModel) -> dict:
    _case(rpc, case_id, principal)
    details = body.model_dump(mode="json", exclude_none=True)
    answer = rpc.call("routing", "act", str(case_id), action, principal.actor(), details)
    return registry_answer(answer)["item"]


def queue_of(principal: Principal) -> CaseFilters:
    queue, bound_to = QUEUES.get(principal.role, (None, None))
    if queue is None or not getattr(principal, bound_to):
        raise HTTPException(403, detail=f"peran {principal.role} tidak memiliki antrean kasus")
    return CaseFilters(queue=queue, **{bound_to: getattr(principal, bound_to)})


@router.get("/cases", **PAGE, summary="Cases the caller may see, filtered and paginated, newest first")
def list_cases(rpc: Rpc, paging: Pages, filters: Annotated[CaseFilters, Query()], who: CaseReader):
    return _cases(rpc, filters, paging, who)


@router.get("/cases/mine", **PAGE, summary="The caller's queue",
            description="OPD officers and heads (and an OPD's API key): their OPD's open cases; "
                        "kader: their Posyandu's open cases; TPH: their kabupaten/kota's triage queue.")
def my_cases(rpc: Rpc, paging: Pages, who: CaseReader):
    return _cases(rpc, queue_of(who), paging, who)


@router.get("/cases/{case_id}", response_model=CaseOut, summary="A case with its history")
def get_case(rpc: Rpc, case_id: CaseId, who: CaseReader):
    return _case(rpc, case_id, who)


@router.get("/cases/{case_id}/history", response_model=list[HistoryEntryOut],
            summary="The audit trail of a case, oldest first")
def case_history(rpc: Rpc, case_id: CaseId, who: CaseReader):
    _case(rpc, case_id, who)
    return registry_answer(rpc.call("routing", "case_history", str(case_id), who.actor()),
                           missing=f"kasus {case_id} tidak ditemukan")


# the moves: one route each, `POST /cases/{case_id}/<action>` with its own body
MOVES = {
    "acknowledge": (AcknowledgeIn, "Acknowledge a routed or reopened case"),
    "start": (StartIn, "Start working on a case"),
    "update": (UpdateIn, "Add a progress note; the status stays"),
    "resolve": (ResolveIn, "Resolve a case, with optional evidence"),
    "reject": (RejectIn, "Reject a case to the TPH's triage"),
    "transfer": (TransferIn, "Transfer a case to another OPD of the same kabupaten/kota"),
    "assign": (AssignIn, "Assign an unroutable or rejected case to an OPD (TPH)"),
    "confirm": (ConfirmIn, "Confirm a resolved case, closing it (kader of its Posyandu)"),
    "reopen": (ReopenIn, "Reopen a resolved case at the same OPD (kader of its Posyandu)"),
}


def _add_move(action: str, body_type: type[BaseModel], summary: str) -> None:
    def make_move(rpc: Rpc, case_id: CaseId, who: CaseActor, body: body_type):  # type: ignore[valid-type]
        return _act(rpc, case_id, action, who, body)
    router.post(f"/cases/{{case_id}}/{action}", **MOVE, summary=summary, name=f"{action}_case")(make_move)


for _action, (_body, _summary) in MOVES.items():
    _add_move(_action, _body, _summary)


@router.get("/triage", **PAGE,
            summary="The triage queue of a kabupaten/kota: unroutable and rejected cases",
            description="A TPH member or an admin bound to a kabupaten/kota gets their own; a "
                        "national admin names one.")
def triage(rpc: Rpc, paging: Pages, who: TriageReader,
           kabupaten_code: Annotated[Optional[str], Query(pattern=KABUPATEN_PATTERN,
                                                          examples=["33.25"])] = None):
    filters = CaseFilters(queue="triage", kabupaten_code=who.kabupaten_code or kabupaten_code)
    if filters.kabupaten_code is None:
        raise HTTPException(422, detail=[{"loc": ["query", "kabupaten_code"], "type": "missing",
                                          "msg": "wajib diisi untuk admin nasional"}])
    return _cases(rpc, filters, paging, who)


@router.get("/households/{household_ref}/cases", response_model=HouseholdOut,
            response_model_exclude_unset=True,
            summary="Every case of one household the caller may see, by SPM area")
def household_cases(rpc: Rpc, who: CaseReader,
                    household_ref: Annotated[str, Path(pattern=HOUSEHOLD_REF_PATTERN)]):
    narrowed(CaseFilters(), who)   # 403 for whom no case is visible
    answer = registry_answer(rpc.call("routing", "household_cases", household_ref, who.actor()),
                             where="path")
    return visible_household(answer, who)


def visible_household(answer: dict, principal: Principal) -> dict:
    """The household's cases the caller may see, counted again (a national admin's as routing
    counted them)."""
    if scope.case_scope(principal) == {}:
        return answer
    by_area = {area: [case for case in cases if scope.sees_case(principal, case)]
               for area, cases in answer["by_area"].items()}
    visible = [case for cases in by_area.values() for case in cases]
    return {**answer, "by_area": {area: cases for area, cases in by_area.items() if cases},
            "total": len(visible),
            "open": sum(case["status"] not in STILL_OPEN for case in visible)}


@router.get("/visits/{visit_id}/cases", **PAGE, tags=["visits"],
            summary="The cases of one visit the caller may see, one per need")
def visit_cases(rpc: Rpc, paging: Pages, visit_id: uuid.UUID, who: CaseReader):
    return _cases(rpc, CaseFilters(visit_id=str(visit_id)), paging, who)
