"""Who files an Open311 request, where, and under which id. The client is an API key of the
registry (`api_key`, as GeoReport v2 asks): any active key, acting within its own
kabupaten/kota only. A report belongs to a Posyandu: an Open311 one to the first active
Posyandu (by id) of its desa, the desa's front door, whose kader follows it up and confirms it
as they do their own (docs/open311.md, "Which Posyandu"). Its id is the same for the same form
sent again by the same key within RETRY_WINDOW (or for the same `Idempotency-Key`), so a client
retrying after a timeout files nothing twice."""
from typing import Optional

from fastapi import HTTPException, Request

from simpul_common import contracts

from ..api.errors import registry_answer
from ..api.security import key_holder
from ..auth.principal import Principal
from ..broker import RpcPool

RETRY_WINDOW = 600   # seconds


def client(request: Request, api_key: Optional[str]) -> Principal:
    """The key's holder, counted against its rate limit; 403 without a valid key (as 401)."""
    if not api_key:
        raise HTTPException(403, detail="api_key wajib untuk membuat laporan; minta kunci "
                                        "kepada admin Simpul kabupaten/kota")
    holder = key_holder(request, api_key)
    request.app.state.rate_limits.check("client", holder.id)
    return holder


def region(code: str, rpc: RpcPool, cache) -> Optional[dict]:
    return cache.get(("region", code), lambda: rpc.call("registry", "get_region", code),
                     remember_none=False)


def jurisdiction(code: Optional[str], rpc: RpcPool, cache) -> Optional[str]:
    """A kabupaten/kota code the registry knows, or None when none was given; else 404."""
    if code is None:
        return None
    found = region(code, rpc, cache) if len(code) <= 20 else None
    if found is None or found["level"] != "kabupaten":
        raise HTTPException(404, detail=f"jurisdiction_id {code[:20]} tidak ada: kode "
                                        "kabupaten/kota Kemendagri, mis. 33.25")
    return code


def place(desa_code: str, holder: Principal, kabupaten: Optional[str], rpc: RpcPool, cache) -> str:
    """The Posyandu of an Open311 report at `desa_code`, filed by `holder` within `kabupaten`."""
    desa = region(desa_code, rpc, cache)
    if desa is None or desa["level"] != "desa":
        raise HTTPException(400, detail=f"attribute[desa_code]: desa/kelurahan {desa_code} "
                                        "tidak dikenal di registry")
    if kabupaten is not None and desa_code[:5] != kabupaten:
        raise HTTPException(400, detail=f"attribute[desa_code]: {desa_code} tidak berada di "
                                        f"jurisdiction_id {kabupaten}")
    if holder.kabupaten_code != desa_code[:5]:
        raise HTTPException(403, detail=f"api_key ini hanya berlaku untuk kabupaten/kota "
                                        f"{holder.kabupaten_code}")
    posyandu_id = cache.get(("open311-posyandu", desa_code),
                            lambda: _first_active_posyandu(desa_code, rpc), remember_none=False)
    if posyandu_id is None:
        raise HTTPException(400, detail=f"attribute[desa_code]: desa {desa_code} belum memiliki "
                                        "Posyandu aktif di Simpul")
    return posyandu_id


def _first_active_posyandu(desa_code: str, rpc: RpcPool) -> Optional[str]:
    filters = {"desa_code": desa_code, "active": True}
    items = registry_answer(rpc.call("registry", "find_posyandu", filters, 1, 1))["items"]
    return items[0]["id"] if items else None


def report_id(holder: Principal, hashed_form: str, idempotency_key: Optional[str], now: float) -> str:
    if idempotency_key is not None:
        return contracts.stable_id("open311", holder.id, "idempotency", idempotency_key)
    return contracts.stable_id("open311", holder.id, hashed_form, str(int(now // RETRY_WINDOW)))
