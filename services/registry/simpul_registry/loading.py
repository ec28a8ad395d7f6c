"""Load Kemendagri regions into the registry: `simpul-registry-regions [--scope all|33|33.25]`.

Only what differs is written (new regions inserted, renamed ones replaced), so loading again
after a new Kepmendagri is quick; the whole country (91,599 regions) takes under a minute on
the embedded store the first time."""
import argparse
import sys
import time

from . import regions_source
from .repository import RegistryRepository, add_storage_arguments, opened, prefix_filter

BATCH = 5_000


def scope_query(scope: str) -> dict:
    if scope == "all":
        return {}
    if scope == "outline":
        return {"level": {"$in": ["province", "kabupaten"]}}
    return {"$or": [{"_id": scope[:2]}, prefix_filter("_id", scope)]}


def load_regions(repo: RegistryRepository, scope: str = "all", say=print) -> dict:
    wanted = list(regions_source.regions(scope))
    stored = repo.stored_regions(scope_query(scope))
    new = [r for r in wanted if r["_id"] not in stored]
    changed = [r for r in wanted if r["_id"] in stored and stored[r["_id"]] != r]
    todo = new + changed
    started = time.monotonic()
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        repo.write_regions([r for r in batch if r["_id"] not in stored],
                           [r for r in batch if r["_id"] in stored])
        say(f"  wilayah {min(start + BATCH, len(todo)):>6}/{len(todo)} ditulis "
            f"({time.monotonic() - started:.0f} s)")
    return {"regions": len(wanted), "new": len(new), "changed": len(changed),
            "unchanged": len(wanted) - len(todo)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Muat wilayah Kemendagri ke registry Simpul "
                                                 f"(sumber: {regions_source.SOURCE}).")
    parser.add_argument("--scope", default="all",
                        help="all (seluruh Indonesia), outline (provinsi dan kabupaten/kota saja), "
                             "kode provinsi (33) atau kabupaten/kota (33.25)")
    add_storage_arguments(parser)
    args = parser.parse_args(argv)
    try:
        with opened(args) as repo:
            print(f"Memuat wilayah Kemendagri ({args.scope}) ...")
            counts = load_regions(repo, args.scope)
    except ValueError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 2
    print(f"Selesai: {counts['regions']} wilayah, {counts['new']} baru, {counts['changed']} berubah, "
          f"{counts['unchanged']} tetap.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
