"""API keys of machine clients (docs/security.md): each bound to one OPD and scoped; the whole
key is answered once, at creation, and never again."""
from typing import Literal, Optional

from pydantic import BaseModel, Field

from .base import Sent
from .fields import KabupatenCode, OpdCode

Scope = Literal["cases:read", "cases:act"]


class ApiKey(BaseModel):
    id: str = Field(..., examples=["3f2a9c0d1e4b"])
    name: str = Field(..., examples=["SIK Dinas Kesehatan Batang"])
    opd_code: str = Field(..., examples=["33.25/dinkes"])
    kabupaten_code: str = Field(..., examples=["33.25"])
    scopes: list[Scope]
    created_at: str
    revoked_at: Optional[str] = Field(None, description="Null while the key works")


class ApiKeyIn(Sent):
    name: str = Field(..., min_length=3, max_length=120, examples=["SIK Dinas Kesehatan Batang"])
    opd_code: OpdCode
    scopes: list[Scope] = Field(..., min_length=1, max_length=2, description=(
        "`cases:read` reads the OPD's cases, `cases:act` moves them as an officer of the OPD"))


class ApiKeyCreated(BaseModel):
    item: ApiKey
    key: str = Field(..., description="`sk_<key id>_<secret>`, sent as `X-API-Key`; shown only now")


class ApiKeyFilters(BaseModel):
    opd_code: Optional[OpdCode] = None
    kabupaten_code: Optional[KabupatenCode] = None
    revoked: Optional[bool] = None
