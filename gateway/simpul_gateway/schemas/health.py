"""Liveness of the gateway's dependencies."""
from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    broker: bool
    storage: bool
    services: dict[str, bool]
