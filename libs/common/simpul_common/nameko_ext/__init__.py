"""nameko adapters shared by every Simpul service: storage, publishing, consuming, metrics.

Only service modules import this package; domains and use cases never see nameko.
"""
from .batch import consume_batch
from .broadcast import on_broadcast
from .cached import Cached
from .consumer import consume
from .draining import RpcProxy, rpc
from .metrics import Metrics
from .publisher import Publish
from .storage import MongoDatabase

__all__ = ["Cached", "Metrics", "MongoDatabase", "Publish", "RpcProxy", "consume", "consume_batch",
           "on_broadcast", "rpc"]
