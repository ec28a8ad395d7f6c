"""Duplicates of `report.received` through the real broker onto `routing.reports`, handled by
two routing replicas at once: every copy is acknowledged, the report gets one case (`_id` is
the report id; a household's open case is unique by `open_key`), a duplicate report joins the
open case once (a write conditional on `history.report_id`), and every copy re-announces the
decision under the same event id."""
import pytest
from nameko.utils.concurrency import SpawningProxy
from prometheus_client import REGISTRY
from pymongo import MongoClient

from simpul_common import contracts
from simpul_devtools import broker_testing
from simpul_devtools.pytest_fixtures import wait_until
from simpul_routing.service import RoutingService

QUEUE = "routing.reports"
HOUSEHOLD = "household-ref-of-a-test"


@pytest.fixture
def replicas(registry, run_service, service_config, db_names, broker):
    """Two routing replicas on one database, five workers each, consuming: their containers."""
    config = service_config(db_names["routing"], max_workers=5)
    return [run_service(RoutingService, config) for _ in range(2)]


@pytest.fixture
def routing_db(mongo_uri, db_names):
    return MongoClient(mongo_uri)[db_names["routing"]]


def handled() -> dict:
    """How many `report.received` routing's handlers finished with, by outcome, so far."""
    return broker_testing.handled("routing", QUEUE, "report.received")


def decided(outcome: str) -> float:
    return REGISTRY.get_sample_value("simpul_routing_outcomes_total",
                                     {"kabupaten": "33.25", "outcome": outcome}) or 0



def received(report_id: str) -> dict:
    event = contracts.ReportReceived(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        received_at=contracts.utc_now(), household_ref=HOUSEHOLD)
    return event.envelope(contracts.stable_id(report_id, event.type))


def deliver(broker, envelopes: list[dict]) -> None:
    """Publish `envelopes` back to back, without waiting for each confirm, so that copies
    reach workers of both replicas at the same time; then one more copy of the first, late
    (its case is stored by then). Returns once every copy is handled."""
    start = handled()["ok"]
    broker.burst(envelopes)
    wait_until(lambda: handled()["ok"] - start == len(envelopes), seconds=30,
               what="every copy handled")
    broker.publish(envelopes[0])
    wait_until(lambda: handled()["ok"] - start == len(envelopes) + 1, seconds=30,
               what="the late copy handled")


def test_a_report_delivered_nine_times_to_two_replicas_gets_one_case_and_one_decision(
        replicas, routing_db, broker):
    envelope = received("r-dup-routed")
    announced = broker.probe(contracts.ReportRouted.type, contracts.ReportLinked.type)
    before, counted = handled(), decided("routed")
    deliver(broker, [envelope] * 7 + [{**envelope, "id": "another-envelope-id"}])
    SpawningProxy(replicas).stop()     # what they had not acknowledged goes back to the queue

    case = routing_db.cases.find_one({"_id": "r-dup-routed"})
    assert routing_db.cases.count_documents({}) == 1
    assert (case["status"], case["linked_reports"], case["version"]) == ("routed", [], 0)
    assert len(case["history"]) == 1
    assert decided("routed") - counted == 1
    events = announced.drain()
    assert len(events) >= 9, "every copy re-announces the decision"
    assert all(e == events[0] for e in events), "the same decision, under the same id"
    assert events[0]["id"] == contracts.stable_id("r-dup-routed", "report.routed")
    assert handled()["dead"] == before["dead"]
    assert set(broker.left_on(QUEUE).values()) == {0}


def test_a_duplicate_report_delivered_seven_times_to_two_replicas_joins_the_open_case_once(
        replicas, routing_db, broker):
    deliver(broker, [received("r-dup-open")])
    linked = broker.probe(contracts.ReportLinked.type)
    before, counted = handled(), decided("linked")
    deliver(broker, [received("r-dup-joins")] * 6)
    SpawningProxy(replicas).stop()     # what they had not acknowledged goes back to the queue

    case = routing_db.cases.find_one({"_id": "r-dup-joins"})
    assert (case["status"], case["linked_to"]) == ("linked", "r-dup-open")
    assert routing_db.cases.count_documents({}) == 2
    open_case = routing_db.cases.find_one({"_id": "r-dup-open"})
    assert open_case["linked_reports"] == ["r-dup-joins"]
    assert [h["action"] for h in open_case["history"]] == ["route", "link_duplicate"]
    assert (open_case["status"], open_case["version"]) == ("routed", 1)
    assert decided("linked") - counted == 1
    events = linked.drain()
    assert len(events) >= 7 and {e["id"] for e in events} == {
        contracts.stable_id("r-dup-joins", "report.linked")}
    assert handled()["dead"] == before["dead"]
    assert set(broker.left_on(QUEUE).values()) == {0}
