"""Object-level rules (docs/security.md), shared by the gateway and the services so each
checks every object on its own: which cases and reports an actor may see. A kader sees their
Posyandu's, OPD staff and API keys their OPD's, a TPH member and an admin bound to a
kabupaten/kota that kabupaten/kota's; a national admin sees everything, a viewer nothing.

An actor is what the gateway sends with every call that reads or changes an object
(`Principal.actor()`): `{"role", "id", "name", "opd_code", "posyandu_id", "kabupaten_code"}`.
Plain functions over dicts; no framework.
"""
from typing import Mapping, Optional

BOUND_BY = {"kader": "posyandu_id", "opd_officer": "opd_code", "opd_head": "opd_code",
            "tph": "kabupaten_code", "admin": "kabupaten_code"}
# who needs a citizen's full NIK and phone number to do their work: the kader who filed the
# report and the OPD that must act on it; everyone else sees them masked
REVEALS_TO = ("kader", "opd_officer", "opd_head")


class Forbidden(PermissionError):
    """The actor may not see or do this; the caller answers it like a missing object."""


def case_scope(actor: Mapping) -> Optional[dict[str, str]]:
    """The filters narrowing a list of cases to what `actor` may see: `{}` for a national
    admin; None when they may see no case at all."""
    role = actor.get("role")
    field = BOUND_BY.get(role)
    if field is None:
        return None
    value = actor.get(field)
    if value is None:
        return {} if role == "admin" else None
    return {field: value}


def case_place(case: Mapping) -> dict:
    """Where a case belongs, in the fields of `case_scope`."""
    return {"posyandu_id": case.get("posyandu_id"), "kabupaten_code": case.get("kabupaten_code"),
            "opd_code": (case.get("opd") or {}).get("code")}


def report_place(report: Mapping) -> dict:
    return {"posyandu_id": report.get("posyandu_id"),
            "kabupaten_code": (report.get("desa_code") or "")[:5] or None,
            "opd_code": (report.get("assigned_opd") or {}).get("code")}


def sees(actor: Mapping, place: Mapping) -> bool:
    scope = case_scope(actor)
    return scope is not None and all(place.get(field) == value for field, value in scope.items())


def sees_case(actor: Mapping, case: Mapping) -> bool:
    return sees(actor, case_place(case))


def sees_report(actor: Mapping, report: Mapping) -> bool:
    return sees(actor, report_place(report))


def reveals(actor: Mapping, report: Mapping) -> bool:
    """Whether `actor` sees the citizen's NIK and phone in full on `report` (which they see):
    the kader of its Posyandu and the staff of the OPD it is assigned to."""
    return actor.get("role") in REVEALS_TO and sees_report(actor, report)


def narrowed(actor: Mapping, filters: Mapping) -> dict:
    """`filters` with the actor's own Posyandu, OPD or kabupaten/kota in place of whatever was
    sent for it; Forbidden when the actor may see no case at all."""
    scope = case_scope(actor)
    if scope is None:
        raise Forbidden(f"role {actor.get('role')} may not see cases")
    return {**filters, **scope}


def within(actor: Mapping, kabupaten_code: Optional[str]) -> bool:
    """Whether an admin may change what belongs to `kabupaten_code` (None: national things)."""
    return actor.get("role") == "admin" and actor.get("kabupaten_code") in (None, kabupaten_code)
