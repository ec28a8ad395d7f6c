"""`Cached(ttl_key, default)`: one `TtlCache` per service process for what a service keeps of
the registry (routing tables, Posyandu counts). A `registry.changed` broadcast makes the service
forget entries at once; the expiry is the safety net for a broadcast it missed."""
from nameko.extensions import DependencyProvider

from ..cache import TtlCache


class Cached(DependencyProvider):
    def __init__(self, ttl_key: str, default_seconds: float):
        self.ttl_key = ttl_key
        self.default_seconds = default_seconds

    def setup(self):
        self.cache = TtlCache(float(self.container.config.get(self.ttl_key, self.default_seconds)))

    def get_dependency(self, worker_ctx):
        return self.cache
