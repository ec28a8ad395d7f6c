"""A citizen's rights over their personal data (docs/privacy.md): an admin exports every report
about a citizen, or erases their personal data, on the citizen's request. The citizen is named
by NIK in the body; intake finds their reports by its keyed hash, answers only those within the
admin's kabupaten/kota, and audits both."""
from fastapi import APIRouter

from ..access import DENIED
from ..deps import Admin, DataKey, Rpc
from ..errors import registry_answer
from ..personal import masked_nik, opened
from ..submission import citizen_ref
from ...schemas.privacy import CitizenErasure, CitizenExport, CitizenRequest, ErasureRequest

router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"], responses=DENIED)


@router.post("/export", response_model=CitizenExport,
             summary="Every report about a citizen, in full (UU PDP right of access)")
def export_citizen(body: CitizenRequest, rpc: Rpc, key: DataKey, who: Admin):
    found = registry_answer(rpc.call("intake", "citizen_reports", citizen_ref(key, body.nik),
                                     who.actor()))
    return {"nik_masked": masked_nik(body.nik), "total": found["total"],
            "reports": [opened(report, key) for report in found["items"]]}


@router.post("/erase", response_model=CitizenErasure,
             summary="Erase a citizen's personal data from every report (UU PDP right of erasure)",
             description="Open and closed reports alike lose their description and citizen; "
                         "status, place, service type and history stay, so the SPM counts do.")
def erase_citizen(body: ErasureRequest, rpc: Rpc, key: DataKey, who: Admin):
    return registry_answer(rpc.call("intake", "erase_citizen", citizen_ref(key, body.nik),
                                    who.actor(), body.reason))
