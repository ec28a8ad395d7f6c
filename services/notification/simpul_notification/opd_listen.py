"""An example consumer for OPD integrators: read your OPD's Simpul queue and store each notice.

    simpul-opd-listen 33.25/dinkes [--amqp-uri URI] [--out notices.jsonl]

It shows what docs/contracts.md ("What an OPD system receives") asks of a receiver: store a
notice durably *before* acknowledging it, and ignore a `notification_id` already stored
(Simpul can, rarely, repeat one). Here "storing" is one JSON line in --out, fsynced; a real
OPD system would write to its own database in the same place. Notice types it does not know
are stored and shown by name, so a newer Simpul does not break it. Ctrl-C or SIGTERM stops
it; unacknowledged notices stay on the queue for the next run. It needs only kombu and
`simpul_common` (for the queue's name and binding).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
from pathlib import Path

from amqp.exceptions import NotFound
from kombu import Connection
from kombu.mixins import ConsumerMixin

from simpul_common import contracts, messaging

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"
PREFETCH = 10


def describe(notice: dict) -> str:
    """One line in Bahasa Indonesia for the person watching the terminal."""
    case, kind = notice.get("case") or {}, notice.get("type")
    place = f"{case.get('service_type', '?')} di {case.get('desa_code', '?')}"
    if kind == "case.routed":
        return f"kasus baru {place} → batas {case.get('due_at', '?')}"
    if kind == "case.escalated":
        escalation = notice.get("escalation") or {}
        return (f"eskalasi tingkat {escalation.get('level', '?')} ({escalation.get('target', '?')})"
                f" {place}, terlambat sejak {escalation.get('overdue_since', '?')}")
    return f"pemberitahuan {kind} untuk laporan {case.get('report_id', '?')}"


class NoticeFile:
    """Notices as JSON lines; remembers which notification ids it already holds."""

    def __init__(self, path: Path):
        self.path = path
        self.ids = {json.loads(line).get("notification_id")
                    for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
                    } if path.exists() else set()

    def store(self, notice: dict) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(notice, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.ids.add(notice.get("notification_id"))


class OpdListener(ConsumerMixin):
    """kombu's ConsumerMixin reconnects after a broker restart and stops on `should_stop`."""

    def __init__(self, connection: Connection, opd_code: str, notices: NoticeFile):
        self.connection, self.opd_code, self.notices = connection, opd_code, notices

    def get_consumers(self, Consumer, channel):
        return [Consumer(queues=[messaging.opd_queue(self.opd_code)], callbacks=[self.on_notice],
                         accept=["json"], prefetch_count=PREFETCH, auto_declare=False,
                         on_decode_error=self.on_undecodable)]

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        print(f"mendengarkan antrean {contracts.opd_queue_name(self.opd_code)}", flush=True)

    def on_notice(self, notice, message) -> None:
        if not isinstance(notice, dict):
            return self.on_undecodable(message, "not a JSON object")
        notification_id = notice.get("notification_id") or message.properties.get("message_id")
        notice.setdefault("notification_id", notification_id)
        if notification_id in self.notices.ids:
            print(f"duplikat {notification_id} diabaikan", flush=True)
        else:
            self.notices.store(notice)
            print(f"[{notice.get('type')}] {describe(notice)}", flush=True)
        message.ack()  # only now: the notice is on disk

    def on_undecodable(self, message, error) -> None:
        print(f"pesan bukan JSON ditolak: {error}", flush=True)
        message.reject()


def ensure_queue(connection: Connection, opd_code: str) -> None:
    """Use the queue if it exists (Simpul declares it); create it only when it does not."""
    channel = connection.channel()
    try:
        channel.queue_declare(contracts.opd_queue_name(opd_code), passive=True)
    except NotFound:
        messaging.declare_opd_queue(connection, opd_code)
    finally:
        channel.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("opd_code", help="e.g. 33.25/dinkes")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI),
                        help="default: $AMQP_URI, else " + DEFAULT_AMQP_URI)
    parser.add_argument("--out", type=Path, default=None,
                        help="JSONL file of stored notices (default: <opd>.notices.jsonl)")
    args = parser.parse_args(argv)
    out = args.out or Path(args.opd_code.replace("/", ".") + ".notices.jsonl")

    with Connection(args.amqp_uri) as connection:
        ensure_queue(connection, args.opd_code)
        listener = OpdListener(connection, args.opd_code, NoticeFile(out))

        def stop(signum, frame):
            listener.should_stop = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        listener.run()
    print("berhenti", flush=True)


if __name__ == "__main__":
    main()
