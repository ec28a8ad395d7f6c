"""What every body and list of the API shares: refused unknown fields, PATCH semantics, pages."""
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Sent(Strict):
    """A body passed on to the registry: only the fields the client set go on, so the
    registry's own defaults apply to the others."""

    def sent(self) -> dict:
        return self.model_dump(mode="json", exclude_unset=True)


class Changes(Sent):
    """A PATCH body. Every field defaults to None only to make it optional: a field left out is
    left unchanged, and an explicit null is refused unless the field's type allows None."""

    @model_validator(mode="after")
    def not_empty(self):
        if not self.model_fields_set:
            raise PydanticCustomError("no_changes", "tidak ada perubahan: kirim minimal satu kolom")
        return self


class Page(BaseModel, Generic[T]):
    """One page of a list, as every registry list answers."""
    items: list[T]
    total: int = Field(..., ge=0, description="Items matching the filters, on every page")
    page: int = Field(..., ge=1)
    per_page: int = Field(..., ge=1, le=200)


class FieldError(BaseModel):
    field: str
    message: str
