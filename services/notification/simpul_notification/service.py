"""nameko entrypoints of notification. The RPC interface is documented in
docs/notifications.md."""
import logging
import os
from functools import partial

import eventlet
from nameko.dependency_providers import Config
from nameko.timer import timer

from simpul_common import contracts, webhooks
from simpul_common.audit import AuditLog
from simpul_common.nameko_ext import (Cached, Metrics, MongoDatabase, Publish, RpcProxy,
                                      consume_batch, on_broadcast, rpc)

from . import usecases
from .channels import Courier
from .repository import DeliveryRepository, prepare

log = logging.getLogger(__name__)
TICK_SECONDS = float(os.environ.get("DELIVERY_TICK_SECONDS", "1"))
RECIPIENT_ENTITIES = {"opd", "person"}


class Recipients:
    """The registry's OPD and people, as notification needs them, cached until they change.
    A registry that does not answer in time raises TimeoutError: the event is retried later
    (without using up its attempts), nobody is left out."""

    def __init__(self, cache, registry, timeout: float):
        self.cache, self.registry, self.timeout = cache, registry, timeout

    def _ask(self, call):
        with eventlet.Timeout(self.timeout, TimeoutError("the registry did not answer in time")):
            return call()

    def opd(self, code: str):
        return self.cache.get(("opd", code), lambda: self._ask(lambda: self.registry.get_opd(code)),
                              remember_none=False)

    def people(self, role: str, field: str, value: str) -> list[dict]:
        return self.cache.get(("people", role, value), lambda: self._ask(
            lambda: self.registry.find_people({"role": role, field: value, "active": True},
                                              1, 200)["items"]))


class NotificationService:
    name = "notification"
    db = MongoDatabase(prepare=prepare)
    metrics = Metrics()   # /metrics on METRICS_PORT; times every RPC call
    publish = Publish()
    courier = Courier()
    registry = RpcProxy("registry")
    directory = Cached("REGISTRY_CACHE_SECONDS", 300)   # forgotten on registry.changed
    paused_keys = Cached("PAUSED_CACHE_SECONDS", 1)   # forgotten when paused here
    config = Config()

    @property
    def deliveries(self) -> DeliveryRepository:
        return DeliveryRepository(self.db)

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.db, self.name)

    @consume_batch("notification.cases")
    def on_case_events(self, batch):
        timeout = float(self.config.get("REGISTRY_RPC_TIMEOUT_SECONDS", 5))
        paused = partial(self.paused_keys.get, "paused", self.deliveries.paused)
        usecases.handle_events(batch, Recipients(self.directory, self.registry, timeout),
                               self.deliveries, self.courier, self.publish,
                               self.config["GATEWAY_PUBLIC_URL"], contracts.utc_now(), paused)

    @on_broadcast("registry.changed")
    def on_registry_changed(self, received):
        if received.message.entity in RECIPIENT_ENTITIES:
            self.directory.forget()

    @timer(interval=TICK_SECONDS)
    def tick(self):
        usecases.sweep(self.deliveries, self.courier, self.publish, contracts.utc_now())

    @rpc
    def deliveries_of(self, report_id):
        return [usecases.domain.view(r) for r in self.deliveries.for_report(report_id)]

    @rpc
    def find_deliveries(self, filters, page=1, per_page=50):
        return usecases.find(filters, page, per_page, self.deliveries)

    @rpc
    def retry_delivery(self, notification_id, actor=None):
        return self.audit.after(actor, "delivery.retry", "delivery", usecases.retry_one(
            notification_id, self.deliveries, self.courier, self.publish, contracts.utc_now()),
            notification_id)

    @rpc
    def retry_parked(self, filters=None, actor=None):
        done = usecases.retry_parked(filters or {}, self.deliveries, contracts.utc_now())
        return self.audit.after(actor, "delivery.retry_parked", "delivery", done,
                                filters=filters or {}, retried=done.get("retried")
                                if isinstance(done, dict) else None)

    @rpc
    def pause_channel(self, owner, channel, paused=True, by=None, actor=None):
        by = by or (actor or {}).get("id")
        done = usecases.set_paused(owner, channel, paused, by, self.deliveries, contracts.utc_now())
        self.paused_keys.forget()
        return self.audit.after(actor, "channel.pause" if paused else "channel.resume", "channel",
                                done, f"{owner}|{channel}")

    @rpc
    def channel_states(self, owner):
        return [usecases.channel_view(s) for s in self.deliveries.channel_states(owner)]

    @rpc
    def webhook_secret(self, opd_code, actor=None):
        """The secret an OPD checks its webhook signatures with (admin only, issue 7); each
        read is audited."""
        self.audit.record(actor, "webhook_secret.read", "opd", opd_code)
        return {"opd_code": opd_code,
                "secret": webhooks.opd_secret(self.courier.master_key, opd_code)}

    @rpc
    def inbox(self, posyandu_id, unread_only=False, page=1, per_page=50, actor=None):
        """The inbox of a Posyandu, for its own kader only (`actor`, checked here too)."""
        refused = usecases.inbox_refused(posyandu_id, actor)
        return refused or usecases.inbox(posyandu_id, unread_only, page, per_page, self.deliveries)

    @rpc
    def mark_read(self, posyandu_id, ids, actor=None):
        refused = usecases.inbox_refused(posyandu_id, actor)
        return refused or usecases.mark_read(posyandu_id, ids, self.deliveries, contracts.utc_now())

    @rpc
    def audit_log(self, filters=None, page=1, per_page=50):
        """Administrative changes and secret reads, with who made them (docs/security.md)."""
        return self.audit.find(filters or {}, page, per_page)

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.deliveries.ping()}
