"""A webhook receiver an OPD (or a test) can run to see Simpul's signed webhooks arrive.

    python -m simpul_devtools.webhook_receiver --port 8099 --secret HEX --log hooks.jsonl \
        [--fail-first K] [--delay SECONDS] [--status-on-fail 503]

Every POST is checked with `simpul_common.webhooks.verify` (401 when the signature is bad or
too old). The first K attempts of each notification id are answered with --status-on-fail,
so a sender's retries can be watched; later ones get 200 and one JSON line in --log, marked
`duplicate` when that id was accepted before. Every request, whatever its outcome, is also a
line in `<log>.attempts`. `POST /control` with `{"fail_first": K}` and/or `{"delay": s}`
changes the behaviour while running (from 127.0.0.1 only, unsigned); `GET /health` → 200.
"""
from __future__ import annotations

import argparse
import json
import signal
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from simpul_common import webhooks
from simpul_common.contracts import utc_now

LOCAL_CLIENTS = ("127.0.0.1", "::1")
SETTINGS = {"fail_first": int, "delay": float, "status_on_fail": int}


class Receiver:
    """What the receiver remembers and writes; shared by the request threads."""

    def __init__(self, secret: str, log: Path, fail_first: int = 0, delay: float = 0.0,
                 status_on_fail: int = 503):
        self.secret = secret
        self.log, self.attempts_log = log, Path(f"{log}.attempts")
        self.settings = {"fail_first": fail_first, "delay": delay, "status_on_fail": status_on_fail}
        self.attempts: Counter[str] = Counter()
        self.accepted: set[str] = set()
        self.lock = threading.Lock()

    def receive(self, headers, body: bytes) -> tuple[int, dict]:
        notification_id = headers.get(webhooks.NOTIFICATION_HEADER)
        event_type = headers.get(webhooks.TYPE_HEADER)
        try:
            webhooks.verify(self.secret, body, headers.get(webhooks.SIGNATURE_HEADER))
            notice = json.loads(body)
        except webhooks.BadSignature as bad:
            return self._record(notification_id, event_type, 401, {"error": str(bad)})
        except ValueError:
            return self._record(notification_id, event_type, 400, {"error": "body is not JSON"})
        if not notification_id:
            return self._record(None, event_type, 400,
                                {"error": f"no {webhooks.NOTIFICATION_HEADER} header"})
        time.sleep(self.settings["delay"])
        with self.lock:
            self.attempts[notification_id] += 1
            attempt = self.attempts[notification_id]
            if attempt <= self.settings["fail_first"]:
                status = self.settings["status_on_fail"]
                return self._record(notification_id, event_type, status,
                                    {"error": f"failing attempt {attempt} on purpose"}, attempt)
            duplicate = notification_id in self.accepted
            self.accepted.add(notification_id)
            append(self.log, {"notification_id": notification_id, "type": event_type,
                              "attempt": attempt, "received_at": utc_now(), "body": notice,
                              "duplicate": duplicate})
            return self._record(notification_id, event_type, 200,
                                {"status": "accepted", "duplicate": duplicate}, attempt)

    def _record(self, notification_id, event_type, status, answer, attempt=None):
        append(self.attempts_log, {"notification_id": notification_id, "type": event_type,
                                   "attempt": attempt, "status": status, "at": utc_now(),
                                   "error": answer.get("error")})
        return status, answer

    def control(self, changes: dict) -> tuple[int, dict]:
        unknown = set(changes) - set(SETTINGS)
        if unknown:
            return 400, {"error": f"unknown settings: {', '.join(sorted(unknown))}"}
        with self.lock:
            self.settings.update({key: SETTINGS[key](value) for key, value in changes.items()})
            return 200, dict(self.settings)


def append(path: Path, record: dict) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    receiver: Receiver  # set by serve()

    def do_GET(self):
        if self.path == "/health":
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/control":
            self.answer(*self.receiver.receive(self.headers, body))
        elif self.client_address[0] not in LOCAL_CLIENTS:
            self.answer(403, {"error": "/control answers 127.0.0.1 only"})
        else:
            try:
                changes = json.loads(body or b"{}")
            except ValueError:
                changes = None
            if not isinstance(changes, dict):
                self.answer(400, {"error": "expected a JSON object"})
            else:
                self.answer(*self.receiver.control(changes))

    def answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # the attempts log says it all
        pass


def serve(host: str, port: int, receiver: Receiver) -> None:
    handler = type("ReceiverHandler", (Handler,), {"receiver": receiver})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"listening on http://{host}:{server.server_port}/ (log {receiver.log})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print("stopped", flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True, help="the OPD's webhook secret (hex)")
    parser.add_argument("--log", type=Path, required=True, help="JSONL file of accepted webhooks")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--status-on-fail", type=int, default=503)
    args = parser.parse_args(argv)
    serve(args.host, args.port, Receiver(args.secret, args.log, args.fail_first, args.delay,
                                         args.status_on_fail))


if __name__ == "__main__":
    main()
