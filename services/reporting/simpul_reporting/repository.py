"""Reporting's own MongoDB database: the journal of every event consumed, the facts derived
from it, and the counters; journal entry, fact and counters change together, once, in one
transaction."""
from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

FACT_FIELDS_HIDDEN = {"events": 0}


def prepare(db: Database) -> None:
    db.counters.create_index([("scope", ASCENDING)])
    db.journal.create_index([("report_id", ASCENDING)])
    db.facts.create_index([("regions", ASCENDING), ("day", ASCENDING)])


class ReportingRepository:
    def __init__(self, db: Database):
        self.db = db

    def apply(self, entry: dict, derive, deltas) -> bool:
        """Journal one event, derive its report's fact again and move the counters,
        atomically; False if the event was journaled before."""
        def transaction(session):
            self.db.journal.insert_one(entry, session=session)
            entries = list(self.db.journal.find({"report_id": entry["report_id"]}, session=session))
            before = self.db.facts.find_one({"_id": entry["report_id"]}, session=session)
            after = derive(entry["report_id"], entries)
            self.db.facts.replace_one({"_id": entry["report_id"]}, after, upsert=True,
                                      session=session)
            self._move(deltas(before, after), session)

        try:
            with self.db.client.start_session() as session:
                session.with_transaction(transaction)
        except DuplicateKeyError:
            return False
        return True

    def _move(self, deltas: dict, session=None) -> None:
        changes = [UpdateOne({"_id": "|".join(key)},
                             {"$inc": {"n": n},
                              "$setOnInsert": {"scope": key[0], "dim": key[1], "value": key[2]}},
                             upsert=True)
                   for key, n in deltas.items()]
        if changes:
            self.db.counters.bulk_write(changes, ordered=False, session=session)

    def counters_of(self, region: str) -> list[tuple[str, str, int]]:
        return [(c["dim"], c["value"], c["n"]) for c in self.db.counters.find({"scope": region})]

    def facts_of(self, region: str, since: str | None, until: str | None) -> list[dict]:
        query: dict = {"regions": region}
        if since or until:
            query["day"] = {**({"$gte": since} if since else {}), **({"$lte": until} if until else {})}
        return list(self.db.facts.find(query).sort("_id", ASCENDING))

    # --- rebuilding from the journal -----------------------------------------------------------
    def journal_size(self) -> int:
        return self.db.journal.estimated_document_count()

    def journal_by_report(self, batch: int = 2000):
        """(report_id, entries) for every report in the journal, report by report."""
        current, entries = None, []
        for entry in self.db.journal.find().sort([("report_id", ASCENDING), ("_id", ASCENDING)]) \
                .batch_size(batch):
            if entry["report_id"] != current and entries:
                yield current, entries
                entries = []
            current = entry["report_id"]
            entries.append(entry)
        if entries:
            yield current, entries

    def replace_read_model(self, facts: list[dict], counters: dict) -> None:
        """Put rebuilt facts and counters in place of the current ones, in one transaction."""
        def transaction(session):
            self.db.facts.delete_many({}, session=session)
            self.db.counters.delete_many({}, session=session)
            for start in range(0, len(facts), 1000):
                self.db.facts.insert_many(facts[start:start + 1000], session=session)
            rows = [{"_id": "|".join(key), "scope": key[0], "dim": key[1], "value": key[2], "n": n}
                    for key, n in counters.items() if n]
            for start in range(0, len(rows), 1000):
                self.db.counters.insert_many(rows[start:start + 1000], session=session)

        with self.db.client.start_session() as session:
            session.with_transaction(transaction)

    def ping(self) -> bool:
        self.db.command("ping")
        return True
