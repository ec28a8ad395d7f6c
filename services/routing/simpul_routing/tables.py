"""Routing tables of the registry, cached per process for a few seconds, so routing asks the
registry at most once per kabupaten per interval, not once per report."""
from nameko.extensions import DependencyProvider

from simpul_common.cache import TtlCache


class RoutingTables(DependencyProvider):
    def setup(self):
        self.cache = TtlCache(float(self.container.config.get("ROUTING_TABLE_TTL_SECONDS", 5)))

    def get_dependency(self, worker_ctx):
        return self.cache
