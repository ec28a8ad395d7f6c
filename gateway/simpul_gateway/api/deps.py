"""Dependencies of the routes, as `Annotated` aliases."""
from typing import Annotated

from fastapi import Depends, Request
from pymongo import MongoClient

from ..broker import CommandSender, RpcPool
from simpul_common.cache import TtlCache
from ..settings import Settings


def _state(name):
    def get(request: Request):
        return getattr(request.app.state, name)
    return Depends(get)


Rpc = Annotated[RpcPool, _state("rpc")]
Commands = Annotated[CommandSender, _state("commands")]
RegistryCache = Annotated[TtlCache, _state("registry_cache")]
AppSettings = Annotated[Settings, _state("settings")]
DataKey = Annotated[bytes, _state("data_key")]
Storage = Annotated[MongoClient, _state("storage")]   # only to ping it: the gateway owns no data
