"""Reporting's own MongoDB database: the journal of every event consumed, the facts derived
from it, and the counters; journal entries, facts and counters change together, once, in one
transaction (a batch of events in a handful of round trips: the store is slow per trip)."""
from collections import Counter

from pymongo import ASCENDING, ReplaceOne, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

FACT_FIELDS_HIDDEN = {"events": 0}


def prepare(db: Database) -> None:
    db.journal.create_index([("report_id", ASCENDING)])
    db.facts.create_index([("regions", ASCENDING), ("day", ASCENDING)])
    _count_by_scope(db)


def _count_by_scope(db: Database) -> None:
    """The counts were one document per (scope, dimension, value) before: twenty-odd upserts
    for one report. Fold such counters into one document per scope, once, at the first start
    of this version (values set, not added: a start interrupted halfway does it again)."""
    if "counters" not in db.list_collection_names():
        return
    scopes: dict[str, dict] = {}
    for row in db.counters.find({"n": {"$ne": 0}}):
        scopes.setdefault(row["scope"], {})[_field(row["dim"], row["value"])] = row["n"]
    for scope, counts in scopes.items():
        db.counts.update_one({"_id": scope}, {"$set": counts}, upsert=True)
    db.counters.drop()


def _field(dim: str, value: str) -> str:
    """The field of one counter in its scope's document: `c.<dim>|<value>`, with the dots of
    codes (and `%`, `$`) escaped, since a dot in a field name is a path."""
    escaped = value.replace("%", "%25").replace(".", "%2E").replace("$", "%24")
    return f"c.{dim}|{escaped}"


def _dim_value(field: str) -> tuple[str, str]:
    dim, _, escaped = field.partition("|")
    return dim, escaped.replace("%24", "$").replace("%2E", ".").replace("%25", "%")


def _duplicate_keys(error) -> bool:
    """Whether a write failed only on keys taken already (insert_many says so per document)."""
    if isinstance(error, DuplicateKeyError):
        return True
    errors = (error.details or {}).get("writeErrors") or []
    return bool(errors) and all(e.get("code") == 11000 for e in errors)


class ReportingRepository:
    def __init__(self, db: Database):
        self.db = db

    def apply(self, entry: dict, derive, deltas) -> bool:
        """Journal one event, derive its report's fact again and move the counters,
        atomically; False if the event was journaled before."""
        def transaction(session):
            self.db.journal.insert_one(entry, session=session)
            self._fold([entry["report_id"]], derive, deltas, session)

        try:
            self._in_transaction(transaction)
        except DuplicateKeyError:
            return False
        return True

    def apply_batch(self, entries: list[dict], derive, deltas) -> int:
        """`apply` for many events at once, in one transaction: how many were journaled now
        (events journaled before, or twice in `entries`, are skipped). Should another replica
        journal one of them meanwhile, each is applied alone, as `apply` does."""
        def transaction(session):
            ids = [entry["_id"] for entry in entries]
            known = {e["_id"] for e in self.db.journal.find({"_id": {"$in": ids}}, {"_id": 1},
                                                            session=session)}
            new = list({e["_id"]: e for e in entries if e["_id"] not in known}.values())
            if new:
                self.db.journal.insert_many(new, session=session)
                self._fold(sorted({entry["report_id"] for entry in new}), derive, deltas, session)
            return len(new)

        try:
            return self._in_transaction(transaction)
        except (DuplicateKeyError, BulkWriteError) as exc:
            if not _duplicate_keys(exc):
                raise
            return sum(self.apply(entry, derive, deltas) for entry in entries)

    def _in_transaction(self, transaction):
        with self.db.client.start_session() as session:
            return session.with_transaction(transaction)

    def _fold(self, report_ids: list[str], derive, deltas, session) -> None:
        """Derive the facts of these reports again from their whole journal, and move the
        counters by the difference, in four round trips however many reports."""
        journaled: dict[str, list] = {report_id: [] for report_id in report_ids}
        for entry in self._all(self.db.journal, {"report_id": {"$in": report_ids}}, session):
            journaled[entry["report_id"]].append(entry)
        before = {f["_id"]: f for f in self._all(self.db.facts, {"_id": {"$in": report_ids}},
                                                 session)}
        after = {report_id: derive(report_id, entries) for report_id, entries in journaled.items()}
        self.db.facts.bulk_write([ReplaceOne({"_id": report_id}, fact, upsert=True)
                                  for report_id, fact in after.items()], session=session)
        moved: Counter = Counter()
        for report_id, fact in after.items():
            moved.update(deltas(before.get(report_id), fact))
        self._move({key: n for key, n in moved.items() if n}, session)

    @staticmethod
    def _all(collection, query: dict, session) -> list[dict]:
        return list(collection.find(query, session=session).batch_size(10_000))

    def _move(self, deltas: dict, session=None) -> None:
        """Move the counters: one upsert per region scope, whatever the dimensions."""
        by_scope: dict[str, dict] = {}
        for (scope, dim, value), n in deltas.items():
            by_scope.setdefault(scope, {})[_field(dim, value)] = n
        if by_scope:
            self.db.counts.bulk_write([UpdateOne({"_id": scope}, {"$inc": counts}, upsert=True)
                                       for scope, counts in by_scope.items()],
                                      ordered=False, session=session)

    def counters_of(self, region: str) -> list[tuple[str, str, int]]:
        found = self.db.counts.find_one({"_id": region}) or {}
        return [(*_dim_value(field), n) for field, n in found.get("c", {}).items()]

    def all_counters(self) -> dict[str, int]:
        """Every counter that is not zero, as `scope|dim|value` → n (rebuild checks, tests)."""
        return {f"{scope['_id']}|{dim}|{value}": n for scope in self.db.counts.find()
                for dim, value, n in ((*_dim_value(f), n) for f, n in scope.get("c", {}).items())
                if n}

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
            self.db.counts.delete_many({}, session=session)
            for start in range(0, len(facts), 1000):
                self.db.facts.insert_many(facts[start:start + 1000], session=session)
            self._move({key: n for key, n in counters.items() if n}, session)

        self._in_transaction(transaction)

    def ping(self) -> bool:
        self.db.command("ping")
        return True
