"""Notification's own MongoDB database: the delivery log."""
import datetime as dt

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


def prepare(db: Database) -> None:
    db.deliveries.create_index([("report_id", ASCENDING)])
    db.deliveries.create_index([("status", ASCENDING), ("opd_code", ASCENDING)])


class DeliveryRepository:
    def __init__(self, db: Database):
        self.deliveries = db.deliveries

    def get(self, notification_id: str):
        return self.deliveries.find_one({"_id": notification_id})

    def claim(self, record: dict, now: dt.datetime, stale_after: dt.timedelta):
        """Claim the right to send: (True, record) for this worker, or (False, the stored
        record) when it was delivered or another worker is sending it right now. A claim older
        than `stale_after` belongs to a worker that died; it is taken over."""
        try:
            self.deliveries.insert_one({**record, "status": "sending", "claimed_at": now})
            return True, record
        except DuplicateKeyError:
            pass
        taken = self.deliveries.find_one_and_update(
            {"_id": record["_id"], "status": {"$ne": "delivered"},
             "claimed_at": {"$lt": now - stale_after}},
            {"$set": {"claimed_at": now, "status": "sending"}})
        if taken is not None:
            return True, record
        return False, self.get(record["_id"])

    def record_success(self, record: dict, attempt: dict) -> dict:
        """Upsert the record as delivered, appending the attempt (one round trip)."""
        fields = {k: v for k, v in record.items() if k not in ("_id", "attempts", "status")}
        self.deliveries.update_one(
            {"_id": record["_id"]},
            {"$set": {**fields, "status": "delivered", "delivered_at": attempt["at"]},
             "$push": {"attempts": attempt}},
            upsert=True)
        return {**record, "status": "delivered", "delivered_at": attempt["at"]}

    def release(self, notification_id: str) -> None:
        self.deliveries.update_one({"_id": notification_id, "status": "sending"},
                                   {"$set": {"claimed_at": dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)}})

    def for_report(self, report_id: str) -> list[dict]:
        return list(self.deliveries.find({"report_id": report_id}))

    def ping(self) -> bool:
        self.deliveries.database.command("ping")
        return True
