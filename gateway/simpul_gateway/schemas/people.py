"""People Simpul knows, each bound where their role acts, and how they sign in. Contacts and
passwords are never logged; a password is never answered."""
from typing import Optional

from pydantic import BaseModel, Field, StrictBool

from .base import Changes, Sent, Strict
from .fields import (Email, KabupatenCode, OpdCode, Password, PersonName, Phone, PosyanduId, Role,
                     Search, Username)

BINDING = ("`kader` needs `posyandu_id`; `opd_officer` and `opd_head` need `opd_code`; `tph` needs "
           "`kabupaten_code`; `admin` and `viewer` may have `kabupaten_code` (none: national)")


class Person(BaseModel):
    id: str
    name: str = Field(..., examples=["Siti Aminah"])
    role: Role
    kabupaten_code: Optional[str] = Field(None, examples=["33.25"])
    posyandu_id: Optional[str] = Field(None, examples=["P332501200101"])
    opd_code: Optional[str] = None
    phone: Optional[str] = Field(None, examples=["+6281234567890"])
    email: Optional[str] = None
    active: bool
    username: Optional[str] = Field(None, description="Null: the person cannot sign in")


class PersonFilters(BaseModel):
    role: Optional[Role] = None
    kabupaten_code: Optional[KabupatenCode] = None
    opd_code: Optional[OpdCode] = None
    posyandu_id: Optional[PosyanduId] = None
    active: Optional[bool] = None
    q: Optional[Search] = None


class PersonIn(Sent):
    __doc__ = f"A person and where their role acts: {BINDING}."
    name: PersonName
    role: Role
    kabupaten_code: Optional[KabupatenCode] = None
    posyandu_id: Optional[PosyanduId] = None
    opd_code: Optional[OpdCode] = None
    phone: Optional[Phone] = None
    email: Optional[Email] = None
    active: StrictBool = True
    username: Optional[Username] = None
    password: Optional[Password] = Field(None, description="Or set later with `POST /people/{id}/password`")


class PasswordIn(Strict):
    password: Password


class PersonChanges(Changes):
    __doc__ = f"Changes of a person; the role cannot change. {BINDING}."
    name: PersonName = None
    kabupaten_code: Optional[KabupatenCode] = None
    posyandu_id: Optional[PosyanduId] = None
    opd_code: Optional[OpdCode] = None
    phone: Optional[Phone] = None
    email: Optional[Email] = None
    active: StrictBool = None
