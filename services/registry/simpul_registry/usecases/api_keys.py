"""API keys of machine clients: create (the whole key is answered once), verify, list, revoke."""
from simpul_common import contracts

from ..domain import api_keys, credentials
from ..domain.checks import Rejected
from ..repository import public
from .common import filters_query, paging, rejections_as_results, saved, stored


@rejections_as_results
def create_api_key(repo, announce, data: dict) -> dict:
    document, key = api_keys.new(data, lambda code: repo.get("opds", code), contracts.utc_now())
    return {**saved(repo, announce, "api_keys", "api_key", document, replace=False), "key": key}


def verify_api_key(repo, key):
    """The key's public view if it exists, matches and is not revoked; else None."""
    key_id = credentials.parse_key(key)
    document = repo.api_key_with_hash(key_id) if key_id else None
    return public(document) if api_keys.valid(document, key) else None


@rejections_as_results
def find_api_keys(repo, filters: dict, page=1, per_page=50) -> dict:
    revoked = filters.get("revoked")
    if revoked is not None and not isinstance(revoked, bool):
        raise Rejected(422, [{"field": "revoked", "message": "harus ya/tidak (true/false)"}])
    query = filters_query(filters, ("opd_code", "kabupaten_code"), text=("name",))
    if revoked is not None:
        query["revoked_at"] = {"$ne": None} if revoked else None
    return repo.page("api_keys", query, *paging(page, per_page), sort=("created_at", "_id"))


@rejections_as_results
def revoke_api_key(repo, announce, key_id: str) -> dict:
    """Revoking twice keeps the first time."""
    current = stored(repo, "api_keys", key_id, "kunci API")
    if current["revoked_at"] is not None:
        return {"item": current}
    revoked_at = contracts.utc_now()
    repo.set_fields("api_keys", key_id, {"revoked_at": revoked_at})
    announce("api_key", current["kabupaten_code"], [key_id])
    return {"item": {**current, "revoked_at": revoked_at}}
