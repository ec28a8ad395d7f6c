"""Notification's own MongoDB database: the delivery log (one record per notification, every
attempt inside it), the paused channels, and the kader's inbox."""
from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from simpul_common.audit import AuditLog

from .domain.delivery import claimed

RETRYABLE = ("pending",)


def prepare(db: Database) -> None:
    AuditLog.prepare(db)
    db.deliveries.create_index([("report_id", ASCENDING)])
    db.deliveries.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])
    db.deliveries.create_index([("status", ASCENDING), ("opd_code", ASCENDING)])
    db.deliveries.create_index([("status", ASCENDING), ("claimed_at", ASCENDING)])
    db.inbox.create_index([("posyandu_id", ASCENDING), ("at", DESCENDING)])


class DeliveryRepository:
    def __init__(self, db: Database):
        self.deliveries, self.channels, self.inbox = db.deliveries, db.channel_states, db.inbox

    # --- the log ---------------------------------------------------------------------------
    def add(self, records: list[dict]) -> list[str]:
        """Store new records; those already there (a redelivered event) stay as they are:
        their ids are the answer."""
        return _insert_new(self.deliveries, records)

    def delivered_among(self, ids: list[str]) -> list[dict]:
        return list(self.deliveries.find({"_id": {"$in": ids}, "status": "delivered"},
                                         {"payload": 0}))

    def get(self, notification_id: str):
        return self.deliveries.find_one({"_id": notification_id})

    def claim(self, notification_id: str, now: str, stale_before: str):
        """Take a due delivery for sending: the record, or None if it is not due, delivered,
        parked, or being sent by a live worker (a claim older than `stale_before` belongs to
        a worker that died and is taken over)."""
        for due in _due(now, stale_before):
            record = self.deliveries.find_one_and_update(
                {"_id": notification_id, **due}, {"$set": claimed(now)},
                return_document=ReturnDocument.AFTER)
            if record is not None:
                return record
        return None

    def finish(self, outcomes: list[tuple[str, dict, dict]]) -> None:
        """Record each attempt (notification id, changes, attempt) of deliveries being sent,
        in one round trip."""
        if outcomes:
            self.deliveries.bulk_write([UpdateOne(
                {"_id": notification_id, "status": "sending"},
                {"$set": {**changes, "claimed_at": None}, "$push": {"attempts": attempt}})
                for notification_id, changes, attempt in outcomes], ordered=False)

    def due(self, now: str, stale_before: str, paused: set[str], limit: int) -> list[str]:
        if limit <= 0:
            return []
        skip = {"channel_key": {"$nin": sorted(paused)}} if paused else {}
        found = [r for due in _due(now, stale_before) for r in self.deliveries.find(
            {**due, **skip}, {"_id": 1, "next_attempt_at": 1})
            .sort("next_attempt_at", ASCENDING).limit(limit)]
        found.sort(key=lambda r: r.get("next_attempt_at") or "")
        return [r["_id"] for r in found[:limit]]

    def find(self, query: dict, page: int, per_page: int) -> tuple[list[dict], int]:
        total = self.deliveries.count_documents(query)
        items = list(self.deliveries.find(query, {"payload": 0})
                     .sort([("created_at", DESCENDING), ("_id", ASCENDING)])
                     .skip((page - 1) * per_page).limit(per_page))
        return items, total

    def retry(self, query: dict, now: str) -> int:
        """Put parked deliveries matching `query` back in line, due now, with fresh attempts."""
        result = self.deliveries.update_many(
            {"$and": [query, {"status": "parked"}]},
            {"$set": {"status": "pending", "next_attempt_at": now, "attempt_count": 0,
                      "retried_at": now}})
        return result.modified_count

    def for_report(self, report_id: str) -> list[dict]:
        return list(self.deliveries.find({"report_id": report_id}, {"payload": 0}))

    # --- paused channels ---------------------------------------------------------------------
    def paused(self) -> set[str]:
        return {c["_id"] for c in self.channels.find({"paused": True}, {"_id": 1})}

    def set_paused(self, key: str, paused: bool, at: str, by: str | None) -> dict:
        return self.channels.find_one_and_update(
            {"_id": key}, {"$set": {"paused": paused, "changed_at": at, "changed_by": by}},
            upsert=True, return_document=ReturnDocument.AFTER)

    def channel_states(self, prefix: str) -> list[dict]:
        return list(self.channels.find({"_id": {"$regex": f"^{_escape(prefix)}\\|"}}))

    # --- the kader's inbox ----------------------------------------------------------------------
    def add_to_inbox(self, items: list[dict]) -> None:
        _insert_new(self.inbox, items)

    def inbox_page(self, posyandu_id: str, unread_only: bool, page: int,
                   per_page: int) -> tuple[list[dict], int, int]:
        query = {"posyandu_id": posyandu_id}
        if unread_only:
            query["read_at"] = None
        total = self.inbox.count_documents(query)
        unread = total if unread_only else self.inbox.count_documents({**query, "read_at": None})
        items = list(self.inbox.find(query).sort([("at", DESCENDING), ("_id", ASCENDING)])
                     .skip((page - 1) * per_page).limit(per_page))
        return items, total, unread

    def mark_read(self, posyandu_id: str, ids: list[str], at: str) -> int:
        return self.inbox.update_many({"posyandu_id": posyandu_id, "_id": {"$in": ids},
                                       "read_at": None}, {"$set": {"read_at": at}}).modified_count

    def ping(self) -> bool:
        self.deliveries.database.command("ping")
        return True


def _insert_new(collection, documents: list[dict]) -> list[str]:
    """Insert what is new in one round trip; the ids of those stored before."""
    if not documents:
        return []
    try:
        collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:   # duplicates are the ones stored before: keep them
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != 11000 for e in errors):
            raise
        return [documents[e["index"]]["_id"] for e in errors]
    return []


def _escape(text: str) -> str:
    return "".join("\\" + c if c in ".^$*+?{}[]\\|()" else c for c in text)


def _due(now: str, stale_before: str) -> tuple[dict, dict]:
    """What makes a delivery due: a retry whose time has come, or a claim of a worker that
    died. Two queries, each on its index: SecantusDB plans a top-level `$or` as a collection
    scan (docs/storage.md), and the sweep asks every second."""
    return ({"status": "pending", "next_attempt_at": {"$lte": now}},
            {"status": "sending", "claimed_at": {"$lt": stale_before}})
