"""Intake's own MongoDB database: one document per report, tracking folded in."""
from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from simpul_common.audit import AuditLog

from .domain.report import guarded


def prepare(db: Database) -> None:
    db.reports.create_index([("posyandu_id", ASCENDING), ("received_at", ASCENDING)])
    db.reports.create_index([("history.event_id", ASCENDING)])
    db.reports.create_index([("citizen_ref", ASCENDING)])
    db.reports.create_index([("closed_at", ASCENDING)])
    AuditLog.prepare(db)


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

    def apply(self, report_id: str, changes: dict, entry: dict, sequence: int | None = None) -> bool:
        """Apply a tracking change once per event id; False when it was applied before. With
        the case's history `sequence`, each part of the changes (see `domain.report.guarded`)
        applies only if no later position set that part (the entry is kept in the history
        either way). One round trip in the usual, in-order case."""
        fresh = {"_id": report_id, "history.event_id": {"$ne": entry["event_id"]}}
        if sequence is None:
            result = self.reports.update_one(fresh, {"$set": changes, "$push": {"history": entry}})
        else:
            parts = guarded(changes)
            everything = {f: v for part in parts.values() for f, v in part.items()}
            result = self.reports.update_one(
                {**fresh, "$and": [_not_after(guard, sequence) for guard in parts]},
                {"$set": {**everything, **{guard: sequence for guard in parts}},
                 "$push": {"history": entry}})
            if not result.matched_count:   # partly out of order, or applied before
                result = self.reports.update_one(fresh, {"$push": {"history": entry}})
                for guard, part in parts.items() if result.matched_count else ():
                    self.reports.update_one({"_id": report_id, **_not_after(guard, sequence)},
                                            {"$set": {**part, guard: sequence}})
        if result.matched_count:
            return True
        if self.reports.count_documents({"_id": report_id}, limit=1) == 0:
            raise ReportNotFound(report_id)
        return False

    def of_citizen(self, citizen_ref: str) -> list[dict]:
        """The reports filed about one citizen (by the keyed hash of their NIK), oldest first."""
        return list(self.reports.find({"citizen_ref": citizen_ref}).sort("received_at", ASCENDING))

    def erase(self, report_ids: list[str], erasure: dict) -> int:
        """Erase the personal data of these reports, in one update; how many it erased."""
        if not report_ids:
            return 0
        return self.reports.update_many({"_id": {"$in": list(report_ids)}, "erased": None},
                                        {"$set": erasure}).modified_count

    def erase_closed_before(self, instant: str, erasure: dict) -> int:
        """Erase the personal data of every report whose case ended before `instant`."""
        return self.reports.update_many({"closed_at": {"$lt": instant}, "erased": None},
                                        {"$set": erasure}).modified_count

    def ping(self) -> bool:
        self.reports.database.command("ping")
        return True


def _not_after(guard: str, sequence: int) -> dict:
    return {"$or": [{guard: {"$lte": sequence}}, {guard: None}]}
