"""Object-level rules (docs/security.md): which cases and reports a principal may see. A kader
sees their Posyandu's, OPD staff and API keys their OPD's, a TPH member and an admin bound to a
kabupaten/kota that kabupaten/kota's; a national admin sees everything, a viewer nothing."""
from typing import Optional

from .principal import Principal

BOUND_BY = {"kader": "posyandu_id", "opd_officer": "opd_code", "opd_head": "opd_code",
            "tph": "kabupaten_code", "admin": "kabupaten_code"}


def case_scope(principal: Principal) -> Optional[dict[str, str]]:
    """The filters narrowing a list of cases to what `principal` may see: `{}` for a national
    admin; None when they may see no case at all."""
    field = BOUND_BY.get(principal.role)
    if field is None:
        return None
    value = getattr(principal, field)
    if value is None:
        return {} if principal.role == "admin" else None
    return {field: value}


def case_place(case: dict) -> dict:
    """Where a case belongs, in the fields of `case_scope`."""
    return {"posyandu_id": case.get("posyandu_id"), "kabupaten_code": case.get("kabupaten_code"),
            "opd_code": (case.get("opd") or {}).get("code")}


def report_place(report: dict) -> dict:
    return {"posyandu_id": report.get("posyandu_id"),
            "kabupaten_code": (report.get("desa_code") or "")[:5] or None,
            "opd_code": (report.get("assigned_opd") or {}).get("code")}


def sees(principal: Principal, place: dict) -> bool:
    scope = case_scope(principal)
    return scope is not None and all(place.get(field) == value for field, value in scope.items())


def sees_case(principal: Principal, case: dict) -> bool:
    return sees(principal, case_place(case))


def sees_report(principal: Principal, report: dict) -> bool:
    return sees(principal, report_place(report))


def within(principal: Principal, kabupaten_code: Optional[str]) -> bool:
    """Whether an admin may change what belongs to `kabupaten_code` (None: national things)."""
    return principal.role == "admin" and principal.kabupaten_code in (None, kabupaten_code)
