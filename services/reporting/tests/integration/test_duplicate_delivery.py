"""Duplicates of a report's events through the real broker onto `reporting.facts`, handled by
two reporting replicas at once: every copy is acknowledged, and each event is journaled once
(`_id` is the event id, in the transaction that moves the fact and the counters), so the fact
counts it once and every counter moves once."""
import pytest
from simpul_reporting.repository import ReportingRepository
from nameko.utils.concurrency import SpawningProxy
from pymongo import MongoClient

from simpul_common import contracts
from simpul_common.regions import ancestors_and_self
from simpul_devtools import broker_testing
from simpul_devtools.pytest_fixtures import wait_until
from simpul_reporting.service import ReportingService

QUEUE = "reporting.facts"
REPORT_ID = "report-counted-once"
FIELDS = dict(report_id=REPORT_ID, kind="complaint", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P1")


@pytest.fixture
def replicas(run_service, service_config, db_names, broker):
    """Two reporting replicas on one database, five workers each, consuming (no registry:
    the counts of reports do not need it): their containers."""
    config = service_config(db_names["reporting"], max_workers=5, REGISTRY_RPC_TIMEOUT_SECONDS=0.2)
    return [run_service(ReportingService, config) for _ in range(2)]


def handled(message_type: str) -> dict:
    return broker_testing.handled("reporting", QUEUE, message_type)



def events() -> list[dict]:
    """Received, routed, acknowledged and escalated, each under its stable id."""
    def stable(message, *parts):
        return message.envelope(contracts.stable_id(REPORT_ID, message.type, *parts))

    return [
        stable(contracts.ReportReceived(received_at=contracts.utc_now(), **FIELDS)),
        stable(contracts.ReportRouted(opd_code="33.25/dinkes", opd_name="Dinkes", rule_id="r",
                                      due_at="2026-12-01T16:59:59.999+00:00",
                                      routed_at=contracts.utc_now(), **FIELDS)),
        stable(contracts.CaseChanged(action="acknowledge", from_status="routed",
                                     to_status="acknowledged", actor_role="opd_officer",
                                     kabupaten_code="33.25", escalation_level=0,
                                     changed_at=contracts.utc_now(), sequence=1,
                                     opd_code="33.25/dinkes", opd_name="Dinkes", **FIELDS), "1"),
        stable(contracts.CaseEscalated(level=1, target="opd_head", deadline="resolve",
                                       overdue_since="2026-12-01T16:59:59.999+00:00",
                                       kabupaten_code="33.25", escalated_at=contracts.utc_now(),
                                       sequence=2, opd_code="33.25/dinkes", **FIELDS), "2"),
    ]


def test_events_delivered_five_times_each_to_two_replicas_are_counted_once(
        replicas, broker, mongo_uri, db_names):
    db = MongoClient(mongo_uri)[db_names["reporting"]]
    envelopes = events()
    before = {e["type"]: handled(e["type"]) for e in envelopes}
    broker.burst(envelopes * 5)        # back to back: copies reach both replicas at once
    wait_until(lambda: all(handled(kind)["ok"] - done["ok"] == 5 for kind, done in before.items()),
               seconds=30, what="twenty copies handled")
    SpawningProxy(replicas).stop()     # what they had not acknowledged goes back to the queue

    assert sorted(j["_id"] for j in db.journal.find()) == sorted(e["id"] for e in envelopes)
    fact = db.facts.find_one({"_id": REPORT_ID})
    assert (fact["events"], fact["escalations"], fact["status"]) == (4, 1, "acknowledged")
    counts = ReportingRepository(db).all_counters()
    assert set(counts.values()) <= {0, 1}, "no counter moved twice"
    for scope in ancestors_and_self("33.25.01.2001"):
        assert counts[f"{scope}|total|all"] == counts[f"{scope}|status|acknowledged"] == 1
        assert counts[f"{scope}|opd|33.25/dinkes"] == 1
        assert not counts.get(f"{scope}|status|received")
        assert not counts.get(f"{scope}|status|routed")
    assert all(handled(kind)["dead"] == done["dead"] for kind, done in before.items())
    assert set(broker.left_on(QUEUE).values()) == {0}
