"""Routing in a nameko container, asking a real registry container for its rules."""
import time

import pytest
from pymongo import MongoClient

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until
from simpul_registry.repository import RegistryRepository, prepare
from simpul_registry.seed import seed_demo
from simpul_registry.service import RegistryService
from simpul_routing.service import RoutingService


@pytest.fixture
def system(run_service, service_config, mongo_uri, db_names, broker):
    client = MongoClient(mongo_uri)
    registry_db = client[db_names["registry"]]
    prepare(registry_db)
    seed_demo(RegistryRepository(registry_db), say=lambda _: None)
    run_service(RegistryService, service_config(db_names["registry"]))
    run_service(RoutingService, service_config(db_names["routing"]))
    return registry_db, client[db_names["routing"]]


def received(report_id, service_type, desa_code):
    event = contracts.ReportReceived(
        report_id=report_id, kind="complaint", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code=desa_code, posyandu_id="P1",
        received_at=contracts.utc_now())
    return event.envelope(contracts.stable_id(report_id, event.type))


def test_routes_to_the_responsible_opd_with_a_working_day_deadline(system, broker):
    probe = broker.probe(contracts.ReportRouted.type)
    broker.publish(received("r-balita", "kesehatan.balita", "33.25.01.2001"))
    broker.publish(received("r-lansia", "sosial.lansia_terlantar", "21.71.01.1002"))
    broker.publish(received("r-fire", "trantibumlinmas.penyelamatan_kebakaran", "21.71.02.1001"))

    events = wait_until(lambda: len(probe.of_type("report.routed")) == 3 and probe.seen,
                        what="three routed")
    by_report = {e["data"]["report_id"]: e["data"] for e in events}
    assert by_report["r-balita"]["opd_code"] == "33.25/dinkes"
    assert by_report["r-balita"]["unit_code"] == "puskesmas-33.25.01"
    assert by_report["r-lansia"]["opd_code"] == "21.71/dinsos"
    assert by_report["r-fire"]["opd_code"] == "21.71/damkar"
    for data in by_report.values():
        assert data["due_at"] > data["routed_at"]


def test_a_redelivered_report_is_routed_once_and_reannounced_identically(system, broker):
    _, routing_db = system
    probe = broker.probe(contracts.ReportRouted.type)
    envelope = received("r-twice", "pendidikan.dasar", "33.25.02.2001")
    broker.publish(envelope)
    broker.publish(envelope)
    events = wait_until(lambda: len(probe.of_type("report.routed")) == 2 and probe.seen,
                        what="two announcements")
    assert events[0] == events[1]
    assert routing_db.cases.count_documents({"_id": "r-twice"}) == 1


def test_without_a_responsible_opd_the_report_goes_to_the_tph(system, broker):
    registry_db, routing_db = system
    registry_db.routing_rules.delete_many({"kabupaten_code": "21.71", "service_type": "sosial.*"})
    probe = broker.probe(contracts.ReportUnroutable.type)
    time.sleep(0.6)  # past the routing table cache
    broker.publish(received("r-orphan", "sosial.anak_terlantar", "21.71.01.1002"))
    event = wait_until(lambda: probe.of_type("report.unroutable"), what="unroutable")[0]
    assert event["data"]["tph_region"] == "21.71"
    assert routing_db.cases.find_one({"_id": "r-orphan"})["status"] == "unroutable"


@pytest.fixture
def slow_cache_system(run_service, service_config, mongo_uri, db_names, broker):
    """Routing whose cached tables would live five minutes: only `registry.changed` can
    refresh them in time."""
    registry_db = MongoClient(mongo_uri)[db_names["registry"]]
    prepare(registry_db)
    seed_demo(RegistryRepository(registry_db), say=lambda _: None)
    run_service(RegistryService, service_config(db_names["registry"]))
    run_service(RoutingService, service_config(db_names["routing"], ROUTING_TABLE_TTL_SECONDS=300))


def test_a_rule_changed_in_the_registry_routes_the_next_report_without_a_restart(
        slow_cache_system, broker, rpc):
    probe = broker.probe(contracts.ReportRouted.type)
    broker.publish(received("r-before", "kesehatan.balita", "33.25.03.2001"))
    wait_until(lambda: probe.of_type("report.routed"), what="first routed")
    opd = rpc.registry.create_opd({"kabupaten_code": "33.25", "short_code": "dinkes_gizi",
                                   "name": "UPT Gizi Dinas Kesehatan Batang"})["item"]
    rule = rpc.registry.create_rule({"region_prefix": "33.25.03", "service_type": "kesehatan.balita",
                                     "opd_code": opd["id"]})["item"]
    time.sleep(0.5)   # the broadcast reaches routing within milliseconds
    broker.publish(received("r-after", "kesehatan.balita", "33.25.03.2001"))
    events = wait_until(lambda: len(probe.of_type("report.routed")) == 2 and probe.seen,
                        what="second routed")
    by_report = {e["data"]["report_id"]: e["data"] for e in events}
    assert by_report["r-before"]["opd_code"] == "33.25/dinkes"
    assert by_report["r-after"]["opd_code"] == "33.25/dinkes_gizi"
    assert by_report["r-after"]["rule_id"] == rule["id"]
