"""Reporting's own MongoDB database: facts and counters, changed together in a transaction."""
from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database


def prepare(db: Database) -> None:
    db.counters.create_index([("scope", ASCENDING)])


class ReportingRepository:
    def __init__(self, db: Database):
        self.db = db

    def apply(self, report_id: str, event_id: str, project, deltas) -> bool:
        """Project one event onto its fact and move the counters, atomically, once."""
        applied = {}

        def transaction(session):
            before = self.db.facts.find_one({"_id": report_id}, session=session)
            if before and event_id in before["applied"]:
                applied["done"] = False
                return
            after = project(before)
            self.db.facts.replace_one({"_id": report_id}, after, upsert=True, session=session)
            changes = [UpdateOne({"_id": "|".join(key)},
                                 {"$inc": {"n": n},
                                  "$setOnInsert": {"scope": key[0], "dim": key[1], "value": key[2]}},
                                 upsert=True)
                       for key, n in deltas(before, after).items()]
            if changes:
                self.db.counters.bulk_write(changes, ordered=False, session=session)
            applied["done"] = True

        with self.db.client.start_session() as session:
            session.with_transaction(transaction)
        return applied["done"]

    def counters_of(self, region: str) -> list[tuple[str, str, int]]:
        return [(c["dim"], c["value"], c["n"]) for c in self.db.counters.find({"scope": region})]

    def ping(self) -> bool:
        self.db.command("ping")
        return True
