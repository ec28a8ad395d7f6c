"""Intake's own MongoDB database: one document per report, tracking folded in."""
from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from simpul_common.audit import AuditLog

from .domain.report import guarded

DUPLICATE_KEY = 11000


def prepare(db: Database) -> None:
    db.reports.create_index([("posyandu_id", ASCENDING), ("received_at", ASCENDING)])
    # every tracking write selects its report by _id: an index over each report's history
    # event ids was only more work for each of them (one entry per event), so it goes
    if "history.event_id_1" in db.reports.index_information():
        db.reports.drop_index("history.event_id_1")
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
        return self.add_many([report])[0]

    def add_many(self, reports: list[dict]) -> list[tuple[dict, bool]]:
        """Store new reports, each as `add` does, in one round trip, plus one to read the
        stored ones whose ids existed (or repeat within `reports`)."""
        if not reports:
            return []
        try:
            self.reports.insert_many(reports, ordered=False)
            refused = set()
        except BulkWriteError as exc:
            refused = _duplicates(exc)
        stored = {}
        if refused:
            ids = list({reports[i]["_id"] for i in refused})
            stored = {r["_id"]: r for r in self.reports.find({"_id": {"$in": ids}})}
        return [(stored[report["_id"]], False) if i in refused else (report, True)
                for i, report in enumerate(reports)]

    def get(self, report_id: str):
        return self.reports.find_one({"_id": report_id})

    def apply(self, report_id: str, changes: dict, entry: dict, sequence: int | None = None) -> bool:
        """Apply a tracking change once per event id; False when it was applied before. With
        the case's history `sequence`, each part of the changes (see `domain.report.guarded`)
        applies only if no later position set that part (the entry is kept in the history
        either way). One round trip in the usual, in-order case."""
        result = self.reports.update_one(*_in_order(report_id, changes, entry, sequence))
        if not result.matched_count and sequence is not None:   # partly out of order, or done
            result = self.reports.update_one(_fresh(report_id, entry),
                                             {"$push": {"history": entry}})
            for guard, part in guarded(changes).items() if result.matched_count else ():
                self.reports.update_one({"_id": report_id, **_not_after(guard, sequence)},
                                        {"$set": {**part, guard: sequence}})
        if result.matched_count:
            return True
        if self.reports.count_documents({"_id": report_id}, limit=1) == 0:
            raise ReportNotFound(report_id)
        return False

    def apply_in_order(self, changes: list[tuple[str, dict, dict, int | None]]) -> int:
        """Try each (report id, changes, entry, sequence) as `apply` does first, in order, in
        one round trip: how many applied. Those that did not (applied before, out of order, or
        no such report) changed nothing; `apply` each of them alone."""
        if not changes:
            return 0
        return self.reports.bulk_write([UpdateOne(*_in_order(*c)) for c in changes],
                                       ordered=True).matched_count

    def event_ids(self, report_ids) -> dict[str, set[str]]:
        """The ids of the events in each stored report's history, in one round trip."""
        found = self.reports.find({"_id": {"$in": list(set(report_ids))}}, {"history.event_id": 1})
        return {r["_id"]: {h["event_id"] for h in r.get("history", [])} for r in found}

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


def _fresh(report_id: str, entry: dict) -> dict:
    """The report, if its history does not have the entry's event yet."""
    return {"_id": report_id, "history.event_id": {"$ne": entry["event_id"]}}


def _in_order(report_id: str, changes: dict, entry: dict,
              sequence: int | None) -> tuple[dict, dict]:
    """The filter and update of a tracking change in the usual case: the event is new, and no
    later position of the case set any part of the changes."""
    fresh = _fresh(report_id, entry)
    if sequence is None:
        return fresh, {"$set": changes, "$push": {"history": entry}}
    parts = guarded(changes)
    everything = {f: v for part in parts.values() for f, v in part.items()}
    guards = {}
    for guard in parts:
        guards.update(_not_after(guard, sequence))
    return ({**fresh, **guards},
            {"$set": {**everything, **{guard: sequence for guard in parts}},
             "$push": {"history": entry}})


def _duplicates(error: BulkWriteError) -> set[int]:
    """The positions an unordered insert refused for a duplicate key; any other error raises."""
    details = error.details or {}
    refused = {e["index"] for e in details.get("writeErrors", []) if e.get("code") == DUPLICATE_KEY}
    if details.get("writeConcernErrors") or len(refused) < len(details.get("writeErrors", [])):
        raise error
    return refused


def _not_after(guard: str, sequence: int) -> dict:
    """Set by no later position than `sequence` (or never set). Written as `$not`, not as an
    `$or` with a missing field: SecantusDB plans a top-level `$or`/`$and` as a collection scan
    even beside the `_id` (docs/storage.md)."""
    return {guard: {"$not": {"$gt": sequence}}}
