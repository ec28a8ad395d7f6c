"""Load the demo master data for Batang and Batam: `simpul-registry-seed` (idempotent)."""
import argparse
import os
import sys

from simpul_common.nameko_ext.storage import connect

from . import regions_source
from .domain import catalogue, demo
from .repository import RegistryRepository, prepare


def seed_demo(repo: RegistryRepository, kabupaten_codes=demo.DEMO_KABUPATEN, say=print) -> dict:
    counts = {"service_types": repo.upsert_all("service_types", catalogue.service_type_entries())}
    for code in kabupaten_codes:
        tree = regions_source.region_tree(code)
        kabupaten = next(r for r in tree if r["code"] == code)
        kecamatan = [r for r in tree if r["level"] == "kecamatan"]
        desa = [r for r in tree if r["level"] == "desa"]
        batches = {
            "regions": tree,
            "opds": demo.opds(kabupaten, kecamatan),
            "routing_rules": demo.routing_rules(code, kecamatan),
            "posyandu": demo.posyandu(code, desa),
        }
        for collection, documents in batches.items():
            repo.upsert_all(collection, documents)
            counts[f"{code}:{collection}"] = len(documents)
            say(f"  {kabupaten['name']}: {len(documents):>5} {collection}")
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Isi data induk demo Batang (33.25) dan Batam (21.71).")
    parser.add_argument("--mongo-uri", default=os.environ.get(
        "MONGO_URI", "mongodb://127.0.0.1:27027/?retryWrites=false"))
    parser.add_argument("--db", default=os.environ.get("REGISTRY_DB", "simpul_registry"))
    args = parser.parse_args(argv)
    client = connect(args.mongo_uri)
    db = client[args.db]
    prepare(db)
    print("Memuat data induk demo ke registry ...")
    seed_demo(RegistryRepository(db))
    print("Data induk demo siap.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
