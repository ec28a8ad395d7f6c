"""The kader's inbox: the status changes of the reports their Posyandu filed, newest first
(docs/notifications.md). The kader names themselves with `X-Person-Id` until issue 7."""
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from ..deps import Acting, Pages, Rpc
from ..errors import registry_answer
from ...schemas import InboxPage, MarkReadIn

router = APIRouter(prefix="/api/v1/inbox", tags=["inbox"])
WHO = {401: {"description": "No `X-Person-Id` header"},
       403: {"description": "Unknown or inactive person, or not a kader"}}


def posyandu_of(actor: dict) -> str:
    if actor["role"] != "kader" or not actor.get("posyandu_id"):
        raise HTTPException(403, detail="hanya kader yang memiliki kotak masuk")
    return actor["posyandu_id"]


@router.get("", response_model=InboxPage, responses=WHO, summary="The kader's inbox, newest first")
def inbox(rpc: Rpc, paging: Pages, actor: Acting,
          unread_only: Annotated[bool, Query(description="Only the unread items")] = False):
    answer = rpc.call("notification", "inbox", posyandu_of(actor), unread_only, paging.page,
                      paging.per_page)
    return registry_answer(answer, where="query")


@router.post("/read", responses=WHO, summary="Mark items of the kader's inbox read",
             description="Ids of other Posyandu's items, or already read, are left as they are.")
def mark_read(rpc: Rpc, actor: Acting, body: MarkReadIn) -> dict[str, int]:
    return registry_answer(rpc.call("notification", "mark_read", posyandu_of(actor), body.ids))
