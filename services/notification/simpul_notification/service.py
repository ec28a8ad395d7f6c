"""nameko entrypoints of notification. The RPC interface is documented in
docs/notifications.md."""
import logging
import os

import eventlet
from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from simpul_common import contracts, webhooks
from simpul_common.nameko_ext import Cached, Metrics, MongoDatabase, Publish, consume, on_broadcast

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

    @consume("notification.cases")
    def on_case_event(self, received):
        timeout = float(self.config.get("REGISTRY_RPC_TIMEOUT_SECONDS", 5))
        usecases.handle_event(received, Recipients(self.directory, self.registry, timeout),
                              self.deliveries, self.courier, self.publish,
                              self.config["GATEWAY_PUBLIC_URL"], contracts.utc_now(),
                              paused=lambda: self.paused_keys.get("paused", self.deliveries.paused))

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
    def retry_delivery(self, notification_id):
        return usecases.retry_one(notification_id, self.deliveries, self.courier, self.publish,
                                  contracts.utc_now())

    @rpc
    def retry_parked(self, filters=None):
        return usecases.retry_parked(filters or {}, self.deliveries, contracts.utc_now())

    @rpc
    def pause_channel(self, owner, channel, paused=True, by=None):
        done = usecases.set_paused(owner, channel, paused, by, self.deliveries, contracts.utc_now())
        self.paused_keys.forget()
        return done

    @rpc
    def channel_states(self, owner):
        return [usecases.channel_view(s) for s in self.deliveries.channel_states(owner)]

    @rpc
    def webhook_secret(self, opd_code):
        """The secret an OPD checks its webhook signatures with (admin only, issue 7)."""
        return {"opd_code": opd_code,
                "secret": webhooks.opd_secret(self.courier.master_key, opd_code)}

    @rpc
    def inbox(self, posyandu_id, unread_only=False, page=1, per_page=50):
        return usecases.inbox(posyandu_id, unread_only, page, per_page, self.deliveries)

    @rpc
    def mark_read(self, posyandu_id, ids):
        return usecases.mark_read(posyandu_id, ids, self.deliveries, contracts.utc_now())

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.deliveries.ping()}
