"""Routing rules as an admin changes them: new rules from a date, end dates for old ones."""
import uuid

from simpul_common import contracts

from ..domain import rules
from ..domain.checks import Rejected
from .common import filters_query, known_regions, local_today, paging, rejections_as_results, saved, stored


@rejections_as_results
def find_rules(repo, filters: dict, page=1, per_page=50) -> dict:
    kabupaten = filters.get("kabupaten_code")
    if not isinstance(kabupaten, str) or repo.region(kabupaten) is None:
        raise Rejected(422, [{"field": "kabupaten_code",
                              "message": "wajib, kode kabupaten/kota yang ada di registry"}])
    known_regions(repo, filters, ("region_prefix",))
    query = filters_query(filters, ("kabupaten_code", "service_type", "region_prefix", "opd_code"))
    if filters.get("on_date"):
        day = filters["on_date"]
        query["valid_from"] = {"$lte": day}
        query["$or"] = [{"valid_to": None}, {"valid_to": {"$gt": day}}]
    return repo.page("routing_rules", query, *paging(page, per_page),
                     sort=("region_prefix", "service_type", "valid_from"))


@rejections_as_results
def create_rule(repo, announce, data: dict) -> dict:
    prefix = data.get("region_prefix")
    today = local_today(prefix[:5]) if isinstance(prefix, str) and len(prefix) >= 5 else "0000-00-00"
    rule = rules.checked(data, today, repo.region, lambda code: repo.get("opds", code))
    document = {"_id": f"rule-{uuid.uuid4().hex[:16]}", **rule,
                "created_at": contracts.utc_now(), "ended_at": None}
    return saved(repo, announce, "routing_rules", "routing_rule", document, replace=False)


@rejections_as_results
def end_rule(repo, announce, rule_id: str, valid_to) -> dict:
    rule = stored(repo, "routing_rules", rule_id, "aturan")
    day = rules.end_date(rule, valid_to, local_today(rule["kabupaten_code"]))
    ended = {"valid_to": day, "ended_at": contracts.utc_now()}
    repo.set_fields("routing_rules", rule_id, ended)
    announce("routing_rule", rule["kabupaten_code"], [rule_id])
    return {"item": {**rule, **ended}}
