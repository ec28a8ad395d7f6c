"""nameko entrypoints of reporting. The RPC interface is documented in docs/reporting.md."""
import logging

import eventlet
from nameko.dependency_providers import Config

from simpul_common.nameko_ext import (Cached, Metrics, MongoDatabase, RpcProxy, consume_batch,
                                      on_broadcast, rpc)
from simpul_common.regions import is_region_code

from . import usecases
from .repository import ReportingRepository, prepare

log = logging.getLogger(__name__)


class Places:
    """What reporting asks the registry about places, cached until it changes. Answers None
    (or nothing) when the registry does not answer in time: the figures of the reports
    themselves never wait for it."""

    def __init__(self, cache, registry, timeout: float):
        self.cache, self.registry, self.timeout = cache, registry, timeout

    def _ask(self, key, call, default):
        def load():
            with eventlet.Timeout(self.timeout, False):
                try:
                    return call()
                except Exception as exc:   # unknown service, or its storage is down
                    log.warning("no answer from the registry for %s: %s", key, exc)
            return None
        found = self.cache.get(key, load, remember_none=False)
        return default if found is None else found

    def posyandu_counts(self, region: str):
        return self._ask(("posyandu", region), lambda: self.registry.posyandu_counts(region), None)

    def children_of(self, region: str) -> list[str]:
        found = self._ask(("children", region),
                          lambda: self.registry.region_with_context(region), {})
        return [c["id"] for c in found.get("children", [])]

    def kecamatan_of(self, kabupaten: str) -> list[str]:
        return self.children_of(kabupaten)

    def kabupaten_in(self, region: str) -> list[str]:
        return self.children_of(region) if len(region) == 2 else [region[:5]]


class ReportingService:
    name = "reporting"
    db = MongoDatabase(prepare=prepare)
    metrics = Metrics()   # /metrics on METRICS_PORT; times every RPC call
    registry = RpcProxy("registry")
    places = Cached("REGISTRY_CACHE_SECONDS", 300)   # forgotten on registry.changed
    config = Config()

    @property
    def repo(self) -> ReportingRepository:
        return ReportingRepository(self.db)

    def _places(self) -> Places:
        return Places(self.places, self.registry,
                      float(self.config.get("REGISTRY_RPC_TIMEOUT_SECONDS", 5)))

    @consume_batch("reporting.facts")
    def on_report_events(self, batch):
        usecases.record_events(batch, self.repo)

    @rpc
    def summary(self, region):
        if not is_region_code(region):
            raise ValueError(f"not a Kemendagri region code: {region!r}")
        return usecases.region_summary(region, self.repo, self._places().posyandu_counts(region))

    @rpc
    def table(self, name, region, options=None):
        return usecases.table(name, region, options or {}, self.repo, self._places())

    @rpc
    def dhis2(self, region, period, as_of=None):
        return usecases.dhis2(region, period, self.repo, self._places(), as_of)

    @on_broadcast("registry.changed")
    def on_registry_changed(self, received):
        usecases.refresh_places(received.message, self.places)

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.repo.ping()}
