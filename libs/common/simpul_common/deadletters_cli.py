"""`simpul-dead-letters`: what the consumers gave up on (docs/guarantees.md), for operators.

    simpul-dead-letters list [--queue intake.submissions] [--limit 50]
    simpul-dead-letters show ID
    simpul-dead-letters replay ID [ID ...]        simpul-dead-letters replay --all [--queue Q]

The broker is `--amqp-uri`, else `AMQP_URI`, else the local default. Listing changes nothing;
a replay sends each message back to the queue it came from, with its retries anew.
"""
import argparse
import os
import sys

from .deadletters import DeadLetters

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="simpul-dead-letters",
                                  description="Lihat dan kirim ulang pesan di antrean dead-letter.")
    top.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    commands = top.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="daftar pesan (tidak mengubah apa pun)")
    listing.add_argument("--queue", help="hanya dari antrean ini")
    listing.add_argument("--limit", type=int, default=50)
    show = commands.add_parser("show", help="satu pesan lengkap dengan isinya")
    show.add_argument("id")
    replay = commands.add_parser("replay", help="kirim ulang ke antrean asalnya")
    replay.add_argument("ids", nargs="*")
    replay.add_argument("--all", action="store_true", help="semua (dari --queue, bila disebut)")
    replay.add_argument("--queue")
    return top


def run(argv, letters_for=DeadLetters, out=sys.stdout, err=sys.stderr) -> int:
    args = parser().parse_args(argv)
    letters = letters_for(args.amqp_uri)
    if args.command == "list":
        found = letters.peek(args.limit, args.queue)
        print(f"{letters.count()} pesan di antrean dead-letter; {len(found)} ditampilkan", file=out)
        for letter in found:
            print(f"{letter.id}  {letter.queue or '-'}  {letter.message_type or '-'}  "
                  f"percobaan {letter.attempts}  {(letter.error or '-')[:80]}", file=out)
        return 0
    if args.command == "show":
        letter = letters.find(args.id)
        if letter is None:
            print(f"Tidak ada pesan {args.id} di antrean dead-letter.", file=err)
            return 1
        for field, value in letter.view(with_body=True).items():
            print(f"{field}: {value}", file=out)
        return 0
    if bool(args.ids) == args.all:
        print("Sebut ID pesan, atau --all (tidak keduanya).", file=err)
        return 2
    done = letters.replay(None if args.all else args.ids, args.queue,
                          on_each=lambda l: print(f"{l.id} → {l.queue}", file=out))
    print(f"{done['replayed']} pesan dikirim ulang", file=out)
    for letter_id in done["not_found"]:
        print(f"Tidak ada pesan {letter_id}.", file=err)
    for letter_id in done["without_queue"]:
        print(f"Pesan {letter_id} tidak menyebut antrean asal yang dikenal; tidak dikirim.", file=err)
    return 1 if done["not_found"] or done["without_queue"] else 0


def main(argv=None) -> int:
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
