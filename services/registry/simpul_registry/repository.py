"""The registry's own MongoDB database."""
from pymongo import ASCENDING, ReplaceOne
from pymongo.database import Database

COLLECTIONS = ("regions", "service_types", "opds", "routing_rules", "posyandu")


def prepare(db: Database) -> None:
    db.regions.create_index([("parent", ASCENDING)])
    db.posyandu.create_index([("desa_code", ASCENDING)])
    db.routing_rules.create_index([("kabupaten_code", ASCENDING)])
    db.opds.create_index([("kabupaten_code", ASCENDING)])


def _public(doc):
    if doc is None:
        return None
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return doc


class RegistryRepository:
    def __init__(self, db: Database):
        self.db = db

    def upsert_all(self, collection: str, documents: list[dict]) -> int:
        if not documents:
            return 0
        result = self.db[collection].bulk_write(
            [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in documents], ordered=False)
        return result.upserted_count + result.modified_count

    def region(self, code: str):
        return _public(self.db.regions.find_one({"_id": code}))

    def posyandu(self, posyandu_id: str):
        return _public(self.db.posyandu.find_one({"_id": posyandu_id}))

    def posyandu_of_desa(self, desa_code: str) -> list[dict]:
        return [_public(p) for p in self.db.posyandu.find({"desa_code": desa_code}).sort("_id")]

    def service_types(self) -> list[dict]:
        return [_public(s) for s in self.db.service_types.find().sort("_id")]

    def routing_table(self, kabupaten_code: str) -> dict:
        rules = [_public(r) for r in self.db.routing_rules.find({"kabupaten_code": kabupaten_code})]
        opds = {o["_id"]: o["name"] for o in self.db.opds.find({"kabupaten_code": kabupaten_code},
                                                               {"name": 1})}
        norms = {s["_id"]: {"acknowledge_working_days": s["acknowledge_working_days"],
                            "follow_up_working_days": s["follow_up_working_days"]}
                 for s in self.db.service_types.find()}
        return {"kabupaten_code": kabupaten_code, "rules": rules, "opds": opds, "norms": norms}

    def children(self, code: str) -> list[dict]:
        return [_public(r) for r in self.db.regions.find({"parent": code}).sort("_id")]

    def kecamatan_codes(self, kabupaten_code: str) -> list[str]:
        return [r["_id"] for r in self.db.regions.find({"parent": kabupaten_code, "level": "kecamatan"},
                                                       {"_id": 1})]

    def ping(self) -> bool:
        self.db.command("ping")
        return True
