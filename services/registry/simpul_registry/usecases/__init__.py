"""The registry's use cases: answer look-ups, check and store admin changes, announce them.

Each write returns `{"item": ...}`, or the error result of a `Rejected` (nothing written);
`announce(entity, region, ids)` publishes `registry.changed` once the change is stored."""
from .api_keys import create_api_key, find_api_keys, revoke_api_key, verify_api_key
from .catalogue import update_service_type
from .opd import create_opd, find_opds, update_opd
from .people import (authenticate, create_person, find_people, set_password, set_username,
                     update_person)
from .posyandu import create_posyandu, find_posyandu, import_posyandu, update_posyandu
from .regions import coverage, region_with_context, search_regions
from .rules import create_rule, end_rule, find_rules

__all__ = ["update_service_type", "create_opd", "find_opds", "update_opd", "create_person",
           "find_people", "update_person", "authenticate", "set_password", "set_username",
           "create_api_key", "verify_api_key", "find_api_keys", "revoke_api_key",
           "create_posyandu", "find_posyandu", "import_posyandu", "update_posyandu", "coverage",
           "region_with_context", "search_regions", "create_rule", "end_rule", "find_rules"]
