"""Routing's use cases over an in-memory repository with the semantics of
repository.CaseRepository: optimistic versions, one open case per household and service type,
an append-only history, and an outbox of events published after each write."""
import collections
import copy
import json

import pytest

from simpul_common import contracts
from simpul_routing import usecases
from simpul_routing.domain import sla
from simpul_routing.domain.case import decide, duplicate_entry, linked, move, timer_steps, view
from simpul_routing.domain.lifecycle import Actor
from simpul_routing.domain.queries import BadFilter, case_query
from simpul_routing.repository import TOP_FIELDS_KEPT, OpenCaseExists

# Instants well in the past of any wall clock running these tests, so the sweep's grace for
# outboxes (wall clock minus 30 s) has always passed for them.
MON = "2026-11-02T03:00:00.000+00:00"     # Mon 10:00 WIB
TUE = "2026-11-03T03:00:00.000+00:00"
WED = "2026-11-04T03:00:00.000+00:00"
THU = "2026-11-05T03:00:00.000+00:00"
FRI = "2026-11-06T00:00:00.000+00:00"     # the acknowledge deadline of a Monday case has passed
FAR = "2027-02-01T00:00:00.000+00:00"


# --- fakes ------------------------------------------------------------------------------------

def matches(doc: dict, query: dict) -> bool:
    """The subset of MongoDB queries case_query produces."""
    for key, cond in query.items():
        if key == "$and":
            ok = all(matches(doc, q) for q in cond)
        elif key == "$or":
            ok = any(matches(doc, q) for q in cond)
        elif key == "$nor":
            ok = not any(matches(doc, q) for q in cond)
        elif isinstance(cond, dict) and cond and all(op.startswith("$") for op in cond):
            value = doc.get(key)
            ok = True
            for op, arg in cond.items():
                if op == "$in":
                    ok &= value in arg
                elif op == "$nin":
                    ok &= value not in arg
                elif op in ("$lt", "$lte", "$gt", "$gte"):
                    if value is None:
                        ok = False
                    else:
                        ok &= {"$lt": value < arg, "$lte": value <= arg,
                               "$gt": value > arg, "$gte": value >= arg}[op]
                else:
                    raise AssertionError(f"the fake does not know {op}")
        else:
            ok = doc.get(key) == cond
        if not ok:
            return False
    return True


class FakeCaseRepository:
    """In memory, with the semantics of repository.CaseRepository. `interfere` holds
    functions run (one per save or batch insert, first come first served) just before a save
    compares versions or a batch is inserted: another person or replica writing the same case
    at the same time. `calls` counts the calls of the reads and inserts of new cases."""

    def __init__(self):
        self.cases = {}
        self.interfere = []
        self.calls = collections.Counter()

    def _insert(self, case):
        if case["_id"] in self.cases:
            return copy.deepcopy(self.cases[case["_id"]])
        self.cases[case["_id"]] = copy.deepcopy(case)
        return case

    def get(self, case_id, with_history=True):
        self.calls["get"] += 1
        return copy.deepcopy(self.cases.get(case_id))

    def get_many(self, case_ids):
        self.calls["get_many"] += 1
        return {i: copy.deepcopy(self.cases[i]) for i in case_ids if i in self.cases}

    def add_many(self, cases):
        """Unordered: each case is refused whose report has a case already, or whose household
        holds an open case of its service type; the others are stored."""
        self.calls["add_many"] += 1
        if self.interfere:
            self.interfere.pop(0)(self)
        refused = set()
        for case in cases:
            key = case.get("open_key")
            if case["_id"] in self.cases or key is not None and any(
                    other.get("open_key") == key for other in self.cases.values()):
                refused.add(case["_id"])
            else:
                self.cases[case["_id"]] = copy.deepcopy(case)
        return refused

    def add(self, case):
        self.calls["add"] += 1
        if case["_id"] not in self.cases and case.get("open_key") is not None:
            holder = next((c for c in self.cases.values()
                           if c.get("open_key") == case["open_key"]), None)
            if holder is not None:
                raise OpenCaseExists(copy.deepcopy(holder))
        return self._insert(case)

    def add_linked(self, case):
        return self._insert(case)

    def note_duplicate(self, open_case_id, entry):
        case = self.cases.get(open_case_id)
        if case is None or any(h.get("report_id") == entry["report_id"] for h in case["history"]):
            return
        case["history"].append(copy.deepcopy(entry))
        case["linked_reports"].append(entry["report_id"])
        case["version"] += 1

    def save(self, before, after, entries, events, now):
        if self.interfere:
            self.interfere.pop(0)(self)
        stored = self.cases.get(before["_id"])
        if stored is None or stored.get("version", 0) != before.get("version", 0):
            return False
        for key, value in after.items():
            if key not in TOP_FIELDS_KEPT and before.get(key, ...) != value:
                stored[key] = copy.deepcopy(value)
        for key in before:
            if key not in after and key not in TOP_FIELDS_KEPT:
                stored.pop(key, None)
        stored["version"] = stored.get("version", 0) + 1
        stored["history"] = stored["history"] + copy.deepcopy(entries)
        if events:
            stored["outbox"] = stored.get("outbox", []) + copy.deepcopy(events)
            stored["outbox_at"] = min(stored.get("outbox_at", now), now)
        return True

    def outbox_sent(self, case_id, version):
        stored = self.cases.get(case_id)
        if stored is not None and stored["version"] == version:
            stored["outbox"] = []
            stored.pop("outbox_at", None)

    def due(self, now, limit):
        due = [c for c in self.cases.values() if c.get("timer_at") and c["timer_at"] < now]
        return copy.deepcopy(sorted(due, key=lambda c: c["timer_at"])[:limit])

    def unsent(self, before, limit):
        late = [c for c in self.cases.values() if c.get("outbox_at") and c["outbox_at"] <= before]
        return [{"_id": c["_id"], "outbox": copy.deepcopy(c["outbox"]), "version": c["version"]}
                for c in late[:limit]]

    def find(self, query, page, per_page):
        found = [c for c in self.cases.values() if matches(c, query)]
        found.sort(key=lambda c: c["_id"])
        found.sort(key=lambda c: c["routed_at"], reverse=True)
        shown = [{k: v for k, v in c.items() if k not in ("outbox", "history")}
                 for c in found[(page - 1) * per_page: page * per_page]]
        return copy.deepcopy(shown), len(found)


class Broker:
    def __init__(self, fail_after=None):
        self.published = []
        self.fail_after = fail_after     # publishes that succeed before the broker goes down

    def publish(self, envelope):
        if self.fail_after is not None and len(self.published) >= self.fail_after:
            raise ConnectionError("broker down")
        self.published.append(copy.deepcopy(envelope))

    def types(self):
        return [e["type"] for e in self.published]


OPDS = {"33.25/dinkes": "Dinas Kesehatan Kabupaten Batang",
        "33.25/dinsos": "Dinas Sosial Kabupaten Batang"}
TABLE = {
    "kabupaten_code": "33.25",
    "rules": [{"id": "kab-kes", "region_prefix": "33.25", "service_type": "kesehatan.*",
               "opd_code": "33.25/dinkes", "unit_code": None, "valid_from": "2000-01-01",
               "valid_to": None}],
    "opds": OPDS,
    "norms": {},
}


class Registry:
    def __init__(self):
        self.asked = []

    def routing_table(self, kabupaten_code):
        self.asked.append(kabupaten_code)
        return copy.deepcopy(TABLE)


OFFICER = {"role": "opd_officer", "id": "u-officer", "name": "Budi", "opd_code": "33.25/dinkes",
           "posyandu_id": None, "kabupaten_code": "33.25"}
COLLEAGUE = {**OFFICER, "id": "u-colleague", "name": "Sari"}
DINSOS = {**OFFICER, "id": "u-dinsos", "opd_code": "33.25/dinsos"}
KADER = {"role": "kader", "id": "u-kader", "name": "Ani", "opd_code": None,
         "posyandu_id": "P332501200101", "kabupaten_code": "33.25"}
OTHER_KADER = {**KADER, "id": "u-kader-2", "posyandu_id": "P332501200102"}
TPH = {"role": "tph", "id": "u-tph", "name": "Tim", "opd_code": None, "posyandu_id": None,
       "kabupaten_code": "33.25"}
ADMIN = {"role": "admin", "id": "u-admin", "name": "Admin", "opd_code": None, "posyandu_id": None,
         "kabupaten_code": None}


def received(report_id="r-1", service_type="kesehatan.balita", household_ref=None):
    return contracts.ReportReceived(
        report_id=report_id, kind="service_need", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code="33.25.01.2001",
        posyandu_id="P332501200101", received_at=MON, household_ref=household_ref)


@pytest.fixture
def clock(monkeypatch):
    """route_report dates a decision with contracts.utc_now(): pin it."""
    now = {"value": MON}
    monkeypatch.setattr(contracts, "utc_now", lambda: now["value"])
    return now


@pytest.fixture
def repo():
    return FakeCaseRepository()


def route(repo, broker=None, **kwargs):
    return usecases.route_report(received(**kwargs), repo, Registry().routing_table,
                                 (broker or Broker()).publish)


def act(repo, broker, case_id, action, actor, details=None, now=TUE):
    return usecases.act(case_id, action, actor, details or {}, repo, Registry().routing_table,
                        broker.publish, now)


# --- route_report ------------------------------------------------------------------------------

def test_a_new_report_is_routed_stored_and_announced(repo, clock):
    broker = Broker()
    case = route(repo, broker)
    assert case["status"] == "routed" and case["routed_at"] == MON
    assert repo.get("r-1")["opd_code"] == "33.25/dinkes"
    assert broker.types() == ["report.routed"]
    assert broker.published[0]["id"] == contracts.stable_id("r-1", "report.routed")


def test_a_second_report_of_the_household_for_the_same_service_joins_the_open_case(repo, clock):
    broker = Broker()
    route(repo, broker, household_ref="hh-1")
    clock["value"] = TUE

    dup = route(repo, broker, report_id="r-2", household_ref="hh-1")

    assert (dup["status"], dup["linked_to"]) == ("linked", "r-1")
    assert broker.types() == ["report.routed", "report.linked"]
    assert broker.published[1]["data"]["case_id"] == "r-1"
    open_case = repo.get("r-1")
    assert open_case["status"] == "routed"
    assert open_case["linked_reports"] == ["r-2"]
    assert [h["action"] for h in open_case["history"]] == ["route", "link_duplicate"]
    assert open_case["history"][1]["report_id"] == "r-2"
    assert repo.get("r-2")["history"][0]["case_id"] == "r-1"


def test_a_redelivered_duplicate_is_announced_again_but_linked_once(repo, clock):
    broker = Broker()
    route(repo, broker, household_ref="hh-1")
    route(repo, broker, report_id="r-2", household_ref="hh-1")
    registry = Registry()

    usecases.route_report(received("r-2", household_ref="hh-1"), repo, registry.routing_table,
                          broker.publish)

    assert registry.asked == []                         # the stored decision is re-announced
    assert broker.types() == ["report.routed", "report.linked", "report.linked"]
    assert broker.published[2] == broker.published[1]
    open_case = repo.get("r-1")
    assert [h["action"] for h in open_case["history"]].count("link_duplicate") == 1
    assert open_case["linked_reports"] == ["r-2"]


def test_a_redelivered_routed_report_is_announced_with_the_same_event(repo, clock):
    broker = Broker()
    route(repo, broker, household_ref="hh-1")
    clock["value"] = WED
    again = route(repo, broker, household_ref="hh-1")
    assert again["routed_at"] == MON
    assert broker.published[1] == broker.published[0]
    assert len(repo.cases) == 1


def test_other_services_and_unknown_households_are_routed_on_their_own(repo, clock):
    route(repo, household_ref="hh-1")
    other_service = route(repo, report_id="r-2", service_type="kesehatan.ibu_hamil",
                          household_ref="hh-1")
    other_household = route(repo, report_id="r-3", household_ref="hh-2")
    no_household = route(repo, report_id="r-4")
    no_household_again = route(repo, report_id="r-5")
    assert [c["status"] for c in (other_service, other_household, no_household,
                                  no_household_again)] == ["routed"] * 4


def test_once_the_open_case_is_closed_the_household_gets_a_new_case(repo, clock):
    route(repo, household_ref="hh-1")
    broker = Broker()
    act(repo, broker, "r-1", "acknowledge", OFFICER)
    act(repo, broker, "r-1", "resolve", OFFICER, {"resolution": "imunisasi diberikan"})
    assert "open_key" in repo.cases["r-1"]
    act(repo, broker, "r-1", "confirm", KADER)
    assert "open_key" not in repo.cases["r-1"]

    clock["value"] = THU
    again = route(repo, report_id="r-2", household_ref="hh-1")
    assert again["status"] == "routed"


# --- route_reports: a batch -------------------------------------------------------------------

def route_batch(repo, broker, *events, registry=None):
    return usecases.route_reports(list(events), repo, (registry or Registry()).routing_table,
                                  broker.publish)


def test_a_batch_is_routed_with_one_read_and_one_insert_and_announced_in_its_order(repo, clock):
    broker, registry = Broker(), Registry()
    routed = route_batch(repo, broker, received("r-1", household_ref="hh-1"), received("r-2"),
                         received("r-3", service_type="pendidikan.paud"), received("r-1"),
                         registry=registry)

    assert [c["status"] for c in routed] == ["routed", "routed", "unroutable", "routed"]
    assert sorted(repo.cases) == ["r-1", "r-2", "r-3"]
    assert dict(repo.calls) == {"get_many": 1, "add_many": 1}
    assert registry.asked == ["33.25"]
    assert broker.types() == ["report.routed", "report.routed", "report.unroutable",
                              "report.routed"]
    assert broker.published[3] == broker.published[0]
    assert broker.published[0]["id"] == contracts.stable_id("r-1", "report.routed")


def test_a_redelivered_batch_reannounces_the_stored_decisions_and_links_once(repo, clock):
    first, again, registry = Broker(), Broker(), Registry()
    batch = [received("r-1", household_ref="hh-1"), received("r-2", household_ref="hh-1"),
             received("r-3")]
    route_batch(repo, first, *batch)
    repo.calls.clear()
    clock["value"] = WED

    route_batch(repo, again, *batch, registry=registry)

    assert again.published == first.published
    assert registry.asked == []
    assert (repo.calls["get_many"], repo.calls["get"], repo.calls["add"]) == (1, 0, 0)
    open_case = repo.get("r-1")
    assert [h["action"] for h in open_case["history"]] == ["route", "link_duplicate"]
    assert open_case["linked_reports"] == ["r-2"]


def test_reports_of_one_household_in_one_batch_join_the_first_as_one_by_one(repo, clock):
    """The second of a household and service type goes the single way, after the batch's
    insert stored the first: linked to it; another service type gets its own case."""
    alone = FakeCaseRepository()
    events = [received("r-1", household_ref="hh-1"), received("r-2", household_ref="hh-1"),
              received("r-3", service_type="kesehatan.ibu_hamil", household_ref="hh-1"),
              received("r-4", household_ref="hh-1")]
    broker, one_by_one = Broker(), Broker()

    routed = route_batch(repo, broker, *events)
    for event in events:
        usecases.route_report(event, alone, Registry().routing_table, one_by_one.publish)

    assert [(c["status"], c.get("linked_to")) for c in routed] == [
        ("routed", None), ("linked", "r-1"), ("routed", None), ("linked", "r-1")]
    assert broker.published == one_by_one.published
    assert repo.cases == alone.cases
    assert repo.get("r-1")["linked_reports"] == ["r-2", "r-4"]
    assert repo.calls["add_many"] == 1 and repo.calls["add"] == 2   # r-2 and r-4 alone


def test_a_batch_report_of_a_household_with_a_case_open_from_before_is_linked(repo, clock):
    route(repo, household_ref="hh-1")
    clock["value"] = TUE
    broker = Broker()

    routed = route_batch(repo, broker, received("r-5", household_ref="hh-1"), received("r-6"))

    assert [(c["status"], c.get("linked_to")) for c in routed] == [("linked", "r-1"),
                                                                  ("routed", None)]
    assert broker.types() == ["report.linked", "report.routed"]
    assert repo.get("r-1")["linked_reports"] == ["r-5"]
    assert repo.get("r-5")["routed_at"] == TUE


def test_a_case_another_replica_stores_between_the_read_and_the_insert_is_announced_as_stored(
        repo, clock):
    theirs = decide(received("r-2"), copy.deepcopy(TABLE), MON)
    repo.interfere.append(lambda fake: fake.cases.setdefault("r-2", copy.deepcopy(theirs)))
    clock["value"] = TUE
    broker = Broker()

    routed = route_batch(repo, broker, received("r-1"), received("r-2"))

    assert routed[1]["routed_at"] == MON and repo.get("r-2")["routed_at"] == MON
    assert routed[0]["routed_at"] == TUE
    assert broker.published[1]["occurred_at"] == MON


# --- act ---------------------------------------------------------------------------------------

def test_a_move_answers_the_case_with_its_history_and_announces_it(repo, clock):
    route(repo)
    broker = Broker()

    answer = act(repo, broker, "r-1", "acknowledge", OFFICER, {"note": "diterima"})

    item = answer["item"]
    assert set(answer) == {"item"}
    assert (item["status"], item["deadline"]) == ("acknowledged", "resolve")
    assert item["allowed_actions"] == ["start", "update", "resolve", "reject", "transfer"]
    assert [(h["seq"], h["action"]) for h in item["history"]] == [(0, "route"), (1, "acknowledge")]
    assert item["history"][1]["actor"] == {"role": "opd_officer", "id": "u-officer",
                                           "name": "Budi"}
    assert item["history"][1]["note"] == "diterima"
    assert broker.types() == ["case.changed"]
    stored = repo.cases["r-1"]
    assert (stored["status"], stored["version"], stored["updated_at"]) == ("acknowledged", 1, TUE)
    assert stored["outbox"] == [] and "outbox_at" not in stored
    assert item == view(stored, TUE, with_history=True)


def test_a_transfer_is_announced_to_the_new_opd(repo, clock):
    route(repo)
    broker = Broker()
    answer = act(repo, broker, "r-1", "transfer", OFFICER,
                 {"opd_code": "33.25/dinsos", "reason": "kasus sosial"})
    assert answer["item"]["opd"]["code"] == "33.25/dinsos"
    assert broker.types() == ["case.changed", "report.routed"]
    assert broker.published[1]["data"]["rule_id"] == "manual:transfer"


@pytest.mark.parametrize("case_id,action,actor,details,status,field", [
    ("nope", "acknowledge", OFFICER, {}, 404, "id"),
    ("r-1", "delete", OFFICER, {}, 404, "action"),
    ("r-1", "deem_closed", OFFICER, {}, 404, "action"),          # the system's, never a person's
    ("r-1", "confirm", KADER, {}, 409, "action"),                # not from routed
    ("r-1", "transfer", OFFICER, {"opd_code": "33.25/dinkes", "reason": "x"}, 409, "opd_code"),
    ("r-1", "acknowledge", DINSOS, {}, 403, "actor"),            # another OPD's officer
    ("r-1", "assign", TPH, {"opd_code": "33.25/dinsos"}, 409, "action"),
    ("r-1", "acknowledge", KADER, {}, 403, "actor"),
    ("r-1", "acknowledge", None, {}, 403, "actor"),
    ("r-1", "reject", OFFICER, {}, 422, "reason"),
    ("r-1", "reject", OFFICER, {"reason": ""}, 422, "reason"),
    ("r-1", "transfer", OFFICER, {"reason": "x"}, 422, "opd_code"),
    ("r-1", "transfer", OFFICER, {"opd_code": "21.71/dinsos", "reason": "x"}, 422, "opd_code"),
    ("r-1", "transfer", OFFICER, {"opd_code": "33.25/dpupr", "reason": "x"}, 422, "opd_code"),
])
def test_a_refused_move_changes_nothing_and_announces_nothing(repo, clock, case_id, action, actor,
                                                             details, status, field):
    route(repo)
    kept = copy.deepcopy(repo.cases)
    broker = Broker()

    answer = act(repo, broker, case_id, action, actor, details)

    assert answer["status"] == status
    assert [e["field"] for e in answer["errors"]] == [field]
    assert answer["errors"][0]["message"]
    assert repo.cases == kept
    assert broker.published == []


def test_only_the_kader_of_the_reports_posyandu_may_confirm(repo, clock):
    route(repo)
    broker = Broker()
    act(repo, broker, "r-1", "acknowledge", OFFICER)
    act(repo, broker, "r-1", "resolve", OFFICER, {"resolution": "selesai"})
    kept, sent = copy.deepcopy(repo.cases), len(broker.published)

    answer = act(repo, broker, "r-1", "confirm", OTHER_KADER)

    assert (answer["status"], answer["errors"][0]["field"]) == (403, "actor")
    assert repo.cases == kept and len(broker.published) == sent


def test_a_move_that_lost_a_race_is_retried_on_the_fresh_case(repo, clock):
    route(repo)
    broker = Broker()
    act(repo, broker, "r-1", "acknowledge", OFFICER)
    # while Budi starts the case, Sari records a visit: her write lands first
    repo.interfere.append(lambda r: act(r, broker, "r-1", "update", COLLEAGUE,
                                        {"note": "dikunjungi"}, now=WED))

    answer = act(repo, broker, "r-1", "start", OFFICER, now=WED)

    assert answer["item"]["status"] == "in_progress"
    assert [h["action"] for h in answer["item"]["history"]] == [
        "route", "acknowledge", "update", "start"]
    assert repo.cases["r-1"]["version"] == 3
    assert broker.types() == ["case.changed"] * 3
    assert [e["id"] for e in broker.published[1:]] == [
        contracts.stable_id("r-1", "case.changed", "2"),
        contracts.stable_id("r-1", "case.changed", "3")]


def test_a_move_the_race_made_illegal_is_refused(repo, clock):
    route(repo)
    broker = Broker()
    repo.interfere.append(lambda r: act(r, broker, "r-1", "reject", COLLEAGUE,
                                        {"reason": "bukan kewenangan kami"}))

    answer = act(repo, broker, "r-1", "acknowledge", OFFICER)

    assert (answer["status"], answer["errors"][0]["field"]) == (409, "action")
    assert repo.cases["r-1"]["status"] == "rejected"
    assert [h["action"] for h in repo.cases["r-1"]["history"]] == ["route", "reject"]
    assert [e["data"]["action"] for e in broker.published] == ["reject"]


def test_a_case_that_keeps_changing_under_the_mover_is_a_conflict(repo, clock):
    route(repo)
    broker = Broker()
    for n in range(usecases.SAVE_ATTEMPTS):
        repo.interfere.append(lambda r, n=n: r.note_duplicate("r-1", duplicate_entry(f"d-{n}", TUE)))

    answer = act(repo, broker, "r-1", "acknowledge", OFFICER)

    assert (answer["status"], answer["errors"][0]["field"]) == (409, "id")
    assert repo.cases["r-1"]["status"] == "routed"
    assert broker.published == []


def test_a_move_whose_events_cannot_be_published_is_kept_in_the_outbox(repo, clock):
    route(repo)
    down = Broker(fail_after=0)

    answer = act(repo, down, "r-1", "acknowledge", OFFICER)

    assert answer["item"]["status"] == "acknowledged"
    stored = repo.cases["r-1"]
    assert [e["type"] for e in stored["outbox"]] == ["case.changed"]
    assert stored["outbox_at"] == TUE
    waiting = copy.deepcopy(stored["outbox"])

    up = Broker()
    done = usecases.sweep(repo, up.publish, TUE)

    assert done == {"reminded": 0, "escalated": 0, "closed": 0, "conflicts": 0, "republished": 1}
    assert up.published == waiting
    assert repo.cases["r-1"]["outbox"] == [] and "outbox_at" not in repo.cases["r-1"]
    assert usecases.sweep(repo, up.publish, TUE)["republished"] == 0


def test_an_interrupted_publication_is_republished_whole_under_the_same_ids(repo, clock):
    route(repo)
    half = Broker(fail_after=1)
    act(repo, half, "r-1", "transfer", OFFICER, {"opd_code": "33.25/dinsos", "reason": "sosial"})
    assert half.types() == ["case.changed"]

    up = Broker()
    assert usecases.sweep(repo, up.publish, TUE)["republished"] == 2
    assert up.types() == ["case.changed", "report.routed"]
    assert up.published[0]["id"] == half.published[0]["id"]


# --- sweep -------------------------------------------------------------------------------------

def test_a_sweep_escalates_an_overdue_case_once(repo, clock):
    route(repo)
    broker = Broker()

    first = usecases.sweep(repo, broker.publish, FRI)
    second = usecases.sweep(repo, broker.publish, FRI)

    assert first == {"reminded": 0, "escalated": 1, "closed": 0, "conflicts": 0, "republished": 0}
    assert second == {"reminded": 0, "escalated": 0, "closed": 0, "conflicts": 0, "republished": 0}
    assert broker.types() == ["case.escalated"]
    assert broker.published[0]["data"]["level"] == 1
    stored = repo.cases["r-1"]
    assert stored["escalation_level"] == 1
    assert [h["action"] for h in stored["history"]] == ["route", "escalate"]
    assert stored["outbox"] == []


def test_a_sweep_after_the_warning_instant_reminds_the_opd_once(repo, clock):
    route(repo)
    broker = Broker()

    usecases.sweep(repo, broker.publish, THU)      # Wed's end (the warning) has passed
    usecases.sweep(repo, broker.publish, THU)

    assert broker.types() == ["case.due_soon"]
    assert broker.published[0]["id"] == contracts.stable_id("r-1", "case.due_soon", "1")
    assert broker.published[0]["data"]["deadline"] == "acknowledge"
    stored = repo.cases["r-1"]
    assert [h["action"] for h in stored["history"]] == ["route", "remind"]
    assert (stored["warn_pending"], stored["escalation_level"]) == (False, 0)
    assert stored["timer_at"] == stored["acknowledge_due_at"]
    assert stored["outbox"] == []

    usecases.sweep(repo, broker.publish, FRI)      # then the ladder, as before
    assert broker.types() == ["case.due_soon", "case.escalated"]


def test_a_sweep_before_any_deadline_does_nothing(repo, clock):
    route(repo)
    kept = copy.deepcopy(repo.cases)
    broker = Broker()
    assert usecases.sweep(repo, broker.publish, WED) == {"reminded": 0, "escalated": 0, "closed": 0, "conflicts": 0, "republished": 0}
    assert repo.cases == kept and broker.published == []


def test_a_late_sweep_climbs_every_rung_in_one_write(repo, clock):
    route(repo)
    broker = Broker()
    assert usecases.sweep(repo, broker.publish, FAR)["escalated"] == 3
    assert [e["data"]["target"] for e in broker.published] == ["opd_head", "tph", "sekda"]
    assert repo.cases["r-1"]["version"] == 1


def test_a_sweep_deems_an_unanswered_resolution_closed(repo, clock):
    route(repo, household_ref="hh-1")
    broker = Broker()
    act(repo, broker, "r-1", "acknowledge", OFFICER)
    act(repo, broker, "r-1", "resolve", OFFICER, {"resolution": "selesai"})
    broker.published.clear()

    done = usecases.sweep(repo, broker.publish, FAR)

    assert done == {"reminded": 0, "escalated": 0, "closed": 1, "conflicts": 0, "republished": 0}
    stored = repo.cases["r-1"]
    assert stored["status"] == "closed" and "open_key" not in stored
    assert stored["history"][-1]["action"] == "deem_closed"
    assert stored["history"][-1]["actor"]["role"] == "system"
    assert [(e["type"], e["data"]["to_status"]) for e in broker.published] == [
        ("case.changed", "closed")]


def test_a_replica_that_loses_the_race_counts_a_conflict_and_announces_nothing(repo, clock):
    route(repo)
    mine, theirs = Broker(), Broker()
    repo.interfere.append(lambda r: usecases.sweep(r, theirs.publish, FRI))

    done = usecases.sweep(repo, mine.publish, FRI)

    assert done == {"reminded": 0, "escalated": 0, "closed": 0, "conflicts": 1, "republished": 0}
    assert mine.published == []
    assert theirs.types() == ["case.escalated"]
    assert [h["action"] for h in repo.cases["r-1"]["history"]].count("escalate") == 1


def test_an_escalation_the_broker_missed_is_published_by_a_later_sweep(repo, clock):
    route(repo)
    done = usecases.sweep(repo, Broker(fail_after=0).publish, FRI)
    assert done["escalated"] == 1 and done["republished"] == 0
    waiting = copy.deepcopy(repo.cases["r-1"]["outbox"])
    assert [e["type"] for e in waiting] == ["case.escalated"]

    up = Broker()
    done = usecases.sweep(repo, up.publish, FRI)

    assert done == {"reminded": 0, "escalated": 0, "closed": 0, "conflicts": 0, "republished": 1}
    assert up.published == waiting


# --- reading -----------------------------------------------------------------------------------

def test_an_unknown_case_shows_as_none(repo):
    assert usecases.show("nope", ADMIN, repo, TUE) is None
    assert usecases.history("nope", ADMIN, repo) is None


def test_a_case_shows_with_its_numbered_history(repo, clock):
    route(repo)
    act(repo, Broker(), "r-1", "acknowledge", OFFICER)
    shown = usecases.show("r-1", OFFICER, repo, TUE)
    assert shown["status"] == "acknowledged"
    assert [h["seq"] for h in shown["history"]] == [0, 1]
    assert usecases.history("r-1", OFFICER, repo) == shown["history"]


def test_routing_shows_a_case_only_to_whom_it_concerns(repo, clock):
    route(repo)   # r-1: Posyandu P332501200101, Dinkes Batang
    for actor in (OFFICER, KADER, TPH, ADMIN, {**ADMIN, "kabupaten_code": "33.25"}):
        assert usecases.show("r-1", actor, repo, TUE)["id"] == "r-1", actor["id"]
        assert usecases.history("r-1", actor, repo), actor["id"]
    strangers = (DINSOS, OTHER_KADER, {**TPH, "kabupaten_code": "21.71"},
                 {**ADMIN, "kabupaten_code": "21.71"}, {"role": "viewer", "id": "v"}, None, {})
    for actor in strangers:
        assert usecases.show("r-1", actor, repo, TUE) is None, actor
        assert usecases.history("r-1", actor, repo) is None, actor


def test_a_list_is_narrowed_to_the_actor_whatever_the_filters_say(repo):
    seed(repo)
    mine = usecases.find_for(OFFICER, {"opd_code": "33.25/dinsos"}, 1, 50, repo, FRI)
    assert mine["items"] and {c["opd"]["code"] for c in mine["items"]} == {"33.25/dinkes"}
    everything = usecases.find_for(ADMIN, {}, 1, 50, repo, FRI)
    assert everything["total"] > mine["total"]
    for nobody in ({"role": "viewer", "id": "v"}, None):
        answer = usecases.find_for(nobody, {}, 1, 50, repo, FRI)
        assert (answer["status"], answer["errors"][0]["field"]) == (403, "actor")


def test_a_household_shows_only_the_cases_the_actor_may_see(repo):
    seed(repo)
    everything = usecases.household("hh-1", KADER, repo, FRI)    # the kader filed them all
    assert sorted(c["id"] for items in everything["by_area"].values() for c in items) == [
        "r-a", "r-b", "r-f"]
    dinkes = usecases.household("hh-1", OFFICER, repo, FRI)      # r-b waits in triage
    assert sorted(c["id"] for items in dinkes["by_area"].values() for c in items) == ["r-a", "r-f"]
    assert dinkes["total"] == 2 and "sosial" not in dinkes["by_area"]
    assert usecases.household("hh-1", OTHER_KADER, repo, FRI)["total"] == 0


def seed(repo):
    """Cases in every situation a reader filters on, routed an hour apart (r-a newest last)."""
    def routed_at(hour):
        return f"2026-11-02T{hour:02d}:00:00.000+00:00"

    def step(case, action, actor, at, **details):
        after, entries, _ = move(case, action, Actor.from_dict(actor), at, details, OPDS)
        return dict(after, history=case["history"] + entries)

    table = copy.deepcopy(TABLE)
    a = decide(received("r-a", household_ref="hh-1"), table, routed_at(1))
    b = decide(received("r-b", "sosial.anak_terlantar", household_ref="hh-1"), table, routed_at(2))
    c = step(decide(received("r-c"), table, routed_at(3)), "reject", OFFICER, TUE, reason="x")
    d = step(step(decide(received("r-d"), table, routed_at(4)), "acknowledge", OFFICER, TUE),
             "resolve", OFFICER, WED, resolution="y")
    e = step(step(step(decide(received("r-e"), table, routed_at(5)), "acknowledge", OFFICER, TUE),
                  "resolve", OFFICER, TUE, resolution="y"), "confirm", KADER, WED)
    f = linked(received("r-f", household_ref="hh-1"), a, routed_at(6))
    g = step(decide(received("r-g"), table, routed_at(7)), "transfer", OFFICER, WED,
             opd_code="33.25/dinsos", reason="z")
    h = decide(received("r-h"), table, routed_at(8))
    escalated, entries, _ = timer_steps(h, "2026-11-05T18:00:00.000+00:00")
    h = dict(escalated, history=h["history"] + entries)
    for case in (a, b, c, d, e, f, g, h):
        repo.cases[case["_id"]] = case
    return {case["_id"]: case for case in (a, b, c, d, e, f, g, h)}


def ids(found):
    return [item["id"] for item in found["items"]]


@pytest.mark.parametrize("filters,expected", [
    ({}, ["r-h", "r-g", "r-f", "r-e", "r-d", "r-c", "r-b", "r-a"]),
    ({"queue": "triage"}, ["r-c", "r-b"]),
    ({"queue": "open"}, ["r-h", "r-g", "r-d", "r-c", "r-b", "r-a"]),
    ({"queue": "awaiting_confirmation"}, ["r-d"]),
    ({"status": "routed"}, ["r-h", "r-g", "r-a"]),
    ({"status": ["closed", "linked"]}, ["r-f", "r-e"]),
    ({"opd_code": "33.25/dinsos"}, ["r-g"]),
    ({"opd_code": "33.25/dinkes", "status": "routed"}, ["r-h", "r-a"]),
    ({"kabupaten_code": "33.25", "spm_area": "sosial"}, ["r-b"]),
    ({"service_type": "sosial.anak_terlantar"}, ["r-b"]),
    ({"household_ref": "hh-1"}, ["r-f", "r-b", "r-a"]),
    ({"posyandu_id": "P332501200101", "queue": "awaiting_confirmation"}, ["r-d"]),
    ({"escalation_level": 1}, ["r-h"]),
    ({"escalation_level": 0}, ["r-h", "r-g", "r-f", "r-e", "r-d", "r-c", "r-b", "r-a"]),
    ({"overdue": True}, ["r-h", "r-b", "r-a"]),
    ({"overdue": False}, ["r-g", "r-f", "r-e", "r-d", "r-c"]),
    ({"overdue": True, "queue": "triage"}, ["r-b"]),
    ({"visit_id": "v-none"}, []),
])
def test_find_applies_every_filter(repo, filters, expected):
    seed(repo)
    found = usecases.find(filters, 1, 50, repo, FRI)
    assert ids(found) == expected
    assert found["total"] == len(expected)
    assert (found["page"], found["per_page"]) == (1, 50)


def test_the_overdue_filter_agrees_with_the_cases_view(repo):
    cases = seed(repo)
    for now in (TUE, THU, FRI, "2026-11-10T00:00:00.000+00:00", FAR):
        late = set(ids(usecases.find({"overdue": True}, 1, 50, repo, now)))
        assert late == {cid for cid, case in cases.items() if sla.overdue(case, now)}, now
        on_time = set(ids(usecases.find({"overdue": False}, 1, 50, repo, now)))
        assert on_time == set(cases) - late, now


def test_found_cases_are_views_without_history_a_page_at_a_time(repo):
    cases = seed(repo)
    found = usecases.find({}, 2, 3, repo, FRI)
    assert ids(found) == ["r-e", "r-d", "r-c"]
    assert found["total"] == 8
    assert found["items"][0] == view(cases["r-e"], FRI)
    assert all("history" not in item for item in found["items"])


@pytest.mark.parametrize("filters,field", [
    ({"colour": "red"}, "colour"),
    ({"status": "open"}, "status"),
    ({"status": []}, "status"),
    ({"status": ["routed", "gone"]}, "status"),
    ({"queue": "mine"}, "queue"),
    ({"opd_code": "dinkes"}, "opd_code"),
    ({"opd_code": 7}, "opd_code"),
    ({"kabupaten_code": "33"}, "kabupaten_code"),
    ({"posyandu_id": "P 1"}, "posyandu_id"),
    ({"household_ref": ""}, "household_ref"),
    ({"household_ref": {"$ne": None}}, "household_ref"),
    ({"escalation_level": 4}, "escalation_level"),
    ({"escalation_level": -1}, "escalation_level"),
    ({"escalation_level": "2"}, "escalation_level"),
    ({"escalation_level": True}, "escalation_level"),
    ({"overdue": "yes"}, "overdue"),
])
def test_a_bad_filter_is_refused_naming_it(repo, filters, field):
    seed(repo)
    answer = usecases.find(filters, 1, 50, repo, FRI)
    assert answer["status"] == 422
    assert [e["field"] for e in answer["errors"]] == [field]


@pytest.mark.parametrize("page,per_page", [(0, 50), (1, 0), (1, usecases.MAX_PER_PAGE + 1),
                                           ("1", 50)])
def test_a_bad_page_is_refused(repo, page, per_page):
    answer = usecases.find({}, page, per_page, repo, FRI)
    assert (answer["status"], answer["errors"][0]["field"]) == (422, "page")


def test_a_household_shows_its_cases_by_spm_area(repo):
    seed(repo)
    shown = usecases.household("hh-1", ADMIN, repo, FRI)
    assert (shown["household_ref"], shown["total"], shown["open"]) == ("hh-1", 3, 2)
    assert {area: [c["id"] for c in items] for area, items in shown["by_area"].items()} == {
        "kesehatan": ["r-f", "r-a"], "sosial": ["r-b"]}


def test_a_household_counts_its_open_cases_beyond_the_first_page(repo):
    cases = seed(repo)
    closed = cases["r-e"]
    for i in range(usecases.MAX_PER_PAGE):     # a newer page of closed cases of the household
        repo.cases[f"r-z{i:03d}"] = dict(copy.deepcopy(closed), _id=f"r-z{i:03d}",
                                          household_ref="hh-1", routed_at=FRI)
    shown = usecases.household("hh-1", ADMIN, repo, FRI)
    assert shown["total"] == 3 + usecases.MAX_PER_PAGE
    assert shown["open"] == 2      # r-a and r-b, although not on the page shown


def test_a_bad_household_reference_is_refused(repo):
    answer = usecases.household("hh 1", ADMIN, repo, FRI)
    assert (answer["status"], answer["errors"][0]["field"]) == (422, "household_ref")


# --- case_query ----------------------------------------------------------------------------------

@pytest.mark.parametrize("filters,query", [
    ({}, {}),
    ({"opd_code": "33.25/dinkes"}, {"opd_code": "33.25/dinkes"}),
    ({"kabupaten_code": "21.71"}, {"kabupaten_code": "21.71"}),
    ({"posyandu_id": "P332501200101"}, {"posyandu_id": "P332501200101"}),
    ({"visit_id": "v-1"}, {"visit_id": "v-1"}),
    ({"household_ref": "hh-1"}, {"household_ref": "hh-1"}),
    ({"service_type": "kesehatan.balita"}, {"service_type": "kesehatan.balita"}),
    ({"spm_area": "kesehatan"}, {"spm_area": "kesehatan"}),
    ({"status": "routed"}, {"status": {"$in": ["routed"]}}),
    ({"status": ["routed", "reopened"]}, {"status": {"$in": ["routed", "reopened"]}}),
    ({"queue": "triage"}, {"status": {"$in": ["unroutable", "rejected"]}}),
    ({"queue": "open"}, {"status": {"$nin": ["closed", "linked"]}}),
    ({"queue": "awaiting_confirmation"}, {"status": "resolved"}),
    ({"escalation_level": 2}, {"escalation_level": {"$gte": 2}}),
    ({"opd_code": "33.25/dinkes", "escalation_level": 1},
     {"$and": [{"opd_code": "33.25/dinkes"}, {"escalation_level": {"$gte": 1}}]}),
    ({"opd_code": None}, {}),            # an absent filter may be sent as null
])
def test_case_query_turns_each_filter_into_its_storage_query(filters, query):
    assert case_query(filters, FRI) == query


def test_the_overdue_query_looks_at_the_running_deadline_only():
    late = case_query({"overdue": True}, FRI)
    clauses = late["$or"]
    assert {c["deadline"] for c in clauses} == {"acknowledge", "resolve", "triage"}
    assert {"deadline": "triage", "triage_due_at": {"$lt": FRI}} in clauses
    assert case_query({"overdue": False}, FRI) == {"$nor": clauses}


@pytest.mark.parametrize("filters,field", [({"status": 5}, "status"),
                                           ({"status": True}, "status"),
                                           ({"queue": ["triage"]}, "queue")])
def test_a_filter_of_the_wrong_type_is_a_bad_filter(filters, field):
    with pytest.raises(BadFilter) as bad:
        case_query(filters, FRI)
    assert bad.value.field == field


def test_an_unknown_filter_is_named_even_with_good_ones():
    with pytest.raises(BadFilter) as bad:
        case_query({"opd_code": "33.25/dinkes", "sort": "x"}, FRI)
    assert bad.value.field == "sort"


def test_no_event_ever_published_carries_a_persons_name(repo, clock):
    route(repo)
    broker = Broker()
    act(repo, broker, "r-1", "acknowledge", OFFICER, {"note": "catatan rahasia"})
    usecases.sweep(repo, broker.publish, FAR)
    text = json.dumps(broker.published)
    assert broker.published and "Budi" not in text and "catatan rahasia" not in text
