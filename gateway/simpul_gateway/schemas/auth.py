"""Signing in: the token answer of the OAuth2 password flow, and who a caller is."""
from typing import Literal, Optional

from pydantic import BaseModel, Field


class TokenOut(BaseModel):
    access_token: str = Field(..., description="A JWT; send it as `Authorization: Bearer …`")
    token_type: Literal["bearer"]
    expires_in: int = Field(..., description="Seconds the token is valid", examples=[900])
    role: str = Field(..., examples=["kader"])
    person_id: str


class PrincipalOut(BaseModel):
    kind: Literal["person", "api_key"]
    id: str = Field(..., description="The person's id, or `apikey:<key id>`")
    role: str = Field(..., description="An API key acts as `opd_officer` of its OPD")
    name: str
    opd_code: Optional[str] = None
    posyandu_id: Optional[str] = None
    kabupaten_code: Optional[str] = None
    scopes: list[str] = Field(..., description="An API key's scopes; empty for a person")
