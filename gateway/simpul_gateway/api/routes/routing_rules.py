"""Routing rules of a kabupaten/kota, never edited: a change is a new rule from a date, and a
rule can be ended from a date on. And the coverage check of those rules."""
import datetime as dt
from typing import Annotated, Optional

from fastapi import APIRouter, HTTPException, Path, Query

from simpul_common.regions import KABUPATEN_PATTERN

from ..access import DENIED, within
from ..deps import Admin, Caller, Pages, Rpc
from ..errors import registry_answer
from ..registry import find, found_in, write
from ...schemas import Page
from ...schemas.rules import Coverage, Rule, RuleEnd, RuleFilters, RuleIn

router = APIRouter(prefix="/api/v1", tags=["routing-rules"], responses=DENIED)


@router.get("/routing-rules", response_model=Page[Rule],
            summary="Rules of a kabupaten/kota, filtered and paginated")
def list_rules(rpc: Rpc, paging: Pages, filters: Annotated[RuleFilters, Query()], who: Caller):
    return find(rpc, "find_rules", filters, paging)


@router.post("/routing-rules", status_code=201, response_model=Rule,
             summary="Add a rule, in force from `valid_from` (default today)")
def create_rule(rpc: Rpc, body: RuleIn, who: Admin):
    within(who, body.region_prefix[:5])
    return write(rpc, "create_rule", body.sent(), actor=who.actor())


@router.post("/routing-rules/{rule_id}/end", response_model=Rule,
             summary="End a rule from a date on (today or later)",
             description="An admin bound to a kabupaten/kota ends only its rules (others: 404).")
def end_rule(rpc: Rpc, rule_id: Annotated[str, Path(min_length=1, max_length=200)], body: RuleEnd,
             who: Admin):
    if who.kabupaten_code and not found_in(rpc, "find_rules", {"kabupaten_code": who.kabupaten_code},
                                           rule_id):
        raise HTTPException(404, detail=f"aturan {rule_id} tidak ada di kabupaten/kota {who.kabupaten_code}")
    return write(rpc, "end_rule", rule_id, body.valid_to.isoformat(), actor=who.actor())


@router.get("/registry/coverage", response_model=Coverage,
            responses={404: {"description": "No such kabupaten/kota in the registry"}},
            summary="Every (service type, kecamatan) with no responsible OPD")
def coverage(rpc: Rpc, who: Caller,
             kabupaten: Annotated[str, Query(pattern=KABUPATEN_PATTERN, examples=["33.25"])],
             on_date: Optional[dt.date] = None):
    day = on_date.isoformat() if on_date else None
    return registry_answer(rpc.call("registry", "coverage", kabupaten, day), where="query")
