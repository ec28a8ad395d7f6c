"""The audit log (docs/security.md, "Audit"): who read a citizen's personal data, who changed
what in the registry or notification's operations, and when."""
from datetime import datetime, timezone
from typing import Any, Literal, Optional

from pydantic import BaseModel, Field, field_validator

from .base import Page

AUDITED_SERVICES = ("registry", "intake", "notification")
AuditedService = Literal["registry", "intake", "notification"]


class AuditActor(BaseModel):
    id: Optional[str] = Field(None, examples=["7c1e…", "apikey:3f2a9c0d1e4b", "system"])
    role: Optional[str] = Field(None, examples=["admin"])
    name: Optional[str] = None
    kind: Optional[str] = Field(None, description="person, api_key, cli or system")


class AuditTarget(BaseModel):
    type: str = Field(..., examples=["person", "report", "citizen"])
    id: Optional[str] = None


class AuditEntry(BaseModel):
    id: str
    at: str = Field(..., description="When, UTC ISO 8601")
    service: str
    actor: AuditActor
    action: str = Field(..., examples=["person.update", "report.read", "citizen.erase"])
    target: AuditTarget
    details: dict[str, Any] = Field(default_factory=dict,
                                    description="Ids, field names, counts: never personal data")


AuditPage = Page[AuditEntry]


class AuditFilters(BaseModel):
    service: AuditedService = Field("registry", description="Whose audit log")
    action: Optional[str] = Field(None, max_length=64, pattern=r"^[a-z_]+\.[a-z_]+$",
                                  examples=["report.read"])
    actor_id: Optional[str] = Field(None, max_length=80)
    target_type: Optional[str] = Field(None, max_length=32, pattern=r"^[a-z_]+$")
    target_id: Optional[str] = Field(None, max_length=200)
    since: Optional[datetime] = Field(None, description="From this instant (inclusive)")
    until: Optional[datetime] = Field(None, description="Before this instant")

    @field_validator("since", "until", mode="before")
    @classmethod
    def an_iso_instant(cls, value):
        """An ISO 8601 date or instant; not a number (which pydantic would read as a Unix time)."""
        if value is not None and not (isinstance(value, str) and value[:4].isdigit()
                                      and value[4:5] == "-"):
            raise ValueError("harus tanggal/waktu ISO 8601, mis. 2026-11-22T08:00:00+07:00")
        return value

    def sent(self) -> dict:
        """The filters as the services read them: instants in UTC, written like the entries'
        `at` (`2026-11-22T03:04:05.000+00:00`), so they compare as text."""
        given = self.model_dump(mode="json", exclude_none=True, exclude={"service", "since", "until"})
        for bound in ("since", "until"):
            value = getattr(self, bound)
            if value is not None:
                value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None \
                    else value.astimezone(timezone.utc)
                given[bound] = value.isoformat(timespec="milliseconds")
        return given
