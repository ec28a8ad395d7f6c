"""Dependencies of the routes, as `Annotated` aliases."""
from dataclasses import dataclass
from typing import Annotated, Optional

from fastapi import Depends, Header, Query, Request
from pymongo import MongoClient

from ..broker import CommandSender, RpcPool
from simpul_common.cache import TtlCache
from ..settings import Settings
from . import actor
from .upload import csv_text


def _state(name):
    def get(request: Request):
        return getattr(request.app.state, name)
    return Depends(get)


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


def _paging(page: Annotated[int, Query(ge=1, description="Page number, from 1")] = 1,
            per_page: Annotated[int, Query(ge=1, le=200, description="Items per page")] = 50) -> Paging:
    return Paging(page, per_page)


Rpc = Annotated[RpcPool, _state("rpc")]
Commands = Annotated[CommandSender, _state("commands")]
RegistryCache = Annotated[TtlCache, _state("registry_cache")]
AppSettings = Annotated[Settings, _state("settings")]
DataKey = Annotated[bytes, _state("data_key")]
Storage = Annotated[MongoClient, _state("storage")]   # only to ping it: the gateway owns no data
Pages = Annotated[Paging, Depends(_paging)]
CsvText = Annotated[str, Depends(csv_text)]   # the uploaded CSV file, decoded


def _acting(rpc: Rpc, cache: RegistryCache,
            person_id: Annotated[Optional[str], Header(alias=actor.HEADER, max_length=64,
                                                       description=actor.INTERIM)] = None) -> dict:
    return actor.acting(rpc, cache, person_id)


Acting = Annotated[dict, Depends(_acting)]   # routing's actor: who makes a move on a case
