"""Intake's own MongoDB database: one document per report, tracking folded in."""
from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


def prepare(db: Database) -> None:
    db.reports.create_index([("posyandu_id", ASCENDING), ("received_at", ASCENDING)])
    db.reports.create_index([("history.event_id", ASCENDING)])


class ReportNotFound(LookupError):
    pass


class ReportRepository:
    def __init__(self, db: Database):
        self.reports = db.reports

    def add(self, report: dict) -> tuple[dict, bool]:
        """Store a new report; if its id exists, the stored one. One round trip when new."""
        try:
            self.reports.insert_one(report)
            return report, True
        except DuplicateKeyError:
            return self.reports.find_one({"_id": report["_id"]}), False

    def get(self, report_id: str):
        return self.reports.find_one({"_id": report_id})

    def apply(self, report_id: str, changes: dict, entry: dict) -> bool:
        """Apply a tracking change once per event id; False when it was applied before."""
        result = self.reports.update_one(
            {"_id": report_id, "history.event_id": {"$ne": entry["event_id"]}},
            {"$set": changes, "$push": {"history": entry}})
        if result.matched_count:
            return True
        if self.reports.count_documents({"_id": report_id}, limit=1) == 0:
            raise ReportNotFound(report_id)
        return False

    def ping(self) -> bool:
        self.reports.database.command("ping")
        return True
