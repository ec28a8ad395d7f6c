"""The kader's inbox: the status changes of the reports their Posyandu filed, newest first
(docs/notifications.md). Only a kader has one."""
from typing import Annotated

from fastapi import APIRouter, Query

from ..access import DENIED
from ..deps import Kader, Pages, Rpc
from ..errors import registry_answer
from ...schemas import InboxPage, MarkReadIn

router = APIRouter(prefix="/api/v1/inbox", tags=["inbox"], responses=DENIED)


@router.get("", response_model=InboxPage, summary="The kader's inbox, newest first")
def inbox(rpc: Rpc, paging: Pages, who: Kader,
          unread_only: Annotated[bool, Query(description="Only the unread items")] = False):
    answer = rpc.call("notification", "inbox", who.posyandu_id, unread_only, paging.page,
                      paging.per_page, actor=who.actor())
    return registry_answer(answer, where="query")


@router.post("/read", summary="Mark items of the kader's inbox read",
             description="Ids of other Posyandu's items, or already read, are left as they are.")
def mark_read(rpc: Rpc, who: Kader, body: MarkReadIn) -> dict[str, int]:
    return registry_answer(rpc.call("notification", "mark_read", who.posyandu_id, body.ids,
                                    actor=who.actor()))
