"""The audit log (docs/security.md, "Audit"): each service keeps its own — the registry its
administrative changes, intake every read, export and erasure of a citizen's personal data,
notification its operations and secret reads. National admins only: an entry names people and
objects of every kabupaten/kota."""
from typing import Annotated

from fastapi import APIRouter, Query

from ..access import DENIED, within
from ..deps import Admin, Pages, Rpc
from ..errors import registry_answer
from ...schemas.audit import AuditFilters, AuditPage

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=DENIED)


@router.get("", response_model=AuditPage, summary="One service's audit log, newest first",
            description="`service` picks whose log: `registry` (administrative changes), "
                        "`intake` (reads, exports and erasures of citizens' personal data) or "
                        "`notification` (retries, paused channels, webhook secrets read).")
def audit_log(rpc: Rpc, paging: Pages, filters: Annotated[AuditFilters, Query()], who: Admin):
    within(who, None)   # a national admin's
    answer = rpc.call(filters.service, "audit_log", filters.sent(), paging.page, paging.per_page)
    return registry_answer(answer, where="query")
