"""Routing's own MongoDB database: one case per report, its history inside it.

The history is append-only: entries are only ever `$push`ed, never changed or removed. Every
change of a case is one conditional write on its `version` (optimistic concurrency: two
replicas or two people acting at once cannot both win) that also stores the events to
announce in the case's `outbox`; they are published after the write and then cleared, and a
sweep republishes any the process did not get to (same ids, so receivers de-duplicate).
"""
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

TOP_FIELDS_KEPT = ("_id", "history", "outbox", "outbox_at", "version")
DUPLICATE_KEY = 11000


def prepare(db: Database) -> None:
    db.cases.create_index([("opd_code", ASCENDING), ("status", ASCENDING)])
    db.cases.create_index([("kabupaten_code", ASCENDING), ("status", ASCENDING)])
    db.cases.create_index([("posyandu_id", ASCENDING), ("routed_at", DESCENDING)])
    db.cases.create_index([("household_ref", ASCENDING)])
    db.cases.create_index([("visit_id", ASCENDING)])
    db.cases.create_index([("timer_at", ASCENDING)])
    db.cases.create_index([("outbox_at", ASCENDING)])
    db.cases.create_index([("open_key", ASCENDING)], unique=True,
                          partialFilterExpression={"open_key": {"$exists": True}})


class OpenCaseExists(Exception):
    """The household already has an open case of this service type."""

    def __init__(self, open_case: dict):
        super().__init__(open_case["_id"])
        self.open_case = open_case


class CaseRepository:
    def __init__(self, db: Database):
        self.cases = db.cases

    def get(self, case_id: str, with_history: bool = True):
        return self.cases.find_one({"_id": case_id}, None if with_history else {"outbox": 0})

    def get_many(self, case_ids) -> dict[str, dict]:
        """The stored cases of these ids, by id, in one round trip."""
        return {case["_id"]: case for case in self.cases.find({"_id": {"$in": list(case_ids)}})}

    def add_many(self, cases: list[dict]) -> set[str]:
        """Store new cases in one round trip, unordered; the ids of those refused because a
        case of the report exists, or the household has an open case of that service type."""
        if not cases:
            return set()
        try:
            self.cases.insert_many(cases, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if exc.details.get("writeConcernErrors") or any(
                    error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            return {cases[error["index"]]["_id"] for error in errors}
        return set()

    def add(self, case: dict) -> dict:
        """Store a new case; if one exists for the report, keep and return that one. Raises
        OpenCaseExists when the household has an open case of the same service type."""
        try:
            self.cases.insert_one(case)
            return case
        except DuplicateKeyError as exc:
            if "open_key" in (exc.details or {}).get("keyPattern", {}):
                open_case = self.cases.find_one({"open_key": case["open_key"]})
                if open_case is not None:
                    raise OpenCaseExists(open_case) from None
                return self.add(case)   # it closed in the meantime
            return self.cases.find_one({"_id": case["_id"]})

    def add_linked(self, case: dict) -> dict:
        try:
            self.cases.insert_one(case)
            return case
        except DuplicateKeyError:
            return self.cases.find_one({"_id": case["_id"]})

    def note_duplicate(self, open_case_id: str, entry: dict) -> None:
        """Add a duplicate's entry to the open case's history, once."""
        self.cases.update_one(
            {"_id": open_case_id, "history.report_id": {"$ne": entry["report_id"]}},
            {"$push": {"history": entry, "linked_reports": entry["report_id"]},
             "$inc": {"version": 1}})

    def save(self, before: dict, after: dict, entries: list[dict], events: list[dict],
             now: str) -> bool:
        """Store a change made on `before`; False if the case changed since it was read."""
        changes = {k: v for k, v in after.items()
                   if k not in TOP_FIELDS_KEPT and before.get(k, ...) != v}
        removed = {k: "" for k in before if k not in after and k not in TOP_FIELDS_KEPT}
        update = {"$inc": {"version": 1}, "$push": {"history": {"$each": entries}}}
        if events:
            update["$push"]["outbox"] = {"$each": events}
            update["$min"] = {"outbox_at": now}
        if changes:
            update["$set"] = changes
        if removed:
            update["$unset"] = removed
        result = self.cases.update_one({"_id": before["_id"], "version": before.get("version", 0)},
                                       update)
        return result.matched_count == 1

    def outbox_sent(self, case_id: str, version: int) -> None:
        """Clear the outbox after its events were published; left for the sweep if the case
        changed meanwhile (its events are then published again, under the same ids)."""
        self.cases.update_one({"_id": case_id, "version": version},
                              {"$set": {"outbox": []}, "$unset": {"outbox_at": ""}})

    def due(self, now: str, limit: int) -> list[dict]:
        return list(self.cases.find({"timer_at": {"$lt": now}}).sort("timer_at", ASCENDING)
                    .limit(limit))

    def unsent(self, before: str, limit: int) -> list[dict]:
        return list(self.cases.find({"outbox_at": {"$lte": before}},
                                    {"outbox": 1, "version": 1}).limit(limit))

    def find(self, query: dict, page: int, per_page: int) -> tuple[list[dict], int]:
        total = self.cases.count_documents(query)
        items = list(self.cases.find(query, {"outbox": 0, "history": 0})
                     .sort([("routed_at", DESCENDING), ("_id", ASCENDING)])
                     .skip((page - 1) * per_page).limit(per_page))
        return items, total

    def ping(self) -> bool:
        self.cases.database.command("ping")
        return True
