"""How notifications leave Simpul: the OPD's durable queue, signed webhooks, e-mail over SMTP.
Each sender answers an attempt's result (`ok`, `status_code`, `error`, `latency_ms`) instead of
raising, so the caller logs every attempt the same way. `Courier` sends webhooks and e-mail
on green threads of its own, at most a few at a time per destination, so a slow or dead
receiver never holds up deliveries to anyone else."""
import json
import smtplib
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from email.message import EmailMessage

import eventlet
from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider

from simpul_common import contracts, messaging, webhooks
from simpul_common.nameko_ext.pipelined import Outgoing, publish_confirmed
from simpul_common.nameko_ext.publisher import CONFIRM_TIMEOUT_SECONDS, make_publisher

from .domain.delivery import RetryPolicy


def _timed(send) -> dict:
    started = time.perf_counter()
    try:
        result = send()
    except Exception as exc:   # the attempt failed; the log says how
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


class OpdQueueSender:
    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.publisher = make_publisher(amqp_uri)
        self._declared: set[str] = set()
        self._lock = threading.Lock()

    def send(self, opd_code: str, notice: dict) -> dict:
        """Publish persistently with broker confirmation; the OPD queue is declared first."""
        def publish():
            self._declare(opd_code)
            self.publisher.publish(
                notice, exchange=messaging.opd_exchange,
                routing_key=contracts.opd_routing_key(opd_code, notice["type"]),
                message_id=notice["notification_id"])
            return {"ok": True}
        return _timed(publish)

    def send_many(self, notices: list[tuple[str, dict]]) -> dict:
        """(opd_code, notice) pairs, all published before one wait for every confirm: one
        result for them all (any not confirmed fails the attempt of each)."""
        def publish():
            for opd_code in {code for code, _ in notices}:
                self._declare(opd_code)
            publish_confirmed(self.amqp_uri, [
                Outgoing(notice, messaging.opd_exchange,
                         contracts.opd_routing_key(opd_code, notice["type"]),
                         notice["notification_id"]) for opd_code, notice in notices],
                CONFIRM_TIMEOUT_SECONDS)
            return {"ok": True}
        return _timed(publish)

    def _declare(self, opd_code: str) -> None:
        if opd_code not in self._declared:
            with Connection(self.amqp_uri) as connection:
                messaging.declare_opd_queue(connection, opd_code)
            with self._lock:
                self._declared.add(opd_code)


class WebhookSender:
    def __init__(self, master_key: str, timeout: float):
        self.master_key, self.timeout = master_key, timeout

    def send(self, opd_code: str, url: str, notice: dict) -> dict:
        body = json.dumps(notice, separators=(",", ":"), ensure_ascii=False).encode()
        secret = webhooks.opd_secret(self.master_key, opd_code)
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "Simpul-Webhook/1",
            webhooks.SIGNATURE_HEADER: webhooks.sign(secret, body),
            webhooks.NOTIFICATION_HEADER: notice["notification_id"],
            webhooks.TYPE_HEADER: notice["type"]})

        def post():
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return {"ok": 200 <= response.status < 300, "status_code": response.status}
            except urllib.error.HTTPError as exc:
                return {"ok": False, "status_code": exc.code}
        return _timed(post)


class EmailSender:
    def __init__(self, config: dict):
        self.host = config.get("SMTP_HOST") or ""
        self.port = int(config.get("SMTP_PORT") or 25)
        self.sender = config.get("SMTP_FROM") or "simpul@localhost"
        self.user, self.password = config.get("SMTP_USER") or "", config.get("SMTP_PASSWORD") or ""
        self.starttls = str(config.get("SMTP_STARTTLS", "0")) in ("1", "true", "True")
        self.timeout = float(config.get("SMTP_TIMEOUT_SECONDS") or 10)

    def send(self, address: str, subject: str, text: str, notification_id: str) -> dict:
        def deliver():
            if not self.host:
                return {"ok": False, "error": "SMTP_HOST is not set"}
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = self.sender, address, subject
            message["Message-ID"] = f"<{notification_id}@simpul>"   # receivers de-duplicate on it
            message[webhooks.NOTIFICATION_HEADER] = notification_id
            message.set_content(text)
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
            return {"ok": True, "status_code": 250}
        return _timed(deliver)


class Courier(DependencyProvider):
    """The senders, the retry policy, and a pool of green threads for the slow channels."""

    def setup(self):
        config = self.container.config
        self.opd_queue = OpdQueueSender(config[AMQP_URI_CONFIG_KEY])
        key = config.get("SIMPUL_WEBHOOK_KEY")
        if not key:
            raise RuntimeError("SIMPUL_WEBHOOK_KEY is not set: webhooks cannot be signed")
        self.webhook = WebhookSender(key, float(config.get("WEBHOOK_TIMEOUT_SECONDS") or 5))
        self.email = EmailSender(config)
        self.policy = RetryPolicy(
            max_attempts=int(config.get("DELIVERY_MAX_ATTEMPTS") or 8),
            base_seconds=float(config.get("DELIVERY_RETRY_BASE_SECONDS") or 10),
            max_seconds=float(config.get("DELIVERY_RETRY_MAX_SECONDS") or 3600))
        self.per_destination = int(config.get("DELIVERY_PER_DESTINATION") or 2)
        self.pool = eventlet.GreenPool(int(config.get("DELIVERY_POOL_SIZE") or 50))
        self.in_flight: Counter = Counter()
        self.master_key = key

    def stop(self):
        self.pool.waitall()   # let deliveries under way finish (each bounded by its timeout)

    def kill(self):
        pass

    def get_dependency(self, worker_ctx):
        return self

    def free(self) -> int:
        return self.pool.free()

    def busy(self, destination: str) -> bool:
        return self.in_flight[destination] >= self.per_destination

    def spawn(self, destination: str, job) -> None:
        self.in_flight[destination] += 1

        def run():
            try:
                job()
            finally:
                self.in_flight[destination] -= 1
        self.pool.spawn_n(run)

    def send_all(self, records: list[dict]) -> list[dict]:
        """The result of one attempt of each record: the OPD queues' notices together (one
        wait for all their confirms), the other channels one by one."""
        queued = [r for r in records if r["channel"] == "rabbitmq"]
        together = self.opd_queue.send_many([(r["opd_code"], r["payload"]) for r in queued]) \
            if len(queued) > 1 else None
        return [dict(together) if together and r["channel"] == "rabbitmq" else self.send(r)
                for r in records]

    def send(self, record: dict) -> dict:
        channel, payload = record["channel"], record["payload"]
        if channel == "rabbitmq":
            return self.opd_queue.send(record["opd_code"], payload)
        if channel == "webhook":
            return self.webhook.send(record["opd_code"], record["destination"], payload)
        if channel == "email":
            return self.email.send(record["destination"], payload["subject"], payload["text"],
                                   record["_id"])
        return {"ok": False, "error": f"unknown channel {channel}", "latency_ms": 0}
