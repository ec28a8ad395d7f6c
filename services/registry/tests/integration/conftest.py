"""The registry of the integration tests: seeded once per module, in a nameko container."""
import uuid

import pytest
from pymongo import MongoClient

from simpul_registry.repository import RegistryRepository, prepare
from simpul_registry.seed import seed_demo
from simpul_registry.service import RegistryService


@pytest.fixture(scope="module")
def registry(run_module_service, service_config, mongo_uri):
    """One registry for the module (starting one costs seconds): a test changes only data of
    its own, or puts back what it changed. Answers the demo data's database."""
    name = f"t{uuid.uuid4().hex[:8]}_registry"
    db = MongoClient(mongo_uri)[name]
    prepare(db)
    seed_demo(RegistryRepository(db), say=lambda _: None)
    run_module_service(RegistryService, service_config(name))
    return db
