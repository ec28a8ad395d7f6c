"""Reports filed at a Posyandu: by its kader (or an admin); read by whoever follows them up
(docs/security.md): the kader of the Posyandu, the OPD it went to, the TPH of its kabupaten/kota."""
import uuid
from typing import Optional

from fastapi import APIRouter, Response

from simpul_common import contracts

from ...auth import scope
from ..access import DENIED, seen
from ..deps import Commands, DataKey, Filer, Limits, RegistryCache, ReportReader, Rpc
from ..personal import opened
from ..submission import (IdempotencyKey, body_hash, check_filer, check_place, checked_key,
                          household_ref, submit)
from ...schemas import ReportAccepted, ReportIn, ReportOut

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=DENIED)


def report_id_for(report: ReportIn, idempotency_key: Optional[str]) -> str:
    if idempotency_key is None:
        return str(uuid.uuid4())
    return contracts.stable_id("idempotency", report.posyandu_id, idempotency_key)


@router.post("", status_code=202, response_model=ReportAccepted,
             summary="File a report; 202 once it is durably queued for intake")
def submit_report(report: ReportIn, rpc: Rpc, cache: RegistryCache, commands: Commands,
                  key: DataKey, response: Response, who: Filer, limits: Limits,
                  idempotency_key: IdempotencyKey = None):
    checked_key(idempotency_key)
    check_filer(who, report.desa_code, report.posyandu_id)
    check_place(report.desa_code, report.posyandu_id, rpc, cache)
    limits.filing(report.posyandu_id)
    report_id = report_id_for(report, idempotency_key)
    submit(commands, key, report_id, kind=report.kind, service_type=report.service_type,
           desa_code=report.desa_code, posyandu_id=report.posyandu_id,
           description=report.description, citizen=report.citizen,
           hashed_body=body_hash(key, report), idempotency_key=idempotency_key,
           household=household_ref(key, report.citizen))
    response.headers["Location"] = f"/api/v1/reports/{report_id}"
    return ReportAccepted(id=report_id, status="accepted")


@router.get("/{report_id}", response_model=ReportOut, summary="A report, its case and its history",
            responses={404: {"description": "No such report (yet), or one the caller may not see"}})
def get_report(report_id: uuid.UUID, rpc: Rpc, key: DataKey, who: ReportReader):
    found = seen(rpc.call("intake", "get_report", str(report_id), who.actor()), who,
                 scope.sees_report, "laporan tidak ditemukan (atau belum selesai diterima)")
    return opened(found, key)   # the full citizen, for the kader and the OPD (docs/privacy.md)
