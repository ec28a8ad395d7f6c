"""A thin pymongo DependencyProvider: one client per service process, one database per service."""
import logging

from nameko.extensions import DependencyProvider
from pymongo import MongoClient

log = logging.getLogger(__name__)


def connect(uri: str, **options) -> MongoClient:
    """A client with bounded waits, so a storage outage fails fast instead of hanging."""
    defaults = dict(serverSelectionTimeoutMS=5_000, connectTimeoutMS=5_000,
                    socketTimeoutMS=30_000, tz_aware=True)
    defaults.update(options)
    return MongoClient(uri, **defaults)


class MongoDatabase(DependencyProvider):
    """Hands each worker the service's own `pymongo.Database`.

    `prepare(db)` runs once at start (index creation); config keys: `MONGO_URI`, `MONGO_DB`.
    """

    def __init__(self, prepare=None):
        self.prepare = prepare
        self.client = None
        self.database = None

    def setup(self):
        config = self.container.config
        self.client = connect(config["MONGO_URI"])
        self.database = self.client[config["MONGO_DB"]]

    def start(self):
        if self.prepare:
            self.prepare(self.database)

    def stop(self):
        if self.client is not None:
            self.client.close()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.database
