"""The audit log (UU PDP; docs/security.md, "Audit"): every read of a citizen's personal data
and every administrative change, with who did it. Each service keeps its own in its own
database (collection `audit`), written by the use case that reads or changes, and answers
`audit_log(filters, page, per_page)` over RPC; the gateway shows them to admins at
`GET /api/v1/audit`.

An entry: `{"_id", "at", "service", "actor": {"id", "role", "name", "kind"}, "action",
"target": {"type", "id"}, "details"}`. Details never carry personal data: ids, field names,
counts, reasons.
"""
import getpass
import uuid
from typing import Mapping, Optional

from pymongo import ASCENDING, DESCENDING

from . import contracts

SYSTEM = {"id": "system", "role": "system", "name": "Simpul", "kind": "system"}
MAX_PER_PAGE = 200


def operator() -> dict:
    """The actor of a change made with an operator's command: the operating-system user."""
    user = getpass.getuser()
    return {"id": f"cli:{user}", "role": "operator", "name": user, "kind": "cli"}


def who(actor: Optional[Mapping]) -> dict:
    """The audit's view of an actor (a principal's `actor()`, or None for the system itself,
    e.g. a scheduled job or an operator's command)."""
    if not actor:
        return dict(SYSTEM)
    return {"id": actor.get("id"), "role": actor.get("role"), "name": actor.get("name"),
            "kind": actor.get("kind") or ("api_key" if str(actor.get("id", "")).startswith("apikey:")
                                          else "person")}


def entry(service: str, actor: Optional[Mapping], action: str, target_type: str,
          target_id: Optional[str], details: Optional[Mapping] = None,
          at: Optional[str] = None) -> dict:
    return {"_id": str(uuid.uuid4()), "at": at or contracts.utc_now(), "service": service,
            "actor": who(actor), "action": action,
            "target": {"type": target_type, "id": target_id}, "details": dict(details or {})}


def succeeded(result) -> bool:
    """Whether a service's answer is a success (not None, not an error result)."""
    return result is not None and not (isinstance(result, dict) and
                                       ("errors" in result or "error" in result))


def query(filters: Mapping) -> dict:
    q: dict = {}
    if filters.get("action"):
        q["action"] = filters["action"]
    if filters.get("actor_id"):
        q["actor.id"] = filters["actor_id"]
    if filters.get("target_type"):
        q["target.type"] = filters["target_type"]
    if filters.get("target_id"):
        q["target.id"] = filters["target_id"]
    if filters.get("since") or filters.get("until"):
        q["at"] = {**({"$gte": filters["since"]} if filters.get("since") else {}),
                   **({"$lt": filters["until"]} if filters.get("until") else {})}
    return q


def view(stored: Mapping) -> dict:
    found = dict(stored)
    return {"id": found.pop("_id"), **found}


class AuditLog:
    """A service's audit collection."""

    def __init__(self, db, service: str):
        self.entries = db.audit
        self.service = service

    @staticmethod
    def prepare(db) -> None:
        db.audit.create_index([("at", DESCENDING)])
        db.audit.create_index([("actor.id", ASCENDING), ("at", DESCENDING)])
        db.audit.create_index([("target.id", ASCENDING), ("at", DESCENDING)])

    def record(self, actor: Optional[Mapping], action: str, target_type: str,
               target_id: Optional[str], **details) -> dict:
        """Stores one entry (one round trip); raises when storage fails, so a caller that
        records before it answers never hands out personal data without a trace."""
        item = entry(self.service, actor, action, target_type, target_id, details)
        self.entries.insert_one(item)
        return item

    def after(self, actor: Optional[Mapping], action: str, target_type: str, result,
              target_id: Optional[str] = None, **details):
        """`result` of an administrative change, passed through; recorded when the change was
        made (not for an error answer). The target is `target_id`, else the answered item's id."""
        if succeeded(result):
            item = result.get("item") if isinstance(result, dict) else None
            self.record(actor, action, target_type,
                        target_id or (item.get("id") if isinstance(item, dict) else None), **details)
        return result

    def find(self, filters: Mapping, page=1, per_page=50) -> dict:
        """A page of entries, newest first; a page or size out of bounds is brought within."""
        page = page if isinstance(page, int) and page >= 1 else 1
        per_page = min(per_page if isinstance(per_page, int) and per_page >= 1 else 50, MAX_PER_PAGE)
        q = query(filters or {})
        total = self.entries.count_documents(q)
        items = (self.entries.find(q).sort([("at", DESCENDING), ("_id", ASCENDING)])
                 .skip((page - 1) * per_page).limit(per_page))
        return {"items": [view(i) for i in items], "total": total, "page": page,
                "per_page": per_page}
