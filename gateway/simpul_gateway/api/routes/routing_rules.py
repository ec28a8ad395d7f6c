"""Routing rules of a kabupaten/kota, never edited: a change is a new rule from a date, and a
rule can be ended from a date on. And the coverage check of those rules."""
import datetime as dt
from typing import Annotated, Optional

from fastapi import APIRouter, Path, Query

from simpul_common.regions import KABUPATEN_PATTERN

from ..deps import Pages, Rpc
from ..errors import registry_answer
from ..registry import find, write
from ...schemas import Page
from ...schemas.rules import Coverage, Rule, RuleEnd, RuleFilters, RuleIn

router = APIRouter(prefix="/api/v1", tags=["routing-rules"])


@router.get("/routing-rules", response_model=Page[Rule],
            summary="Rules of a kabupaten/kota, filtered and paginated")
def list_rules(rpc: Rpc, paging: Pages, filters: Annotated[RuleFilters, Query()]):
    return find(rpc, "find_rules", filters, paging)


@router.post("/routing-rules", status_code=201, response_model=Rule,
             summary="Add a rule, in force from `valid_from` (default today)")
def create_rule(rpc: Rpc, body: RuleIn):
    return write(rpc, "create_rule", body.sent())


@router.post("/routing-rules/{rule_id}/end", response_model=Rule,
             summary="End a rule from a date on (today or later)")
def end_rule(rpc: Rpc, rule_id: Annotated[str, Path(min_length=1, max_length=200)], body: RuleEnd):
    return write(rpc, "end_rule", rule_id, body.valid_to.isoformat())


@router.get("/registry/coverage", response_model=Coverage,
            summary="Every (service type, kecamatan) with no responsible OPD")
def coverage(rpc: Rpc, kabupaten: Annotated[str, Query(pattern=KABUPATEN_PATTERN, examples=["33.25"])],
             on_date: Optional[dt.date] = None):
    day = on_date.isoformat() if on_date else None
    return registry_answer(rpc.call("registry", "coverage", kabupaten, day), where="query")
