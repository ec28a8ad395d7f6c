"""OPD of a kabupaten/kota: field units and the channels their cases go out on."""
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, Field, StrictBool

from .base import Changes, Sent, Strict
from simpul_common.codes import WEBHOOK_URL_PATTERN

from .fields import Email, KabupatenCode, KecamatanCode, Search, ShortCode, UnitCode

OpdName = Annotated[str, Field(min_length=3, max_length=200, examples=["Dinas Kesehatan Kabupaten Batang"])]
MAX_UNITS, MAX_CHANNELS = 200, 20   # a Dinkes has a Puskesmas or more in every kecamatan


class Unit(Strict):
    code: UnitCode
    name: str = Field(..., min_length=3, max_length=200, examples=["Puskesmas Wonotunggal"])
    kecamatan_code: Optional[KecamatanCode] = None


class RabbitmqChannel(Strict):
    type: Literal["rabbitmq"]
    queue: Optional[str] = Field(None, max_length=255, examples=["simpul.opd.33.25.dinkes"],
                                 description="Always derived from the OPD code; ignored when sent")


class WebhookChannel(Strict):
    type: Literal["webhook"]
    url: str = Field(..., pattern=WEBHOOK_URL_PATTERN, examples=["https://sik.batangkab.go.id/simpul"],
                     description="HTTPS (plain HTTP only inside a private network)")


class EmailChannel(Strict):
    type: Literal["email"]
    address: Email


Channel = Annotated[Union[RabbitmqChannel, WebhookChannel, EmailChannel], Field(discriminator="type")]


class Opd(BaseModel):
    id: str = Field(..., examples=["33.25/dinkes"])
    kabupaten_code: str = Field(..., examples=["33.25"])
    short_code: str = Field(..., examples=["dinkes"])
    name: str = Field(..., examples=["Dinas Kesehatan Kabupaten Batang"])
    active: bool
    units: list[Unit]
    channels: list[Channel]


class OpdFilters(BaseModel):
    kabupaten_code: Optional[KabupatenCode] = None
    q: Optional[Search] = None
    active: Optional[bool] = None


class OpdIn(Sent):
    kabupaten_code: KabupatenCode
    short_code: ShortCode
    name: OpdName
    units: list[Unit] = Field(default_factory=list, max_length=MAX_UNITS)
    channels: list[Channel] = Field(default_factory=list, max_length=MAX_CHANNELS, description=(
        "Webhooks and e-mail; the OPD's own RabbitMQ queue is always added"))
    active: StrictBool = True


class OpdChanges(Changes):
    name: OpdName = None
    units: list[Unit] = Field(None, max_length=MAX_UNITS, description=(
        "Replaces the list; a unit a rule in force still names cannot be removed"))
    channels: list[Channel] = Field(None, max_length=MAX_CHANNELS, description="Replaces the list")
    active: StrictBool = None
