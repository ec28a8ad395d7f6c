"""Reports filed at a Posyandu."""
import hashlib
import json
import re
import uuid
from typing import Annotated, Optional

from fastapi import APIRouter, Header, HTTPException, Response

from simpul_common import contracts, sealing

from ..deps import Commands, DataKey, RegistryCache, Rpc
from ..errors import invalid
from ...schemas import ReportAccepted, ReportIn, ReportOut

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def check_place(report: ReportIn, rpc: Rpc, cache: RegistryCache) -> None:
    desa = cache.get(("region", report.desa_code),
                     lambda: rpc.call("registry", "get_region", report.desa_code), remember_none=False)
    if desa is None or desa["level"] != "desa":
        raise invalid("desa_code", "desa/kelurahan tidak dikenal di registry", report.desa_code)
    posyandu = cache.get(("posyandu", report.posyandu_id),
                         lambda: rpc.call("registry", "get_posyandu", report.posyandu_id),
                         remember_none=False)
    if posyandu is None or not posyandu["active"]:
        raise invalid("posyandu_id", "Posyandu tidak dikenal atau tidak aktif", report.posyandu_id)
    if posyandu["desa_code"] != report.desa_code:
        raise invalid("posyandu_id", f"Posyandu ini tidak berada di desa {report.desa_code}",
                      report.posyandu_id)


def report_id_for(report: ReportIn, idempotency_key: Optional[str]) -> str:
    if idempotency_key is None:
        return str(uuid.uuid4())
    return contracts.stable_id("idempotency", report.posyandu_id, idempotency_key)


@router.post("", status_code=202, response_model=ReportAccepted,
             summary="File a report; 202 once it is durably queued for intake")
def submit_report(report: ReportIn, rpc: Rpc, cache: RegistryCache, commands: Commands,
                  key: DataKey, response: Response,
                  idempotency_key: Annotated[Optional[str], Header()] = None):
    if idempotency_key is not None and not _KEY.match(idempotency_key):
        raise HTTPException(422, detail=[{"loc": ["header", "Idempotency-Key"], "type": "value_error",
                                          "msg": "1–200 karakter ASCII yang terlihat"}])
    check_place(report, rpc, cache)
    report_id = report_id_for(report, idempotency_key)
    private = {"description": report.description,
               "citizen": report.citizen.model_dump(mode="json", exclude_none=True)
               if report.citizen else None}
    canonical = json.dumps(report.model_dump(mode="json"), sort_keys=True)
    command = contracts.SubmitReport(
        report_id=report_id, kind=report.kind, service_type=report.service_type,
        desa_code=report.desa_code, posyandu_id=report.posyandu_id,
        sealed=sealing.seal(key, private, report_id),
        body_hash=sealing.keyed_hash(key, "body", canonical),
        submitted_at=contracts.utc_now(),
        idempotency_key_hash=hashlib.sha256(idempotency_key.encode()).hexdigest()
        if idempotency_key else None)
    commands.send(command.envelope(contracts.stable_id(report_id, command.type)))
    response.headers["Location"] = f"/api/v1/reports/{report_id}"
    return ReportAccepted(id=report_id, status="accepted")


@router.get("/{report_id}", response_model=ReportOut, summary="A report, its case and its history")
def get_report(report_id: uuid.UUID, rpc: Rpc):
    found = rpc.call("intake", "get_report", str(report_id))
    if found is None:
        raise HTTPException(404, detail="laporan tidak ditemukan (atau belum selesai diterima)")
    return found
