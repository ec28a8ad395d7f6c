"""The registry's own MongoDB database: regions, service types, Posyandu, OPD, routing rules,
people and API keys. Reads hand out documents with `id` (not `_id`) and never a password or key
hash; writes take `_id`."""
import os
import re
from contextlib import contextmanager

from pymongo import ASCENDING, InsertOne, ReplaceOne, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from simpul_common.audit import AuditLog
from simpul_common.nameko_ext.storage import connect

from .domain import search

COLLECTIONS = ("regions", "service_types", "opds", "routing_rules", "posyandu", "people", "api_keys")
SECRETS = ("password_hash", "key_hash")   # stored, never read out
DUPLICATE_KEY = 11000
MAX_SEARCH_CANDIDATES = 20_000


def prepare(db: Database) -> None:
    AuditLog.prepare(db)
    db.regions.create_index([("parent", ASCENDING)])
    db.regions.create_index([("search", ASCENDING)])
    db.posyandu.create_index([("desa_code", ASCENDING)])
    db.posyandu.create_index([("kabupaten_code", ASCENDING)])
    db.posyandu.create_index([("registration_number", ASCENDING)], unique=True)
    db.routing_rules.create_index([("kabupaten_code", ASCENDING)])
    db.routing_rules.create_index([("opd_code", ASCENDING)])
    db.opds.create_index([("kabupaten_code", ASCENDING)])
    db.people.create_index([("kabupaten_code", ASCENDING), ("role", ASCENDING)])
    db.people.create_index([("username", ASCENDING)], unique=True,
                           partialFilterExpression={"username": {"$type": "string"}})
    # people stored before sign-in existed: every person shows a username, null if none
    db.people.update_many({"username": {"$exists": False}}, {"$set": {"username": None}})
    db.api_keys.create_index([("opd_code", ASCENDING)])
    db.api_keys.create_index([("kabupaten_code", ASCENDING)])


def public(doc):
    if doc is None:
        return None
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    for field in ("search", *SECRETS):
        doc.pop(field, None)
    return doc


def prefix_filter(field: str, code: str) -> dict:
    """Documents whose region `field` is `code` or lies inside it."""
    return {field: {"$regex": f"^{re.escape(code)}(\\.|$)"}}


def add_storage_arguments(parser) -> None:
    """`--mongo-uri` and `--db` of the registry's command-line tools."""
    parser.add_argument("--mongo-uri", default=os.environ.get(
        "MONGO_URI", "mongodb://127.0.0.1:27027/?retryWrites=false"))
    parser.add_argument("--db", default=os.environ.get("REGISTRY_DB", "simpul_registry"))


@contextmanager
def opened(args):
    """The registry repository of a command-line tool, indexes prepared."""
    client = connect(args.mongo_uri)
    try:
        db = client[args.db]
        prepare(db)
        yield RegistryRepository(db)
    finally:
        client.close()


class RegistryRepository:
    def __init__(self, db: Database):
        self.db = db

    # --- generic ------------------------------------------------------------------------
    def get(self, collection: str, key: str):
        return public(self.db[collection].find_one({"_id": key})) if isinstance(key, str) else None

    def page(self, collection: str, query: dict, page: int, per_page: int, sort=("_id",)) -> dict:
        cursor = self.db[collection].find(query).sort([(f, ASCENDING) for f in sort])
        items = [public(d) for d in cursor.skip((page - 1) * per_page).limit(per_page)]
        total = self.db[collection].count_documents(query) if items or page > 1 else 0
        return {"items": items, "total": total, "page": page, "per_page": per_page}

    def insert(self, collection: str, document: dict) -> None:
        self.db[collection].insert_one(document)

    def replace(self, collection: str, document: dict) -> None:
        self.db[collection].replace_one({"_id": document["_id"]}, document)

    def set_fields(self, collection: str, key: str, fields: dict) -> None:
        self.db[collection].update_one({"_id": key}, {"$set": fields})

    def add_missing(self, collection: str, documents: list[dict]) -> int:
        """Insert what is not there yet; what an admin has changed stays as it is."""
        if not documents:
            return 0
        result = self.db[collection].bulk_write(
            [UpdateOne({"_id": d["_id"]}, {"$setOnInsert": d}, upsert=True) for d in documents],
            ordered=False)
        return result.upserted_count

    def ping(self) -> bool:
        self.db.command("ping")
        return True

    # --- regions ------------------------------------------------------------------------
    def region(self, code: str):
        return self.get("regions", code)

    def regions_in(self, codes) -> dict:
        return {d["_id"]: public(d) for d in self.db.regions.find({"_id": {"$in": sorted(codes)}})}

    def children(self, code: str) -> list[dict]:
        return [public(r) for r in self.db.regions.find({"parent": code}).sort("_id")]

    def kecamatan_codes(self, kabupaten_code: str) -> list[str]:
        return [r["_id"] for r in self.db.regions.find(
            {"parent": kabupaten_code, "level": "kecamatan"}, {"_id": 1})]

    def region_candidates(self, word: str, query: dict) -> list[dict]:
        """Regions with a search word starting with `word` (an index range), `query` on top."""
        low, high = search.prefix_range(word)
        return list(self.db.regions.find({"search": {"$gte": low, "$lt": high}, **query})
                    .limit(MAX_SEARCH_CANDIDATES))

    def stored_regions(self, query: dict) -> dict:
        return {d["_id"]: d for d in self.db.regions.find(query)}

    def write_regions(self, new: list[dict], changed: list[dict]) -> None:
        operations = [InsertOne(d) for d in new] + [ReplaceOne({"_id": d["_id"]}, d) for d in changed]
        if operations:
            self.db.regions.bulk_write(operations, ordered=False)

    # --- service types, posyandu, rules -------------------------------------------------
    def service_types(self) -> list[dict]:
        return [public(s) for s in self.db.service_types.find().sort("_id")]

    def posyandu_by_registration(self, numbers) -> dict:
        return {d["registration_number"]: public(d) for d in self.db.posyandu.find(
            {"registration_number": {"$in": sorted(numbers)}})}

    def posyandu_places(self, kabupaten_code: str) -> dict:
        return {d["_id"]: [d["desa_code"], d.get("active", True) is not False]
                for d in self.db.posyandu.find({"kabupaten_code": kabupaten_code},
                                               {"desa_code": 1, "active": 1})}

    def posyandu_ids_in(self, desa_codes) -> set[str]:
        return {d["_id"] for d in self.db.posyandu.find({"desa_code": {"$in": sorted(desa_codes)}},
                                                        {"_id": 1})}

    def write_posyandu(self, documents: list[dict]) -> None:
        """All or nothing: one transaction for the whole import."""
        operations = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in documents]
        with self.db.client.start_session() as session:
            with session.start_transaction():
                self.db.posyandu.bulk_write(operations, ordered=True, session=session)

    def rules_of(self, kabupaten_code: str) -> list[dict]:
        return [public(r) for r in self.db.routing_rules.find({"kabupaten_code": kabupaten_code})]

    def rules_naming(self, opd_code: str, today: str) -> list[dict]:
        """Rules naming the OPD that are in force today or start later."""
        return [public(r) for r in self.db.routing_rules.find(
            {"opd_code": opd_code, "$or": [{"valid_to": None}, {"valid_to": {"$gt": today}}]})]

    def routing_table(self, kabupaten_code: str) -> dict:
        opds = {o["_id"]: o["name"] for o in self.db.opds.find(
            {"kabupaten_code": kabupaten_code, "active": {"$ne": False}}, {"name": 1})}
        norms = {s["_id"]: {"acknowledge_working_days": s["acknowledge_working_days"],
                            "follow_up_working_days": s["follow_up_working_days"]}
                 for s in self.db.service_types.find()}
        return {"kabupaten_code": kabupaten_code, "rules": self.rules_of(kabupaten_code),
                "opds": opds, "norms": norms}

    def posyandu_counts(self, region: str) -> dict:
        """Posyandu of a region: all, active, running ILP, running the six SPM."""
        field = ("kabupaten_code", "kabupaten_code", "kecamatan_code", "desa_code")[region.count(".")]
        match = prefix_filter(field, region) if "." not in region else {field: region}
        rows = list(self.db.posyandu.aggregate([{"$match": match}, {"$group": {
            "_id": None, "total": {"$sum": 1},
            **{key: {"$sum": {"$cond": [{"$eq": [f"${key}", True]}, 1, 0]}}
               for key in ("active", "ilp", "six_spm")}}}]))
        counts = rows[0] if rows else {"total": 0, "active": 0, "ilp": 0, "six_spm": 0}
        return {key: counts[key] for key in ("total", "active", "ilp", "six_spm")}

    # --- sign-in: logins, and the only reads that see a hash -----------------------------
    def give_logins(self, usernames: dict, password_hash: str) -> int:
        """Give each person (id → username) a login unless it has a username already, so what
        a user changed stays; a username someone else holds is left to them."""
        if not usernames:
            return 0
        try:
            return self.db.people.bulk_write([UpdateOne(
                {"_id": person_id, "username": None},
                {"$set": {"username": username, "password_hash": password_hash}})
                for person_id, username in usernames.items()], ordered=False).modified_count
        except BulkWriteError as error:
            if any(e["code"] != DUPLICATE_KEY for e in error.details["writeErrors"]):
                raise
            return error.details["nModified"]

    def username_holder(self, username: str):
        """The id of the person holding a username, or None."""
        holder = self.db.people.find_one({"username": username}, {"_id": 1})
        return holder["_id"] if holder else None

    def person_with_hash(self, username: str):
        """The stored person of a username, password hash included: only to check a password."""
        return self.db.people.find_one({"username": username})

    def api_key_with_hash(self, key_id: str):
        """The stored API key, its hash included: only to check a key."""
        return self.db.api_keys.find_one({"_id": key_id})
