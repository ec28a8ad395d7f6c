"""nameko entrypoints of routing. The RPC interface is documented in docs/routing-rpc.md."""
import logging
import os

import eventlet
from nameko.dependency_providers import Config
from nameko.timer import timer

from simpul_common import contracts
from simpul_common.nameko_ext import (Cached, Metrics, MongoDatabase, Publish, RpcProxy,
                                      consume_batch, on_broadcast, rpc)

from . import usecases
from .repository import CaseRepository, prepare

log = logging.getLogger(__name__)
SWEEP_SECONDS = float(os.environ.get("ROUTING_SWEEP_SECONDS", "30"))


class RoutingService:
    name = "routing"
    db = MongoDatabase(prepare=prepare)
    metrics = Metrics()   # /metrics on METRICS_PORT; times every RPC call
    publish = Publish()
    registry = RpcProxy("registry")
    tables = Cached("ROUTING_TABLE_TTL_SECONDS", 60)   # forgotten on registry.changed
    config = Config()

    @property
    def cases(self) -> CaseRepository:
        return CaseRepository(self.db)

    def table(self, kabupaten_code):
        """The kabupaten's routing table from the registry (cached). A registry that does not
        answer in time raises TimeoutError, so the report is retried later (without using up
        its attempts) instead of holding its message and a worker for ever."""
        timeout = float(self.config.get("REGISTRY_RPC_TIMEOUT_SECONDS", 5))

        def ask():
            with eventlet.Timeout(timeout, TimeoutError("the registry did not answer in time")):
                return self.registry.routing_table(kabupaten_code)
        return self.tables.get(kabupaten_code, ask)

    @consume_batch("routing.reports")
    def on_reports_received(self, batch):
        usecases.route_reports([received.message for received in batch], self.cases, self.table,
                               self.publish)

    @on_broadcast("registry.changed")
    def on_registry_changed(self, received):
        usecases.refresh_tables(received.message, self.tables)

    @timer(interval=SWEEP_SECONDS)
    def tick(self):
        done = usecases.sweep(self.cases, self.publish, contracts.utc_now())
        if any(done.values()):
            log.info("sweep: %s", done)

    @rpc
    def sweep(self, now=None):
        """Run the deadlines now; `now` (another instant) only where the clock may be set
        (SIMPUL_CLOCK_OVERRIDE=1, tests and demos), never in production."""
        if now is not None:
            if str(self.config.get("SIMPUL_CLOCK_OVERRIDE", "0")) not in ("1", "true", "True"):
                return usecases.error(403, "now", "jam tidak dapat diatur di lingkungan ini")
            try:
                now = usecases.instant(now)
            except ValueError as exc:
                return usecases.error(422, "now", str(exc))
        return usecases.sweep(self.cases, self.publish, now or contracts.utc_now())

    @rpc
    def act(self, case_id, action, actor, details=None):
        return usecases.act(case_id, action, actor, details or {}, self.cases, self.table,
                            self.publish, contracts.utc_now())

    # reads name the `actor` they are for (docs/security.md): routing checks each case
    # against it itself, whatever the caller checked before
    @rpc
    def get_case(self, case_id, actor):
        return usecases.show(case_id, actor, self.cases, contracts.utc_now())

    @rpc
    def case_history(self, case_id, actor):
        return usecases.history(case_id, actor, self.cases)

    @rpc
    def find_cases(self, filters, page=1, per_page=50, *, actor):
        return usecases.find_for(actor, filters, page, per_page, self.cases, contracts.utc_now())

    @rpc
    def household_cases(self, household_ref, actor):
        return usecases.household(household_ref, actor, self.cases, contracts.utc_now())

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.cases.ping()}
