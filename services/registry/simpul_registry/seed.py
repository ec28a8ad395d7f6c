"""Load the demo master data for Batang and Batam: `simpul-registry-seed` (idempotent).

Only what is missing is added: a restart never undoes what an admin changed since."""
import argparse
import os
import sys

from .domain import catalogue, demo
from .loading import load_regions
from .repository import RegistryRepository, add_storage_arguments, opened

REGION_SCOPES = ("all", "demo")


def seed_demo(repo: RegistryRepository, kabupaten_codes=demo.DEMO_KABUPATEN, regions="demo",
              say=print) -> dict:
    """`regions`: "all" loads every Kemendagri region; "demo" the provinces and kabupaten/kota
    of the country plus the whole tree of the demo kabupaten/kota."""
    counts = {"service_types": repo.add_missing("service_types", catalogue.service_type_entries())}
    for scope in ("all",) if regions == "all" else ("outline", *kabupaten_codes):
        say(f"  wilayah {scope}: {load_regions(repo, scope, say=say)}")
    for code in kabupaten_codes:
        kabupaten = repo.region(code)
        kecamatan = [r for r in repo.children(code) if r["level"] == "kecamatan"]
        desa = [d for k in kecamatan for d in repo.children(k["code"])]
        batches = {
            "opds": demo.opds(kabupaten, kecamatan),
            "routing_rules": demo.routing_rules(code, kecamatan),
            "posyandu": demo.posyandu(code, desa),
        }
        batches["people"] = demo.people(kabupaten, batches["posyandu"][0])
        for collection, documents in batches.items():
            added = repo.add_missing(collection, documents)
            counts[f"{code}:{collection}"] = len(documents)
            say(f"  {kabupaten['name']}: {len(documents):>5} {collection} ({added} baru)")
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Isi data induk demo Batang (33.25) dan Batam (21.71).")
    parser.add_argument("--regions", choices=REGION_SCOPES, default=os.environ.get("SIMPUL_REGIONS", "demo"),
                        help="all: seluruh wilayah Kemendagri; demo: provinsi, kabupaten/kota dan "
                             "wilayah lengkap kedua daerah demo")
    add_storage_arguments(parser)
    args = parser.parse_args(argv)
    with opened(args) as repo:
        print("Memuat data induk demo ke registry ...")
        seed_demo(repo, regions=args.regions)
    print("Data induk demo siap.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
