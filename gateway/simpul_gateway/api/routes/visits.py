"""Visits: one citizen at a Posyandu with several needs, each filed as a report of its own."""
import uuid
from typing import Optional

from fastapi import APIRouter, Response

from simpul_common import contracts

from ..access import DENIED
from ..deps import Commands, DataKey, Filer, Limits, RegistryCache, Rpc
from ..submission import (IdempotencyKey, body_hash, check_filer, check_place, checked_key,
                          household_ref, submit)
from ...schemas import VisitAccepted, VisitIn

router = APIRouter(prefix="/api/v1/visits", tags=["visits"], responses=DENIED)


def visit_id_for(visit: VisitIn, idempotency_key: Optional[str]) -> str:
    if idempotency_key is None:
        return str(uuid.uuid4())
    return contracts.stable_id("idempotency-visit", visit.posyandu_id, idempotency_key)


def need_report_id(visit_id: str, position: int) -> str:
    return contracts.stable_id(visit_id, "need", str(position))


@router.post("", status_code=202, response_model=VisitAccepted,
             summary="Record a visit with several needs; 202 once every report is durably queued",
             description="Each need becomes a report (and a case at its own OPD) sharing the "
                         "visit's id and, with `citizen.household_id`, the household's reference. "
                         "A 503 may leave some needs filed: send an `Idempotency-Key` and retry "
                         "with it, so none is filed twice.")
def record_visit(visit: VisitIn, rpc: Rpc, cache: RegistryCache, commands: Commands,
                 key: DataKey, response: Response, who: Filer, limits: Limits,
                 idempotency_key: IdempotencyKey = None):
    checked_key(idempotency_key)
    check_filer(who, visit.desa_code, visit.posyandu_id)
    check_place(visit.desa_code, visit.posyandu_id, rpc, cache)
    limits.filing(visit.posyandu_id, len(visit.needs))   # all needs or none
    visit_id = visit_id_for(visit, idempotency_key)
    household, hashed_body = household_ref(key, visit.citizen), body_hash(key, visit)
    reports = []
    for position, need in enumerate(visit.needs):
        report_id = need_report_id(visit_id, position)
        submit(commands, key, report_id, kind=need.kind, service_type=need.service_type,
               desa_code=visit.desa_code, posyandu_id=visit.posyandu_id,
               description=need.description, citizen=visit.citizen, hashed_body=hashed_body,
               idempotency_key=idempotency_key, visit_id=visit_id, household=household)
        reports.append({"id": report_id, "service_type": need.service_type, "status": "accepted"})
    response.headers["Location"] = f"/api/v1/visits/{visit_id}/cases"
    return {"visit_id": visit_id, "household_ref": household, "reports": reports}
