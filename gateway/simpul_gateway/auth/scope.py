"""Object-level rules for a `Principal`: the shared rules of `simpul_common.access` (which the
services apply again on their side), over the principal's actor fields."""
from typing import Optional

from simpul_common import access
from simpul_common.access import case_place, report_place  # noqa: F401  (re-exported)

from .principal import Principal


def case_scope(principal: Principal) -> Optional[dict[str, str]]:
    return access.case_scope(principal.actor())


def sees(principal: Principal, place: dict) -> bool:
    return access.sees(principal.actor(), place)


def sees_case(principal: Principal, case: dict) -> bool:
    return access.sees_case(principal.actor(), case)


def sees_report(principal: Principal, report: dict) -> bool:
    return access.sees_report(principal.actor(), report)


def within(principal: Principal, kabupaten_code: Optional[str]) -> bool:
    return access.within(principal.actor(), kabupaten_code)
