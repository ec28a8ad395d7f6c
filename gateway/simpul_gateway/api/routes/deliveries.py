"""Operations on notification's deliveries (docs/notifications.md, "Operations"): the delivery
log with its parked dead letters, retries, and the pause switch of each channel of an OPD.
An OPD is named by its two path parts, as in `/api/v1/opds/{kabupaten}/{short_code}`.
Admins only; one bound to a kabupaten/kota sees and retries only its deliveries."""
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from ...auth.principal import Principal
from ...broker import RpcPool
from ..access import DENIED, within
from ..deps import Admin, Pages, Rpc
from ..errors import registry_answer
from ..registry import find, look_up
from ...schemas import (ChannelStateOut, DeliveryFilters, DeliveryOut, DeliveryPage,
                        RetryParkedIn, WebhookSecretOut)
from ...schemas.notifications import ChannelName
from .opds import Kabupaten, ShortCode

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=DENIED)
NotificationId = Annotated[uuid.UUID, Path(description="The delivery's notification id")]
Channel = Annotated[ChannelName, Path(description="One channel type of the OPD")]
OPD_MISSING = {404: {"description": "No such OPD"}}
SWITCH = {"response_model": ChannelStateOut, "responses": {
    **OPD_MISSING, 422: {"description": "Unknown channel"}}}


def _notification(rpc: RpcPool, method: str, *args, where: str = "body", **kwargs):
    return registry_answer(rpc.call("notification", method, *args, **kwargs), where=where)


def _own(filters: BaseModel, who: Principal) -> BaseModel:
    """The filters, within the admin's kabupaten/kota when they are bound to one."""
    if not who.kabupaten_code:
        return filters
    return filters.model_copy(update={"kabupaten_code": who.kabupaten_code})


def _known_opd(rpc: RpcPool, who: Principal, kabupaten: str, short_code: str) -> str:
    """The OPD's code, once the registry knows it (else 404) and the admin may keep it."""
    within(who, kabupaten)
    code = f"{kabupaten}/{short_code}"
    look_up(rpc, "get_opd", code, f"OPD {code} tidak ditemukan")
    return code


@router.get("/deliveries", response_model=DeliveryPage,
            summary="Deliveries, filtered and paginated (`status=parked`: the dead letters)")
def list_deliveries(rpc: Rpc, paging: Pages, filters: Annotated[DeliveryFilters, Query()], who: Admin):
    return find(rpc, "find_deliveries", _own(filters, who), paging, service="notification")


@router.post("/deliveries/retry-parked", summary="Retry every parked delivery the filters match",
             description="They go back in line at once and are sent within a second.")
def retry_parked(rpc: Rpc, body: RetryParkedIn, who: Admin) -> dict[str, int]:
    return _notification(rpc, "retry_parked", _own(body, who).model_dump(mode="json", exclude_none=True),
                         actor=who.actor())


@router.post("/deliveries/{notification_id}/retry", response_model=DeliveryOut,
             summary="Retry one parked delivery now",
             description="A national admin's; an admin bound to a kabupaten/kota retries its "
                         "parked deliveries with `retry-parked`.", responses={
                 404: {"description": "No such delivery"},
                 409: {"description": "The delivery is not parked"}})
def retry_delivery(rpc: Rpc, notification_id: NotificationId, who: Admin):
    within(who, None)
    return _notification(rpc, "retry_delivery", str(notification_id), actor=who.actor())["item"]


@router.get("/opds/{kabupaten}/{short_code}/channels", response_model=list[ChannelStateOut],
            responses=OPD_MISSING, summary="Pause states of an OPD's channels",
            description="Only channels ever paused or resumed are listed; the others are active.")
def channel_states(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, who: Admin):
    return _notification(rpc, "channel_states", _known_opd(rpc, who, kabupaten, short_code))


def _switch(rpc: RpcPool, who: Principal, kabupaten: str, short_code: str, channel: str,
            paused: bool) -> dict:
    code = _known_opd(rpc, who, kabupaten, short_code)
    return _notification(rpc, "pause_channel", code, channel, paused, who.id, where="path",
                         actor=who.actor())["item"]


@router.post("/opds/{kabupaten}/{short_code}/channels/{channel}/pause", **SWITCH,
             summary="Pause one channel of an OPD: its deliveries wait, pending")
def pause_channel(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, channel: Channel, who: Admin):
    return _switch(rpc, who, kabupaten, short_code, channel, True)


@router.post("/opds/{kabupaten}/{short_code}/channels/{channel}/resume", **SWITCH,
             summary="Resume one channel of an OPD: what waited is sent")
def resume_channel(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, channel: Channel, who: Admin):
    return _switch(rpc, who, kabupaten, short_code, channel, False)


@router.get("/opds/{kabupaten}/{short_code}/webhook-secret", response_model=WebhookSecretOut,
            responses=OPD_MISSING, summary="The secret an OPD checks its webhook signatures with")
def webhook_secret(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, who: Admin):
    return _notification(rpc, "webhook_secret", _known_opd(rpc, who, kabupaten, short_code),
                         actor=who.actor())
