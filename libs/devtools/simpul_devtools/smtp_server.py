"""An SMTP server that keeps every mail it is given in a Maildir, for local runs and tests.

    python -m simpul_devtools.smtp_server --port 8025 --maildir var/mail

Nothing is relayed. Read the mail with any Maildir reader (`mailbox.Maildir(DIR)`, mutt -f);
aiosmtpd adds `X-Peer`, `X-MailFrom` and `X-RcptTo` headers. It prints only counts, never
addresses or contents. Ctrl-C or SIGTERM stops it.
"""
from __future__ import annotations

import argparse
import signal
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


class CountingMailbox(Mailbox):
    def __init__(self, mail_dir: Path):
        super().__init__(mail_dir)
        self.stored = 0

    def handle_message(self, message) -> None:
        super().handle_message(message)
        self.stored += 1
        print(f"pesan ke-{self.stored} tersimpan", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args(argv)
    args.maildir.parent.mkdir(parents=True, exist_ok=True)  # Maildir creates the last level

    # Block the stop signals before the server thread starts, so only sigwait() sees them.
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    controller = Controller(CountingMailbox(args.maildir), hostname=args.host, port=args.port,
                            enable_SMTPUTF8=True)
    controller.start()
    print(f"listening on smtp://{args.host}:{args.port} (Maildir {args.maildir})", flush=True)
    try:
        signal.sigwait(stop_signals)
    finally:
        controller.stop()
        print("stopped", flush=True)


if __name__ == "__main__":
    main()
