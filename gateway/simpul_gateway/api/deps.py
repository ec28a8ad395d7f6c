"""Dependencies of the routes, as `Annotated` aliases: the app's links and settings, paging,
and who may call what (docs/security.md, "Authorization"), in one table."""
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from pymongo import MongoClient

from ..auth.principal import Principal
from ..broker import CommandSender, RpcPool
from simpul_common.cache import TtlCache
from ..settings import Settings
from .access import CASE_ROLES, require
from .ratelimit import RateLimits
from .security import authenticated
from .upload import csv_text


def _state(name):
    def get(request: Request):
        return getattr(request.app.state, name)
    return Depends(get)


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


MAX_PAGE = 100_000   # deeper than any list goes; unbounded, a huge page overflowed a store's skip


def _paging(page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1")] = 1,
            per_page: Annotated[int, Query(ge=1, le=200, description="Items per page")] = 50) -> Paging:
    return Paging(page, per_page)


Rpc = Annotated[RpcPool, _state("rpc")]
Commands = Annotated[CommandSender, _state("commands")]
RegistryCache = Annotated[TtlCache, _state("registry_cache")]
Principals = Annotated[TtlCache, _state("principals")]   # who a token or key is, kept briefly
AppSettings = Annotated[Settings, _state("settings")]
DataKey = Annotated[bytes, _state("data_key")]
Storage = Annotated[MongoClient, _state("storage")]   # only to ping it: the gateway owns no data
Pages = Annotated[Paging, Depends(_paging)]
CsvText = Annotated[str, Depends(csv_text)]   # the uploaded CSV file, decoded
Limits = Annotated[RateLimits, _state("rate_limits")]   # filing per Posyandu (ratelimit.py)

# --- who may call what: the principal of the request, admitted by its role ----------------------
Caller = Annotated[Principal, Depends(authenticated)]   # anyone signed in: master data, reporting
Admin = Annotated[Principal, require("admin")]           # registry writes, people, keys, deliveries
Filer = Annotated[Principal, require("kader", "admin")]  # reports and visits (kader: own Posyandu)
ReportReader = Annotated[Principal, require(*CASE_ROLES)]   # a report, within the caller's scope
CaseReader = Annotated[Principal, require(*CASE_ROLES, key_scope="cases:read")]
CaseActor = Annotated[Principal, require(*CASE_ROLES, key_scope="cases:act")]
TriageReader = Annotated[Principal, require("tph", "admin")]
Kader = Annotated[Principal, require("kader")]           # the inbox
# the dashboard: any signed-in visitor (`security.dashboard_visitor`, on its whole router);
# public: /healthz, /metrics, /docs, /openapi.json, /api/v1/auth/token, /dashboard/masuk, and
# /open311/v2 (its reads; its POST takes the form's `api_key`: open311/filing.py)
