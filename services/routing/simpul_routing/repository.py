"""Routing's own MongoDB database: one case per report."""
from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


def prepare(db: Database) -> None:
    db.cases.create_index([("opd_code", ASCENDING), ("status", ASCENDING)])


class CaseRepository:
    def __init__(self, db: Database):
        self.cases = db.cases

    def get(self, report_id: str):
        return self.cases.find_one({"_id": report_id})

    def add(self, case: dict) -> dict:
        """Store a new case; if one exists for the report, keep and return that one."""
        try:
            self.cases.insert_one(case)
            return case
        except DuplicateKeyError:
            return self.cases.find_one({"_id": case["_id"]})

    def ping(self) -> bool:
        self.cases.database.command("ping")
        return True
