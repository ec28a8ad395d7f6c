"""A per-process cache of the registry's routing tables, refreshed every few seconds, so
routing asks the registry at most once per kabupaten per interval, not once per report."""
import threading
import time

from nameko.extensions import DependencyProvider


class TableCache:
    def __init__(self, ttl_seconds: float, clock=time.monotonic):
        self.ttl = ttl_seconds
        self.clock = clock
        self._tables: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def get(self, kabupaten_code: str, fetch) -> dict:
        with self._lock:
            cached = self._tables.get(kabupaten_code)
        if cached and self.clock() - cached[0] < self.ttl:
            return cached[1]
        table = fetch(kabupaten_code)
        with self._lock:
            self._tables[kabupaten_code] = (self.clock(), table)
        return table


class RoutingTables(DependencyProvider):
    def setup(self):
        self.cache = TableCache(float(self.container.config.get("ROUTING_TABLE_TTL_SECONDS", 5)))

    def get_dependency(self, worker_ctx):
        return self.cache
