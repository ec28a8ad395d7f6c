"""Operations on notification's deliveries (docs/notifications.md, "Operations"): the delivery
log with its parked dead letters, retries, and the pause switch of each channel of an OPD.
An OPD is named by its two path parts, as in `/api/v1/opds/{kabupaten}/{short_code}`.
Open to anyone until the admin role arrives (issue 7)."""
import uuid
from typing import Annotated, Optional

from fastapi import APIRouter, Header, Path, Query

from ...broker import RpcPool
from ..actor import HEADER
from ..deps import Pages, Rpc
from ..errors import registry_answer
from ..registry import find, look_up
from ...schemas import (ChannelStateOut, DeliveryFilters, DeliveryOut, DeliveryPage,
                        RetryParkedIn, WebhookSecretOut)
from ...schemas.notifications import ChannelName
from .opds import Kabupaten, ShortCode

router = APIRouter(prefix="/api/v1", tags=["notifications"])
NotificationId = Annotated[uuid.UUID, Path(description="The delivery's notification id")]
Channel = Annotated[ChannelName, Path(description="One channel type of the OPD")]
OPD_MISSING = {404: {"description": "No such OPD"}}
SWITCH = {"response_model": ChannelStateOut, "responses": {
    **OPD_MISSING, 422: {"description": "Unknown channel"}}}


def _notification(rpc: RpcPool, method: str, *args, where: str = "body"):
    return registry_answer(rpc.call("notification", method, *args), where=where)


def _known_opd(rpc: RpcPool, kabupaten: str, short_code: str) -> str:
    """The OPD's code, once the registry knows it (else 404)."""
    code = f"{kabupaten}/{short_code}"
    look_up(rpc, "get_opd", code, f"OPD {code} tidak ditemukan")
    return code


@router.get("/deliveries", response_model=DeliveryPage,
            summary="Deliveries, filtered and paginated (`status=parked`: the dead letters)")
def list_deliveries(rpc: Rpc, paging: Pages, filters: Annotated[DeliveryFilters, Query()]):
    return find(rpc, "find_deliveries", filters, paging, service="notification")


@router.post("/deliveries/retry-parked", summary="Retry every parked delivery the filters match",
             description="They go back in line at once and are sent within a second.")
def retry_parked(rpc: Rpc, body: RetryParkedIn) -> dict[str, int]:
    return _notification(rpc, "retry_parked", body.model_dump(mode="json", exclude_none=True))


@router.post("/deliveries/{notification_id}/retry", response_model=DeliveryOut,
             summary="Retry one parked delivery now", responses={
                 404: {"description": "No such delivery"},
                 409: {"description": "The delivery is not parked"}})
def retry_delivery(rpc: Rpc, notification_id: NotificationId):
    return _notification(rpc, "retry_delivery", str(notification_id))["item"]


@router.get("/opds/{kabupaten}/{short_code}/channels", response_model=list[ChannelStateOut],
            responses=OPD_MISSING, summary="Pause states of an OPD's channels",
            description="Only channels ever paused or resumed are listed; the others are active.")
def channel_states(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode):
    return _notification(rpc, "channel_states", _known_opd(rpc, kabupaten, short_code))


def _switch(rpc: RpcPool, kabupaten: str, short_code: str, channel: str, paused: bool,
            by: Optional[str]) -> dict:
    code = _known_opd(rpc, kabupaten, short_code)
    return _notification(rpc, "pause_channel", code, channel, paused, by, where="path")["item"]


PersonId = Annotated[Optional[str], Header(alias=HEADER, max_length=64,
                                           description="Who pauses or resumes, kept with the state")]


@router.post("/opds/{kabupaten}/{short_code}/channels/{channel}/pause", **SWITCH,
             summary="Pause one channel of an OPD: its deliveries wait, pending")
def pause_channel(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, channel: Channel,
                  by: PersonId = None):
    return _switch(rpc, kabupaten, short_code, channel, True, by)


@router.post("/opds/{kabupaten}/{short_code}/channels/{channel}/resume", **SWITCH,
             summary="Resume one channel of an OPD: what waited is sent")
def resume_channel(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode, channel: Channel,
                   by: PersonId = None):
    return _switch(rpc, kabupaten, short_code, channel, False, by)


@router.get("/opds/{kabupaten}/{short_code}/webhook-secret", response_model=WebhookSecretOut,
            responses=OPD_MISSING, summary="The secret an OPD checks its webhook signatures with")
def webhook_secret(rpc: Rpc, kabupaten: Kabupaten, short_code: ShortCode):
    return _notification(rpc, "webhook_secret", _known_opd(rpc, kabupaten, short_code))
