"""nameko adapters shared by every Simpul service: storage, publishing and consuming.

Only service modules import this package; domains and use cases never see nameko.
"""
from .broadcast import on_broadcast
from .cached import Cached
from .consumer import consume
from .publisher import Publish
from .storage import MongoDatabase

__all__ = ["Cached", "MongoDatabase", "Publish", "consume", "on_broadcast"]
