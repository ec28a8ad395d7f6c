"""Run a service class in a real nameko container against the test broker and storage."""
import uuid

import pytest
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from pymongo import MongoClient


@pytest.fixture(scope="session")
def service_config(amqp_uri, mongo_uri, data_key):
    def config(db_name, **extra):
        return {"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB": db_name,
                "SIMPUL_DATA_KEY": data_key, "GATEWAY_PUBLIC_URL": "http://gateway.test",
                "max_workers": 4, "ROUTING_TABLE_TTL_SECONDS": 0.5,
                "SIMPUL_WEBHOOK_KEY": "test-webhook-key", "DELIVERY_RETRY_BASE_SECONDS": 0.2,
                "DELIVERY_RETRY_MAX_SECONDS": 1, "DELIVERY_MAX_ATTEMPTS": 4, **extra}
    return config


def _runner():
    containers = []

    def start(service_cls, config):
        container = ServiceContainer(service_cls, config)
        container.start()
        containers.append(container)
        return container

    return start, containers


@pytest.fixture
def run_service():
    """Start service containers for one test; stopped after it."""
    start, containers = _runner()
    yield start
    for container in reversed(containers):
        container.stop()


@pytest.fixture(scope="module")
def run_module_service():
    """Start service containers shared by the tests of one module (each start costs seconds)."""
    start, containers = _runner()
    yield start
    for container in reversed(containers):
        container.stop()


@pytest.fixture
def rpc(amqp_uri):
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def registry(run_module_service, service_config, mongo_uri):
    """One registry with the demo data for the module (starting one costs seconds): a test
    changes only data of its own, or puts back what it changed. Answers its database."""
    from simpul_registry.repository import RegistryRepository, prepare
    from simpul_registry.seed import seed_demo
    from simpul_registry.service import RegistryService

    name = f"t{uuid.uuid4().hex[:8]}_registry"
    db = MongoClient(mongo_uri)[name]
    prepare(db)
    seed_demo(RegistryRepository(db), demo_users=True, say=lambda _: None)
    run_module_service(RegistryService, service_config(name))
    return db
