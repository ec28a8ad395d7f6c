"""Who acts on a case. Until authentication lands (issue 7) a request that acts names its
person in the `X-Person-Id` header; the registry says who that is and where their role acts."""
from typing import Optional

from fastapi import HTTPException

from simpul_common.cache import TtlCache

from ..broker import RpcPool

HEADER = "X-Person-Id"
INTERIM = (f"Interim, until authentication lands (issue 7): the registry id of the person who "
           "acts. Without it the answer is 401; an unknown or inactive person gets 403.")
ACTOR_FIELDS = ("role", "id", "name", "opd_code", "posyandu_id", "kabupaten_code")


def acting(rpc: RpcPool, cache: TtlCache, person_id: Optional[str]) -> dict:
    """Routing's actor (docs/routing-rpc.md, `act`) for the person the request names."""
    if not person_id:
        raise HTTPException(401, detail=f"header {HEADER} wajib diisi: id orang (registry) "
                                        "yang melakukan tindakan")
    person = cache.get(("person", person_id), lambda: rpc.call("registry", "get_person", person_id),
                       remember_none=False)
    if person is None or not person.get("active"):
        raise HTTPException(403, detail=f"orang {person_id} tidak dikenal di registry atau tidak aktif")
    return {field: person.get(field) for field in ACTOR_FIELDS}
