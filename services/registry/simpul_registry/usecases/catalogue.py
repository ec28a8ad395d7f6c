"""The SPM catalogue as an admin edits it."""
from ..domain import catalogue
from .common import rejections_as_results, saved, stored


@rejections_as_results
def update_service_type(repo, announce, code: str, changes: dict) -> dict:
    updated = catalogue.edited(stored(repo, "service_types", code, "jenis layanan"), changes)
    return saved(repo, announce, "service_types", "service_type",
                 {**{k: v for k, v in updated.items() if k != "id"}, "_id": code})
