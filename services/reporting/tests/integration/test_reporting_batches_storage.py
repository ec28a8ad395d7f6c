"""`ReportingRepository.apply_batch` against the real store: a batch journals each new event
once and counts as the same events applied one at a time; batches of two replicas over the
same reports, side by side, still count each event once; a batch that meets an event another
replica journaled meanwhile is applied one event at a time."""
import eventlet
import pytest
from pymongo import MongoClient
from pymongo.collection import Collection

from simpul_common import contracts
from simpul_reporting import usecases
from simpul_reporting.repository import ReportingRepository, prepare


@pytest.fixture
def repos(mongo_uri, db_names):
    """Two repositories on fresh databases of their own."""
    client = MongoClient(mongo_uri)
    made = []
    for suffix in ("a", "b"):
        db = client[f"{db_names['reporting']}_{suffix}"]
        prepare(db)
        made.append(ReportingRepository(db))
    yield made
    client.close()


def events(*report_ids: str) -> list:
    made = []
    for report_id in report_ids:
        common = dict(report_id=report_id, kind="complaint", service_type="kesehatan.balita",
                      spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P1")
        for message in (contracts.ReportReceived(received_at=contracts.utc_now(), **common),
                        contracts.ReportRouted(opd_code="33.25/dinkes", opd_name="Dinkes",
                                               rule_id="r", due_at="2026-12-01T16:59:59+00:00",
                                               routed_at=contracts.utc_now(), **common)):
            made.append(contracts.decode(message.envelope(
                contracts.stable_id(report_id, message.type))))
    return made


def read_model(repo) -> tuple:
    db = repo.db
    return ({f["_id"]: f for f in db.facts.find()},
            repo.all_counters(),
            sorted(j["_id"] for j in db.journal.find()))


def test_a_batch_counts_as_its_events_one_at_a_time(repos):
    batched, single = repos
    some = events("r1", "r2", "r3")
    assert usecases.record_events(some[:2], batched) == 2
    assert usecases.record_events(some + some[:3], batched) == 4     # again, and twice within
    for event in some:
        usecases.record_event(event, single)
    assert read_model(batched) == read_model(single)
    assert read_model(batched)[1]["33.25|status|routed"] == 3


def test_overlapping_batches_side_by_side_count_each_event_once(repos):
    repo = repos[0]
    every = events(*(f"r{n}" for n in range(12)))
    batches = [every[start:start + 10] for start in range(0, len(every), 4)]   # overlapping
    pool = eventlet.GreenPool()
    list(pool.imap(lambda batch: usecases.record_events(batch, repo), batches * 2))
    facts, counters, journal = read_model(repo)
    assert journal == sorted(event.id for event in every)
    assert counters["33.25|total|all"] == counters["33.25|status|routed"] == 12
    assert "33.25|status|received" not in counters
    assert {fact["events"] for fact in facts.values()} == {2}


def test_an_event_journaled_meanwhile_makes_the_batch_go_one_at_a_time(repos, monkeypatch):
    repo = repos[0]
    first, second = events("r1")
    usecases.record_event(first, repo)
    find = Collection.find

    def blind(self, query=None, *args, **kwargs):   # as if another replica had just journaled it
        if self.name == "journal" and "_id" in (query or {}):
            return iter([])
        return find(self, query, *args, **kwargs)
    monkeypatch.setattr(Collection, "find", blind)

    assert usecases.record_events([first, second], repo) == 1
    facts, counters, journal = read_model(repo)
    assert journal == sorted([first.id, second.id])
    assert counters["33.25|total|all"] == counters["33.25|status|routed"] == 1


def test_counters_of_the_earlier_shape_are_folded_into_one_document_per_scope(repos):
    repo = repos[0]
    db = repo.db
    db.counts.delete_many({})
    db.counters.insert_many([
        {"_id": "33.25|total|all", "scope": "33.25", "dim": "total", "value": "all", "n": 3},
        {"_id": "33.25|service_type|kesehatan.balita", "scope": "33.25", "dim": "service_type",
         "value": "kesehatan.balita", "n": 2},
        {"_id": "33.25|opd|33.25/dinkes", "scope": "33.25", "dim": "opd",
         "value": "33.25/dinkes", "n": 1},
        {"_id": "33|status|received", "scope": "33", "dim": "status", "value": "received", "n": 0}])
    prepare(db)
    prepare(db)   # a second start changes nothing
    assert "counters" not in db.list_collection_names()
    assert sorted(repo.counters_of("33.25")) == [("opd", "33.25/dinkes", 1),
                                                  ("service_type", "kesehatan.balita", 2),
                                                  ("total", "all", 3)]
    assert repo.counters_of("33") == []
