"""Reporting shows how many Posyandu a region has, from a real registry container, and follows
the registry's changes through the `registry.changed` broadcast."""
import pytest
from pymongo import MongoClient

from simpul_devtools.pytest_fixtures import wait_until
from simpul_registry.repository import RegistryRepository, prepare
from simpul_registry.seed import seed_demo
from simpul_registry.service import RegistryService
from simpul_reporting.service import ReportingService


@pytest.fixture
def reporting_with_registry(run_service, service_config, mongo_uri, db_names, broker):
    registry_db = MongoClient(mongo_uri)[db_names["registry"]]
    prepare(registry_db)
    seed_demo(RegistryRepository(registry_db), say=lambda _: None)
    run_service(RegistryService, service_config(db_names["registry"]))
    # the counts would be kept five minutes: only the broadcast can refresh them in time
    run_service(ReportingService, service_config(db_names["reporting"], REGISTRY_CACHE_SECONDS=300))


def test_the_summary_counts_posyandu_and_follows_a_new_one(reporting_with_registry, rpc):
    assert rpc.reporting.summary("21.71")["posyandu"] == {"total": 574, "active": 574, "ilp": 428,
                                                           "six_spm": 428}
    assert rpc.reporting.summary("21.71.01.1002")["posyandu"]["total"] >= 1
    made = rpc.registry.create_posyandu({"registration_number": "BTM-BARU-01", "name": "Posyandu Baru",
                                         "desa_code": "21.71.01.1002", "ilp": True})
    assert made["item"]["kabupaten_code"] == "21.71"
    counts = wait_until(lambda: (p := rpc.reporting.summary("21.71")["posyandu"])["total"] == 575 and p,
                        seconds=5, what="refreshed Posyandu counts")
    assert counts["ilp"] == 429
