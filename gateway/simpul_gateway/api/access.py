"""Authorization (docs/security.md): `require` admits the roles a route names (an API key
only where the route names a scope the key holds), and the object-level checks: a case or
report outside the caller's Posyandu, OPD or kabupaten/kota is 404, a list is narrowed to what
the caller may see, and an admin bound to a kabupaten/kota changes nothing outside it. Which
route admits whom is listed once, in `deps.py`."""
from fastapi import Depends, HTTPException
from pydantic import BaseModel

from ..auth import scope
from ..auth.principal import Principal
from .security import authenticated

CASE_ROLES = ("kader", "opd_officer", "opd_head", "tph", "admin")
DENIED = {401: {"description": "No valid token or API key"},
          403: {"description": "The caller's role (or the key's scopes) may not do this here"}}


def require(*roles: str, key_scope: str | None = None):
    """A dependency answering the principal when it may call the route, else 403."""
    def admitted(principal: Principal = Depends(authenticated)) -> Principal:
        if principal.is_key:
            if key_scope is None or key_scope not in principal.scopes:
                raise HTTPException(403, detail="kunci API ini tidak berlaku di sini"
                                    + (f" (perlu cakupan {key_scope})" if key_scope else ""))
        elif principal.role not in roles:
            raise HTTPException(403, detail=f"peran {principal.role} tidak boleh melakukan ini")
        return principal
    return Depends(admitted)


def narrowed(filters: BaseModel, principal: Principal) -> BaseModel:
    """The filters of a case list with the caller's own Posyandu, OPD or kabupaten/kota in
    place of whatever they sent for it."""
    bound = scope.case_scope(principal)
    if bound is None:
        raise HTTPException(403, detail=f"peran {principal.role} tidak dapat melihat kasus")
    return filters.model_copy(update=bound)


def seen(found, principal: Principal, sees, missing: str):
    """`found`, if the caller may see it; else the same 404 as for what does not exist."""
    if found is None or not sees(principal, found):
        raise HTTPException(404, detail=missing)
    return found


def within(principal: Principal, kabupaten_code: str | None) -> None:
    """403 unless the admin may change what belongs to `kabupaten_code` (None: national)."""
    if not scope.within(principal, kabupaten_code):
        where = f"kabupaten/kota {principal.kabupaten_code}"
        raise HTTPException(403, detail=f"admin {where} hanya mengelola {where}"
                            if principal.role == "admin" else "hanya admin yang boleh melakukan ini")
