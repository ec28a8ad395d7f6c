"""Notification (docs/notifications.md): the delivery log operators look at and retry from,
the pause switch of each OPD channel, and the kader's inbox."""
import uuid
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, Field

from .base import Page, Strict
from .fields import KabupatenCode, OpdCode

# notification's vocabulary, listed here so /docs shows the choices
DeliveryStatus = Literal["pending", "sending", "delivered", "parked"]
ChannelName = Literal["rabbitmq", "webhook", "email"]
DeliveryKind = Literal["new_case", "triage", "due_soon", "escalated", "reopened"]


# --- the delivery log ---------------------------------------------------------------------------

class AttemptOut(BaseModel):
    at: str
    ok: bool
    status_code: Optional[int] = Field(None, description="HTTP or SMTP status, when there was one")
    error: Optional[str] = None
    latency_ms: Optional[float] = None


class RecipientOut(BaseModel):
    role: str = Field(..., examples=["opd"])
    id: str = Field(..., examples=["33.25/dinkes"])


class DeliveryOut(BaseModel):
    id: str = Field(..., description="The notification id receivers de-duplicate on")
    cause: str = Field(..., description="The id of the event it tells of")
    event_type: str = Field(..., examples=["report.routed"])
    kind: str = Field(..., examples=["new_case"])
    report_id: str
    kabupaten_code: Optional[str] = Field(None, examples=["33.25"])
    opd_code: Optional[str] = Field(None, examples=["33.25/dinkes"])
    posyandu_id: Optional[str] = None
    channel: ChannelName
    destination: str = Field(..., description="Queue, webhook URL or e-mail address (masked)")
    status: DeliveryStatus
    attempt_count: int = Field(..., ge=0)
    next_attempt_at: Optional[str] = None
    created_at: str
    delivered_at: Optional[str] = None
    parked_at: Optional[str] = None
    last_error: Optional[str] = None
    recipient: Optional[RecipientOut] = None
    attempts: list[AttemptOut]


DeliveryPage = Page[DeliveryOut]


class DeliveryScope(BaseModel):
    """Which deliveries: the filters a list and a retry of parked ones share."""
    opd_code: Optional[OpdCode] = None
    kabupaten_code: Optional[KabupatenCode] = None
    channel: Optional[ChannelName] = None
    report_id: Optional[uuid.UUID] = None
    kind: Optional[DeliveryKind] = None


class DeliveryFilters(DeliveryScope):
    status: Optional[DeliveryStatus] = Field(None, description="`parked`: the dead letters")


class RetryParkedIn(DeliveryScope, Strict):
    """Every parked delivery these filters match goes back in line; `{}` retries them all."""


# --- channels of an OPD -------------------------------------------------------------------------

class ChannelStateOut(BaseModel):
    owner: str = Field(..., examples=["33.25/dinkes"])
    channel: ChannelName
    paused: bool
    changed_at: Optional[str] = None
    changed_by: Optional[str] = Field(None, description="Who paused or resumed it, when named")


class WebhookSecretOut(BaseModel):
    opd_code: str = Field(..., examples=["33.25/dinkes"])
    secret: str = Field(..., description="Key of the HMAC-SHA256 in `X-Simpul-Signature`")


# --- the kader's inbox --------------------------------------------------------------------------

class InboxItemOut(BaseModel):
    id: str
    posyandu_id: str
    report_id: str
    status: str = Field(..., examples=["routed"])
    kind: str = Field(..., examples=["status"])
    title: str
    body: str
    title_en: str
    body_en: str
    at: str
    read_at: Optional[str] = Field(None, description="Null while unread")


class InboxPage(Page[InboxItemOut]):
    unread: int = Field(..., ge=0, description="Unread items of the Posyandu, on every page")


InboxItemId = Annotated[str, Field(min_length=1, max_length=64)]


class MarkReadIn(Strict):
    ids: list[InboxItemId] = Field(..., min_length=1, max_length=500,
                                   description="Ids of inbox items of the kader's Posyandu")
