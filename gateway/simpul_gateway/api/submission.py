"""What filing a report and recording a visit share: who may file there, the place checked
against the registry, the client's idempotency key, the household's reference, and each
report's command to intake with its personal data sealed."""
import hashlib
import json
import re
from typing import Annotated, Optional

from fastapi import Header, HTTPException
from pydantic import BaseModel

from simpul_common import contracts, sealing

from ..auth.principal import Principal
from ..broker import CommandSender, RpcPool
from ..schemas import CitizenIn
from .access import within
from .errors import invalid

_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
IdempotencyKey = Annotated[Optional[str], Header(
    description="The client's key of this submission: sent again, the same ids answer and "
                "nothing is filed twice")]


def checked_key(idempotency_key: Optional[str]) -> Optional[str]:
    if idempotency_key is not None and not _KEY.match(idempotency_key):
        raise HTTPException(422, detail=[{"loc": ["header", "Idempotency-Key"], "type": "value_error",
                                          "msg": "1–200 karakter ASCII yang terlihat"}])
    return idempotency_key


def check_filer(principal: Principal, desa_code: str, posyandu_id: str) -> None:
    """A kader files at their own Posyandu only; an admin within their kabupaten/kota."""
    if principal.role == "kader" and posyandu_id != principal.posyandu_id:
        raise HTTPException(403, detail=f"posyandu_id: kader hanya melapor di Posyandu-nya sendiri "
                                        f"({principal.posyandu_id}), bukan {posyandu_id}")
    if principal.role == "admin":
        within(principal, desa_code[:5])


def check_place(desa_code: str, posyandu_id: str, rpc: RpcPool, cache) -> None:
    """The Posyandu is registered, active and in the desa. Usually answered from the cached
    places of the whole kabupaten/kota (one RPC a minute, not two per Posyandu); anything
    else (a new Posyandu, a wrong desa) is asked one by one, for the precise error."""
    places = cache.get(("places", desa_code[:5]),
                       lambda: rpc.call("registry", "posyandu_places", desa_code[:5]))
    if (places or {}).get(posyandu_id) == [desa_code, True]:
        return
    desa = cache.get(("region", desa_code),
                     lambda: rpc.call("registry", "get_region", desa_code), remember_none=False)
    if desa is None or desa["level"] != "desa":
        raise invalid("desa_code", "desa/kelurahan tidak dikenal di registry", desa_code)
    posyandu = cache.get(("posyandu", posyandu_id),
                         lambda: rpc.call("registry", "get_posyandu", posyandu_id),
                         remember_none=False)
    if posyandu is None or not posyandu["active"]:
        raise invalid("posyandu_id", "Posyandu tidak dikenal atau tidak aktif", posyandu_id)
    if posyandu["desa_code"] != desa_code:
        raise invalid("posyandu_id", f"Posyandu ini tidak berada di desa {desa_code}", posyandu_id)


def household_ref(key: bytes, citizen: Optional[CitizenIn]) -> Optional[str]:
    """A reference that groups a household's cases without revealing its id."""
    if citizen is None or citizen.household_id is None:
        return None
    return sealing.keyed_hash(key, "household", citizen.household_id)


def citizen_ref(key: bytes, nik: str) -> str:
    """The handle of a citizen's reports (export, erasure) that does not reveal the NIK."""
    return sealing.keyed_hash(key, "nik", nik)


def body_hash(key: bytes, body: BaseModel | dict) -> str:
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return sealing.keyed_hash(key, "body", json.dumps(data, sort_keys=True))


def submit(commands: CommandSender, key: bytes, report_id: str, *, kind: str, service_type: str,
           desa_code: str, posyandu_id: str, description: str, citizen: Optional[CitizenIn],
           hashed_body: str, idempotency_key: Optional[str] = None,
           visit_id: Optional[str] = None, household: Optional[str] = None) -> None:
    """Sends one report to intake; returns once the broker confirmed it (else Unavailable)."""
    private = {"description": description,
               "citizen": citizen.model_dump(mode="json", exclude_none=True) if citizen else None}
    command = contracts.SubmitReport(
        report_id=report_id, kind=kind, service_type=service_type, desa_code=desa_code,
        posyandu_id=posyandu_id, sealed=sealing.seal(key, private, report_id),
        body_hash=hashed_body, submitted_at=contracts.utc_now(),
        idempotency_key_hash=hashlib.sha256(idempotency_key.encode()).hexdigest()
        if idempotency_key else None,
        visit_id=visit_id, household_ref=household,
        citizen_ref=citizen_ref(key, citizen.nik) if citizen and citizen.nik else None)
    commands.send(command.envelope(contracts.stable_id(report_id, command.type)))
