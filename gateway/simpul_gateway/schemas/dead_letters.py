"""The dead letters (docs/guarantees.md): messages a consumer gave up on, with why."""
from typing import Annotated, Optional

from pydantic import BaseModel, Field, model_validator

from .base import Strict

QUEUE_PATTERN = r"^[a-z][a-z0-9_.-]{0,99}$"
LETTER_ID_PATTERN = r"^[0-9a-f]{20}$"


class DeadLetterOut(BaseModel):
    id: str = Field(..., description="Stable: the same message has the same id in every listing")
    queue: Optional[str] = Field(None, description="Where it came from; where a replay sends it")
    error: Optional[str] = None
    attempts: int
    message_id: Optional[str] = None
    message_type: Optional[str] = Field(None, description="The envelope's type, if it is one")
    content_type: Optional[str] = None
    size: int = Field(..., description="Bytes of the body")
    body: Optional[str] = Field(None, description="Only when one dead letter is asked for")


class DeadLetterPage(BaseModel):
    total: int = Field(..., description="Messages in the dead-letter queue")
    items: list[DeadLetterOut]


class ReplayIn(Strict):
    ids: Optional[list[Annotated[str, Field(pattern=LETTER_ID_PATTERN, max_length=20)]]] = Field(
        None, min_length=1, max_length=1000)
    all: bool = Field(False, description="Every dead letter (of `queue`, if named)")
    queue: Optional[str] = Field(None, pattern=QUEUE_PATTERN, max_length=100)

    @model_validator(mode="after")
    def ids_or_all(self):
        if bool(self.ids) == self.all:
            raise ValueError("kirim `ids`, atau `all: true` (tidak keduanya)")
        return self


class ReplayOut(BaseModel):
    replayed: int
    ids: list[str]
    not_found: list[str] = Field(..., description="Ids asked for that are not (or no longer) there")
    without_queue: list[str] = Field(..., description="Not sent: no known queue to send them to")
