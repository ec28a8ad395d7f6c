"""`simpul-reporting-rebuild`: derive every fact and counter of reporting again from its
journal of events, and put them in place of the current ones (docs/reporting.md).

Run it with the reporting service stopped (events wait in their queue meanwhile, and are
applied when it starts again)."""
import argparse
import os
import sys

from simpul_common.nameko_ext.storage import connect
from simpul_common.progress import Progress

from . import usecases
from .repository import ReportingRepository, prepare


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Bangun ulang angka pelaporan dari jurnal peristiwa.")
    parser.add_argument("--mongo-uri", default=os.environ.get(
        "MONGO_URI", "mongodb://127.0.0.1:27027/?retryWrites=false"))
    parser.add_argument("--db", default=os.environ.get("REPORTING_DB", "simpul_reporting"))
    args = parser.parse_args(argv)
    client = connect(args.mongo_uri)
    try:
        db = client[args.db]
        prepare(db)
        repo = ReportingRepository(db)
        bar = Progress(repo.journal_size(), "peristiwa")
        print(f"Membangun ulang {args.db} dari jurnal …", file=sys.stderr)
        done = usecases.rebuild(repo, bar.update)
        bar.finish()
    finally:
        client.close()
    print(f"Selesai: {done['events']} peristiwa, {done['facts']} laporan, "
          f"{done['counters']} penghitung.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
