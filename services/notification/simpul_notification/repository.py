"""Notification's own MongoDB database: the delivery log."""
from pymongo import ASCENDING
from pymongo.database import Database


def prepare(db: Database) -> None:
    db.deliveries.create_index([("report_id", ASCENDING)])
    db.deliveries.create_index([("status", ASCENDING), ("opd_code", ASCENDING)])


class DeliveryRepository:
    def __init__(self, db: Database):
        self.deliveries = db.deliveries

    def get(self, notification_id: str):
        return self.deliveries.find_one({"_id": notification_id})

    def record_success(self, record: dict, attempt: dict) -> dict:
        """Upsert the record as delivered, appending the attempt (one round trip)."""
        fields = {k: v for k, v in record.items() if k not in ("_id", "attempts", "status")}
        self.deliveries.update_one(
            {"_id": record["_id"]},
            {"$set": {**fields, "status": "delivered", "delivered_at": attempt["at"]},
             "$push": {"attempts": attempt}},
            upsert=True)
        return {**record, "status": "delivered", "delivered_at": attempt["at"]}

    def for_report(self, report_id: str) -> list[dict]:
        return list(self.deliveries.find({"report_id": report_id}))

    def ping(self) -> bool:
        self.deliveries.database.command("ping")
        return True
