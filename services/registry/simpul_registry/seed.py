"""Load the demo master data for Batang and Batam: `simpul-registry-seed` (idempotent).

Only what is missing is added: a restart never undoes what an admin changed since. With
`--demo-users` (demo mode: `make run`, the tests) every demo person also gets its username and
the password `simpul-demo-2026`, and Batang the demo Open311 key (docs/open311.md); a person
who has a username already keeps it and its password.
scrypt is slow on purpose, so the password is hashed once per run and that one hash (one salt)
is shared by all demo users: acceptable for a password that is public anyway."""
import argparse
import os
import sys

from .domain import catalogue, credentials, demo
from .loading import load_regions
from .repository import RegistryRepository, add_storage_arguments, opened

REGION_SCOPES = ("all", "demo")


def seed_demo(repo: RegistryRepository, kabupaten_codes=demo.DEMO_KABUPATEN, regions="demo",
              demo_users=False, say=print) -> dict:
    """`regions`: "all" loads every Kemendagri region; "demo" the provinces and kabupaten/kota
    of the country plus the whole tree of the demo kabupaten/kota. `demo_users`: give the demo
    people their logins (never outside demo mode)."""
    counts = {"service_types": repo.add_missing("service_types", catalogue.service_type_entries())}
    for scope in ("all",) if regions == "all" else ("outline", *kabupaten_codes):
        say(f"  wilayah {scope}: {load_regions(repo, scope, say=say)}")
    admin, usernames = _without_logins([demo.admin()])
    repo.add_missing("people", admin)
    for code in kabupaten_codes:
        kabupaten = repo.region(code)
        kecamatan = [r for r in repo.children(code) if r["level"] == "kecamatan"]
        desa = [d for k in kecamatan for d in repo.children(k["code"])]
        batches = {
            "opds": demo.opds(kabupaten, kecamatan),
            "routing_rules": demo.routing_rules(code, kecamatan),
            "posyandu": demo.posyandu(code, desa),
        }
        batches["people"], logins = _without_logins(demo.people(kabupaten, batches["posyandu"][0]))
        usernames.update(logins)
        for collection, documents in batches.items():
            added = repo.add_missing(collection, documents)
            counts[f"{code}:{collection}"] = len(documents)
            say(f"  {kabupaten['name']}: {len(documents):>5} {collection} ({added} baru)")
    if demo_users:
        counts["logins"] = repo.give_logins(usernames, credentials.hash_password(demo.DEMO_PASSWORD))
        say(f"  {len(usernames)} pengguna demo, kata sandi {demo.DEMO_PASSWORD} "
            f"({counts['logins']} baru)")
        if "33.25" in kabupaten_codes:
            key = demo.open311_key(credentials.key_hash(demo.OPEN311_KEY))
            counts["open311_key"] = repo.add_missing("api_keys", [key])
            say(f"  kunci API Open311 demo (Batang): {demo.OPEN311_KEY}")
    return counts


def _without_logins(people: list[dict]) -> tuple[list[dict], dict]:
    """The demo people to store (no login yet) and their demo usernames by id."""
    return [{**p, "username": None} for p in people], {p["_id"]: p["username"] for p in people}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Isi data induk demo Batang (33.25) dan Batam (21.71).")
    parser.add_argument("--regions", choices=REGION_SCOPES, default=os.environ.get("SIMPUL_REGIONS", "demo"),
                        help="all: seluruh wilayah Kemendagri; demo: provinsi, kabupaten/kota dan "
                             "wilayah lengkap kedua daerah demo")
    parser.add_argument("--demo-users", action="store_true",
                        help=f"mode demo saja: beri setiap orang demo nama pengguna dan kata sandi "
                             f"{demo.DEMO_PASSWORD}")
    add_storage_arguments(parser)
    args = parser.parse_args(argv)
    with opened(args) as repo:
        print("Memuat data induk demo ke registry ...")
        seed_demo(repo, regions=args.regions, demo_users=args.demo_users)
    print("Data induk demo siap.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
