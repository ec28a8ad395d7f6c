"""nameko entrypoints of reporting."""
import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy, rpc

from simpul_common.nameko_ext import Cached, MongoDatabase, consume, on_broadcast
from simpul_common.regions import is_region_code

from . import usecases
from .repository import ReportingRepository, prepare

log = logging.getLogger(__name__)


class ReportingService:
    name = "reporting"
    db = MongoDatabase(prepare=prepare)
    registry = RpcProxy("registry")
    places = Cached("REGISTRY_CACHE_SECONDS", 300)   # forgotten on registry.changed
    config = Config()

    @consume("reporting.facts")
    def on_report_event(self, received):
        usecases.record_event(received, ReportingRepository(self.db))

    @rpc
    def summary(self, region):
        if not is_region_code(region):
            raise ValueError(f"not a Kemendagri region code: {region!r}")
        posyandu = self.places.get(("posyandu", region), lambda: self._posyandu_counts(region),
                                   remember_none=False)
        return usecases.region_summary(region, ReportingRepository(self.db), posyandu)

    def _posyandu_counts(self, region):
        """The registry's count, or None if it does not answer (in time): the summary of the
        reports themselves does not wait for the registry."""
        with eventlet.Timeout(float(self.config.get("REGISTRY_RPC_TIMEOUT_SECONDS", 5)), False):
            try:
                return self.registry.posyandu_counts(region)
            except Exception as exc:   # unknown service, or its storage is down
                log.warning("no Posyandu counts from the registry for %s: %s", region, exc)
        return None

    @on_broadcast("registry.changed")
    def on_registry_changed(self, received):
        usecases.refresh_places(received.message, self.places)

    @rpc
    def health(self):
        return {"service": self.name, "storage": ReportingRepository(self.db).ping()}
