"""pytest fixtures that run an OPD's receiving end as real processes on free ports:

- `webhook_receiver(secret, fail_first=0, delay=0, status_on_fail=503)` → `WebhookReceiver`
- `smtp_sink` → `SmtpSink` (one SMTP server writing a Maildir)
- `opd_listener(amqp_uri, opd_code, out=None)` → `OpdListener` (`simpul-opd-listen`)

Each is started when asked for, waited on until it answers, and stopped at teardown.
A process's own output is kept in a file next to its data (`.output()`).
"""
from __future__ import annotations

import email
import json
import mailbox
import subprocess
import sys
import urllib.request
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from simpul_devtools.local import free_port, port_open, wait_for

START_SECONDS = 20


class ReceiverProcess:
    """One receiver started with `python -m module args`; its output goes to `<dir>/output`."""

    def __init__(self, directory: Path, module: str, *args: str):
        directory.mkdir(parents=True, exist_ok=True)
        self.output_path = directory / "output"
        self._output = self.output_path.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", module, *args],
                                        stdout=self._output, stderr=subprocess.STDOUT)

    def wait_until(self, check, what: str) -> None:
        try:
            wait_for(check, what, START_SECONDS, [(what, self.process)])
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"{error}; its output:\n{self.output()}") from None

    def output(self) -> str:
        return self.output_path.read_text()

    def stop(self) -> int:
        """SIGTERM, then the exit code (a clean stop is 0)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()
        return self.process.returncode


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class WebhookReceiver(ReceiverProcess):
    def __init__(self, directory: Path, secret: str, fail_first=0, delay=0.0, status_on_fail=503):
        self.secret, self.port, self.log = secret, free_port(), directory / "hooks.jsonl"
        super().__init__(directory, "simpul_devtools.webhook_receiver",
                         "--port", str(self.port), "--secret", secret, "--log", str(self.log),
                         "--fail-first", str(fail_first), "--delay", str(delay),
                         "--status-on-fail", str(status_on_fail))
        self.wait_until(self._healthy, "webhook receiver")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def accepted(self) -> list[dict]:
        """The webhooks answered 200, in order (`notification_id`, `type`, `attempt`,
        `received_at`, `body`, `duplicate`)."""
        return read_jsonl(self.log)

    def attempts(self) -> list[dict]:
        """Every request with the `status` it was given, refused and failed ones too."""
        return read_jsonl(Path(f"{self.log}.attempts"))

    def control(self, **settings) -> dict:
        """Change `fail_first`, `delay` or `status_on_fail` while running; the new settings."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/control",
                                         data=json.dumps(settings).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def _healthy(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
            return r.status == 200


class SmtpSink(ReceiverProcess):
    host = "127.0.0.1"

    def __init__(self, directory: Path):
        self.port, self.maildir = free_port(), directory / "Maildir"
        super().__init__(directory, "simpul_devtools.smtp_server",
                         "--port", str(self.port), "--maildir", str(self.maildir))
        self.wait_until(lambda: port_open(self.host, self.port), "SMTP sink")

    def messages(self) -> list[EmailMessage]:
        """Every mail received so far, oldest first."""
        if not self.maildir.exists():
            return []
        box = mailbox.Maildir(self.maildir, create=False)
        keys = sorted(box.keys(), key=lambda key: box.get_message(key).get_date())
        return [email.message_from_bytes(box.get_bytes(key), policy=policy.default)
                for key in keys]


class OpdListener(ReceiverProcess):
    def __init__(self, directory: Path, amqp_uri: str, opd_code: str, out: Path | None = None):
        self.opd_code, self.out = opd_code, out or directory / "notices.jsonl"
        # the module of the `simpul-opd-listen` script, so no reinstall is needed to find it
        super().__init__(directory, "simpul_notification.opd_listen", opd_code,
                         "--amqp-uri", amqp_uri, "--out", str(self.out))
        self.wait_until(lambda: "mendengarkan antrean" in self.output(), "OPD listener")

    def notices(self) -> list[dict]:
        """The notices it stored (and acknowledged), in order."""
        return read_jsonl(self.out)


def _on_demand(directory: Path, make):
    """The body of a factory fixture: start receivers when asked, stop them all at teardown."""
    running = []

    def start(*args, **kwargs):
        running.append(make(directory.with_name(f"{directory.name}-{len(running) + 1}"),
                            *args, **kwargs))
        return running[-1]

    yield start
    for process in running:
        process.stop()


@pytest.fixture
def webhook_receiver(tmp_path):
    yield from _on_demand(tmp_path / "webhooks", WebhookReceiver)


@pytest.fixture
def smtp_sink(tmp_path):
    sink = SmtpSink(tmp_path / "smtp")
    yield sink
    sink.stop()


@pytest.fixture
def opd_listener(tmp_path):
    yield from _on_demand(tmp_path / "opd-listener", OpdListener)
