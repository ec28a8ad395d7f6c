"""The principal a request acts as: a person of the registry, or an OPD's API key acting as
an officer of that OPD within its scopes."""
from dataclasses import asdict, dataclass
from typing import Optional

ACTOR_FIELDS = ("role", "id", "name", "opd_code", "posyandu_id", "kabupaten_code")
KEY_ROLE = "opd_officer"   # what an API key acts as, for its own OPD


@dataclass(frozen=True)
class Principal:
    kind: str                       # "person", "api_key", or "demo" (an anonymous dashboard visitor)
    id: str
    role: str
    name: str
    opd_code: Optional[str] = None
    posyandu_id: Optional[str] = None
    kabupaten_code: Optional[str] = None
    scopes: tuple[str, ...] = ()

    @property
    def is_key(self) -> bool:
        return self.kind == "api_key"

    def public(self) -> dict:
        return {**asdict(self), "scopes": list(self.scopes)}

    def actor(self) -> dict:
        """Routing's actor (docs/routing-rpc.md, `act`): who makes a move."""
        return {field: getattr(self, field) for field in ACTOR_FIELDS}


def of_person(person: dict) -> Principal:
    return Principal(kind="person", id=person["id"], role=person["role"], name=person["name"],
                     opd_code=person.get("opd_code"), posyandu_id=person.get("posyandu_id"),
                     kabupaten_code=person.get("kabupaten_code"))


def of_api_key(key: dict) -> Principal:
    return Principal(kind="api_key", id=f"apikey:{key['id']}", role=KEY_ROLE, name=key["name"],
                     opd_code=key["opd_code"], kabupaten_code=key.get("kabupaten_code"),
                     scopes=tuple(key.get("scopes") or ()))


DEMO_VIEWER = Principal(kind="demo", id="demo", role="viewer", name="Pengunjung demo")
