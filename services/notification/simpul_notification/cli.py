"""Operate notification's deliveries from a terminal (docs/notifications.md, "Operations").

    simpul-deliveries list [--status parked] [--opd 33.25/dinkes] [--channel webhook] [--page 2]
    simpul-deliveries retry ID            simpul-deliveries retry --all [--opd 33.25/dinkes]
    simpul-deliveries pause 33.25/dinkes webhook     simpul-deliveries resume 33.25/dinkes webhook
    simpul-deliveries channels 33.25/dinkes

It asks the running notification service over nameko RPC (`--amqp-uri`, else $AMQP_URI).
An error answer is printed to stderr and the exit status is 1.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

from kombu.exceptions import OperationalError

from simpul_common.audit import operator

from .domain.delivery import STATUSES
from .domain.plan import CHANNELS

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"
RPC_TIMEOUT_SECONDS = 10
FILTERS = {"opd": "opd_code", "kabupaten": "kabupaten_code", "channel": "channel",
           "report": "report_id", "kind": "kind"}      # flag: notification's filter
ERROR_WIDTH = 40


class Refused(Exception):
    """Notification answered with an error result (its `errors`), or the command was misused."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def checked(answer):
    if isinstance(answer, dict) and "errors" in answer and "status" in answer:
        raise Refused(answer["errors"])
    return answer


def table(headings: tuple, rows: list[list]) -> list[str]:
    """Columns as wide as their widest cell, two spaces apart."""
    cells = [[str(c) for c in row] for row in (headings, *rows)]
    widths = [max(len(c) for c in column) for column in zip(*cells)]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]


def shortened(text, width: int = ERROR_WIDTH) -> str:
    text = " ".join(str(text or "-").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def filters_of(args) -> dict:
    given = {FILTERS[flag]: getattr(args, flag) for flag in FILTERS if getattr(args, flag)}
    if getattr(args, "status", None):
        given["status"] = args.status
    return given


# --- the commands: (args, notification) -> lines to print ---------------------------------------

def list_deliveries(args, notification) -> list[str]:
    page = checked(notification.find_deliveries(filters_of(args), args.page, args.per_page))
    rows = [[d["id"], d["status"], d["channel"], d.get("opd_code") or "-", d["attempt_count"],
             shortened(d.get("last_error")), d.get("next_attempt_at") or "-"]
            for d in page["items"]]
    headings = ("id", "status", "channel", "opd", "attempts", "last_error", "next_attempt_at")
    return [*table(headings, rows),
            f"{len(rows)} dari {page['total']} pengiriman (halaman {page['page']})"]


def retry(args, notification) -> list[str]:
    if args.all:
        retried = checked(notification.retry_parked(filters_of(args), actor=operator()))["retried"]
        return [f"{retried} pengiriman yang diparkir masuk antrean lagi"]
    if filters_of(args):
        raise Refused([{"field": "--all", "message": "filter hanya berlaku bersama --all"}])
    item = checked(notification.retry_delivery(args.id, actor=operator()))["item"]
    return [f"{item['id']} diulang: status {item['status']}"]


def switch(paused: bool):
    def command(args, notification) -> list[str]:
        state = checked(notification.pause_channel(args.owner, args.channel, paused, args.by,
                                                       actor=operator()))["item"]
        return [f"saluran {state['channel']} milik {state['owner']} "
                f"{'dijeda' if state['paused'] else 'dilanjutkan'}"]
    return command


def channels(args, notification) -> list[str]:
    states = checked(notification.channel_states(args.owner))
    if not states:
        return [f"{args.owner}: belum ada saluran yang pernah dijeda; semua aktif"]
    rows = [[s["channel"], "dijeda" if s["paused"] else "aktif", s.get("changed_at") or "-",
             s.get("changed_by") or "-"] for s in states]
    return table(("channel", "state", "changed_at", "changed_by"), rows)


# --- the command line ---------------------------------------------------------------------------

def _add_filters(parser: argparse.ArgumentParser, note: str = "") -> None:
    parser.add_argument("--opd", metavar="CODE", help=f"kode OPD, mis. 33.25/dinkes{note}")
    parser.add_argument("--kabupaten", metavar="CODE", help=f"kode kabupaten/kota, mis. 33.25{note}")
    parser.add_argument("--channel", choices=CHANNELS, help=f"jenis saluran{note}")
    parser.add_argument("--report", metavar="ID", help=f"id laporan{note}")
    parser.add_argument("--kind", help=f"jenis pemberitahuan, mis. new_case, escalated{note}")


def _add_owner(parser: argparse.ArgumentParser, with_channel: bool = True) -> None:
    parser.add_argument("owner", metavar="OWNER",
                        help="kode OPD (33.25/dinkes), atau kode kabupaten/kota untuk e-mail TPH")
    if with_channel:
        parser.add_argument("channel", choices=CHANNELS, help="saluran yang dijeda/dilanjutkan")
        parser.add_argument("--by", help="siapa yang mengubah (dicatat bersama statusnya)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="simpul-deliveries",
                                   description="Lihat, ulangi dan jeda pengiriman pemberitahuan Simpul.")
    root.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI),
                      help="broker RabbitMQ (bawaan: $AMQP_URI, atau " + DEFAULT_AMQP_URI + ")")
    commands = root.add_subparsers(dest="name", required=True, metavar="PERINTAH")

    listing = commands.add_parser("list", help="daftar pengiriman, terbaru dahulu")
    listing.add_argument("--status", choices=STATUSES, help="parked: yang gagal terus (diparkir)")
    _add_filters(listing)
    listing.add_argument("--page", type=int, default=1, help="halaman, mulai dari 1")
    listing.add_argument("--per-page", type=int, default=50, help="baris per halaman (1–200)")
    listing.set_defaults(command=list_deliveries)

    again = commands.add_parser("retry", help="ulangi satu pengiriman yang diparkir, atau semuanya")
    which = again.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", metavar="ID", help="id pengiriman (notification id)")
    which.add_argument("--all", action="store_true", help="semua yang diparkir (sesuai filter)")
    _add_filters(again, note=" (bersama --all)")
    again.set_defaults(command=retry)

    for name, paused, help_text in (("pause", True, "jeda satu saluran: pengiriman menunggu"),
                                    ("resume", False, "lanjutkan saluran: yang menunggu dikirim")):
        switcher = commands.add_parser(name, help=help_text)
        _add_owner(switcher)
        switcher.set_defaults(command=switch(paused))

    states = commands.add_parser("channels", help="status jeda saluran sebuah OPD")
    _add_owner(states, with_channel=False)
    states.set_defaults(command=channels)
    return root


def run(argv, notification, out, err=None) -> int:
    """The command `argv` names, asked of `notification` (anything with its RPC methods)."""
    args = parser().parse_args(argv)
    try:
        lines = args.command(args, notification)
    except Refused as refused:
        for problem in refused.errors:
            print(f"{problem.get('field')}: {problem.get('message')}", file=err or sys.stderr)
        return 1
    for line in lines:
        print(line, file=out)
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    amqp_uri = parser().parse_args(argv).amqp_uri   # a usage error stops before connecting
    # importing nameko imports eventlet, which warns of its own deprecation: not the operator's
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    from nameko.exceptions import RpcTimeout, UnknownService
    from nameko.standalone.rpc import ClusterRpcProxy
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=RPC_TIMEOUT_SECONDS) as proxy:
            return run(argv, proxy.notification, sys.stdout)
    except (RpcTimeout, UnknownService, OperationalError, OSError) as exc:
        print(f"layanan notification tidak dapat dihubungi ({type(exc).__name__}: {exc})",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
