"""The registry's RPC calls (docs/registry-rpc.md) as the admin routes make them: every answer
goes through `registry_answer`, so an error result becomes the same HTTP error everywhere.
Routing answers in the same shape (docs/routing-rpc.md), so its lists page the same way."""
from fastapi import Response
from pydantic import BaseModel

from ..broker import RpcPool
from .deps import Paging
from .errors import registry_answer

LARGEST_PAGE = 200


def find(rpc: RpcPool, method: str, filters: BaseModel, paging: Paging,
         service: str = "registry", actor: dict | None = None) -> dict:
    """A page of a list; only the filters the client gave are passed on (and the caller's
    `actor`, to services that check it again)."""
    given = filters.model_dump(mode="json", exclude_none=True)
    answer = rpc.call(service, method, given, paging.page, paging.per_page,
                      **({"actor": actor} if actor is not None else {}))
    return registry_answer(answer, where="query")


def found_in(rpc: RpcPool, method: str, filters: dict, item_id: str, most_pages: int = 50):
    """The item `item_id` among the pages of a list (for what has no look-up of its own), or
    None."""
    for page in range(1, most_pages + 1):
        answer = registry_answer(rpc.call("registry", method, filters, page, LARGEST_PAGE))
        match = next((item for item in answer["items"] if item["id"] == item_id), None)
        if match is not None or page * LARGEST_PAGE >= answer["total"]:
            return match
    return None


def look_up(rpc: RpcPool, method: str, key: str, missing: str) -> dict:
    return registry_answer(rpc.call("registry", method, key), missing=missing)


def write(rpc: RpcPool, method: str, *args, actor: dict) -> dict:
    """The item as the registry stored it; the registry audits the change with `actor`."""
    return registry_answer(rpc.call("registry", method, *args, actor=actor))["item"]


def created(response: Response, item: dict, collection: str) -> dict:
    response.headers["Location"] = f"/api/v1/{collection}/{item['id']}"
    return item
