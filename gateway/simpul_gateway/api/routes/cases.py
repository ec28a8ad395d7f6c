"""Cases: one per report, followed by routing through its lifecycle (docs/routing-rpc.md).
Anyone may read them; a move names who makes it (`X-Person-Id`, until issue 7) and routing
decides whether that person may make it on that case."""
import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from simpul_common.regions import KABUPATEN_PATTERN

from ...broker import RpcPool
from ..deps import Acting, Pages, Paging, Rpc
from ..errors import registry_answer
from ..registry import find
from ...schemas import (AcknowledgeIn, AssignIn, CaseFilters, CaseOut, CasePage, ConfirmIn,
                        HistoryEntryOut, HouseholdOut, RejectIn, ReopenIn, ResolveIn, StartIn,
                        TransferIn, UpdateIn)
from ...schemas.cases import HOUSEHOLD_REF_PATTERN

router = APIRouter(prefix="/api/v1", tags=["cases"])
CaseId = Annotated[uuid.UUID, Path(description="The case's id: the id of its report")]
PAGE = {"response_model": CasePage, "response_model_exclude_unset": True}   # no history in lists
MOVE = {"response_model": CaseOut, "responses": {
    401: {"description": "No `X-Person-Id` header"},
    403: {"description": "Unknown or inactive person, or one who may not make this move here"},
    404: {"description": "No such case"},
    409: {"description": "Not allowed from the case's status (the message lists what is)"}}}
# whose queue `cases/mine` is: the role's queue, within what the person is bound to
QUEUES = {"opd_officer": ("open", "opd_code"), "opd_head": ("open", "opd_code"),
          "kader": ("open", "posyandu_id"), "tph": ("triage", "kabupaten_code")}


def _cases(rpc: RpcPool, filters: CaseFilters, paging: Paging) -> dict:
    return find(rpc, "find_cases", filters, paging, service="routing")


def _case(rpc: RpcPool, method: str, case_id: uuid.UUID):
    return registry_answer(rpc.call("routing", method, str(case_id)),
                           missing=f"kasus {case_id} tidak ditemukan")


def _act(rpc: RpcPool, case_id: uuid.UUID, action: str, actor: dict, body: BaseModel) -> dict:
    details = body.model_dump(mode="json", exclude_none=True)
    return registry_answer(rpc.call("routing", "act", str(case_id), action, actor, details))["item"]


def queue_of(actor: dict) -> CaseFilters:
    queue, bound_to = QUEUES.get(actor["role"], (None, None))
    if queue is None or not actor.get(bound_to):
        raise HTTPException(403, detail=f"peran {actor['role']} tidak memiliki antrean kasus")
    return CaseFilters(queue=queue, **{bound_to: actor[bound_to]})


@router.get("/cases", **PAGE, summary="Cases, filtered and paginated, newest first")
def list_cases(rpc: Rpc, paging: Pages, filters: Annotated[CaseFilters, Query()]):
    return _cases(rpc, filters, paging)


@router.get("/cases/mine", **PAGE, summary="The acting person's queue",
            description="OPD officers and heads: their OPD's open cases; kader: their Posyandu's "
                        "open cases; TPH: their kabupaten/kota's triage queue.")
def my_cases(rpc: Rpc, paging: Pages, actor: Acting):
    return _cases(rpc, queue_of(actor), paging)


@router.get("/cases/{case_id}", response_model=CaseOut, summary="A case with its history")
def get_case(rpc: Rpc, case_id: CaseId):
    return _case(rpc, "get_case", case_id)


@router.get("/cases/{case_id}/history", response_model=list[HistoryEntryOut],
            summary="The audit trail of a case, oldest first")
def case_history(rpc: Rpc, case_id: CaseId):
    return _case(rpc, "case_history", case_id)


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
    def make_move(rpc: Rpc, case_id: CaseId, actor: Acting, body: body_type):  # type: ignore[valid-type]
        return _act(rpc, case_id, action, actor, body)
    router.post(f"/cases/{{case_id}}/{action}", **MOVE, summary=summary, name=f"{action}_case")(make_move)


for _action, (_body, _summary) in MOVES.items():
    _add_move(_action, _body, _summary)


@router.get("/triage", **PAGE,
            summary="The TPH's triage queue of a kabupaten/kota: unroutable and rejected cases")
def triage(rpc: Rpc, paging: Pages,
           kabupaten_code: Annotated[str, Query(pattern=KABUPATEN_PATTERN, examples=["33.25"])]):
    return _cases(rpc, CaseFilters(queue="triage", kabupaten_code=kabupaten_code), paging)


@router.get("/households/{household_ref}/cases", response_model=HouseholdOut,
            response_model_exclude_unset=True,
            summary="Every case of one household, by SPM area")
def household_cases(rpc: Rpc, household_ref: Annotated[str, Path(pattern=HOUSEHOLD_REF_PATTERN)]):
    return registry_answer(rpc.call("routing", "household_cases", household_ref), where="path")


@router.get("/visits/{visit_id}/cases", **PAGE, tags=["visits"],
            summary="The cases of one visit, one per need")
def visit_cases(rpc: Rpc, paging: Pages, visit_id: uuid.UUID):
    return _cases(rpc, CaseFilters(visit_id=str(visit_id)), paging)
