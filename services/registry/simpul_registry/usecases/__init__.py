"""The registry's use cases: answer look-ups, check and store admin changes, announce them.

Each write returns `{"item": ...}`, or the error result of a `Rejected` (nothing written);
`announce(entity, region, ids)` publishes `registry.changed` once the change is stored."""
from .catalogue import update_service_type
from .opd import create_opd, find_opds, update_opd
from .people import create_person, find_people, update_person
from .posyandu import create_posyandu, find_posyandu, import_posyandu, update_posyandu
from .regions import coverage, region_with_context, search_regions
from .rules import create_rule, end_rule, find_rules

__all__ = ["update_service_type", "create_opd", "find_opds", "update_opd", "create_person",
           "find_people", "update_person", "create_posyandu", "find_posyandu", "import_posyandu",
           "update_posyandu", "coverage", "region_with_context", "search_regions", "create_rule",
           "end_rule", "find_rules"]
