"""API keys of an OPD's own system (docs/security.md): created, listed and revoked by an
admin (one bound to a kabupaten/kota: only its OPD's keys). The whole key is answered once."""
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from ..access import DENIED, within
from ..deps import Admin, Pages, Principals, Rpc
from ..errors import registry_answer
from ..registry import find, found_in, write
from ...schemas import Page
from ...schemas.api_keys import ApiKey, ApiKeyCreated, ApiKeyFilters, ApiKeyIn

router = APIRouter(prefix="/api/v1/api-keys", tags=["api-keys"], responses=DENIED)
KeyId = Annotated[str, Path(min_length=1, max_length=64, examples=["3f2a9c0d1e4b"])]


@router.post("", status_code=201, response_model=ApiKeyCreated,
             summary="Create an API key for one OPD; the whole key is shown only in this answer")
def create_api_key(rpc: Rpc, body: ApiKeyIn, who: Admin):
    within(who, body.opd_code[:5])
    return registry_answer(rpc.call("registry", "create_api_key", body.sent(), actor=who.actor()))


@router.get("", response_model=Page[ApiKey], summary="API keys, filtered and paginated")
def list_api_keys(rpc: Rpc, paging: Pages, filters: Annotated[ApiKeyFilters, Query()], who: Admin):
    if who.kabupaten_code:
        filters = filters.model_copy(update={"kabupaten_code": who.kabupaten_code})
    return find(rpc, "find_api_keys", filters, paging)


@router.post("/{key_id}/revoke", response_model=ApiKey, responses={404: {"description": "No such key"}},
             summary="Revoke an API key: it stops working at once")
def revoke_api_key(rpc: Rpc, principals: Principals, key_id: KeyId, who: Admin):
    if who.kabupaten_code and not found_in(rpc, "find_api_keys",
                                           {"kabupaten_code": who.kabupaten_code}, key_id):
        raise HTTPException(404, detail=f"kunci API {key_id} tidak ada di kabupaten/kota "
                                        f"{who.kabupaten_code}")
    key = write(rpc, "revoke_api_key", key_id, actor=who.actor())
    principals.forget()   # cached by the key's hash, which only the client knows: drop them all
    return key
