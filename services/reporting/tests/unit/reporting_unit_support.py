"""Shared by reporting's unit tests: builders of the events reporting consumes (as routing and
intake emit them, decoded from their envelopes), an in-memory repository with the semantics of
`repository.ReportingRepository`, a fake of the registry's places (`service.Places`), and
hand-made facts shaped exactly as `facts.derive` shapes them."""
import copy
from collections import Counter

from simpul_common import contracts
from simpul_reporting import usecases
from simpul_reporting.domain import facts

DESA = "33.25.01.2001"          # Batang, Jawa Tengah: Asia/Jakarta (WIB, UTC+7)
DESA_WITA = "51.71.01.1001"     # Denpasar, Bali: Asia/Makassar (WITA, UTC+8)
DINKES, DINSOS, DISDIK = "33.25/dinkes", "33.25/dinsos", "33.25/disdik"
COMMON = dict(report_id="r-1", kind="complaint", service_type="kesehatan.balita",
              spm_area="kesehatan", desa_code=DESA, posyandu_id="P332501200101")


def nov(day: int, hour: int = 2, minute: int = 0) -> str:
    """An instant of November 2026, UTC, as Simpul writes instants."""
    return f"2026-11-{day:02d}T{hour:02d}:{minute:02d}:00.000+00:00"


def eod(day: int, month: int = 11) -> str:
    """The end (23:59:59.999 WIB) of a day of 2026 in UTC: a deadline as routing writes it."""
    return f"2026-{month:02d}-{day:02d}T16:59:59.999+00:00"


def _fields(overrides: dict) -> dict:
    fields = {**COMMON, **overrides}
    if "service_type" in overrides and "spm_area" not in overrides:
        fields["spm_area"] = overrides["service_type"].split(".")[0]
    return fields


def deliver(message, event_id: str, occurred_at: str) -> contracts.Received:
    """The message as a consumer receives it: through its envelope and the contract check."""
    return contracts.decode(message.envelope(event_id, occurred_at))


def received(at: str = nov(2, 1), **overrides):
    fields = _fields(overrides)
    return deliver(contracts.ReportReceived(received_at=at, **fields),
                   contracts.stable_id(fields["report_id"], contracts.ReportReceived.type), at)


def routed(at: str = nov(2, 1, 1), opd: str = DINKES, ack_due: str | None = eod(5),
           due: str = eod(9), sequence: int = 0, rule_id: str = "rule-1", **overrides):
    fields = _fields(overrides)
    message = contracts.ReportRouted(opd_code=opd, opd_name=opd, rule_id=rule_id, due_at=due,
                                     routed_at=at, sequence=sequence, acknowledge_due_at=ack_due,
                                     **fields)
    return deliver(message, contracts.stable_id(fields["report_id"], message.type, str(sequence)),
                   at)


def unroutable(at: str = nov(2, 1, 1), **overrides):
    fields = _fields(overrides)
    message = contracts.ReportUnroutable(reason="no rule", tph_region=fields["desa_code"][:5],
                                         routed_at=at, **fields)
    return deliver(message, contracts.stable_id(fields["report_id"], message.type), at)


def linked(at: str = nov(2, 1, 1), case_id: str = "r-0", **overrides):
    fields = _fields(overrides)
    message = contracts.ReportLinked(case_id=case_id, linked_at=at, **fields)
    return deliver(message, contracts.stable_id(fields["report_id"], message.type), at)


def changed(action: str, before: str, after: str, at: str, sequence: int,
            opd: str | None = DINKES, due: str | None = None, level: int = 0,
            ack_due: str | None = None, **overrides):
    """`due`/`ack_due`: the follow-up/acknowledge deadline the case has after the move, as
    routing's `move_events` fills them while an OPD holds the case (None otherwise)."""
    fields = _fields(overrides)
    message = contracts.CaseChanged(
        action=action, from_status=before, to_status=after, actor_role="opd_officer",
        kabupaten_code=fields["desa_code"][:5], escalation_level=level, changed_at=at,
        sequence=sequence, opd_code=opd, opd_name=opd, due_at=due, acknowledge_due_at=ack_due,
        **fields)
    return deliver(message, contracts.stable_id(fields["report_id"], message.type, str(sequence)),
                   at)


def moved(action: str, before: str, at: str, sequence: int, opd: str, ack_due: str, due: str,
          **overrides) -> list:
    """A transfer or an assignment: routing announces `case.changed` and, for the new OPD,
    `report.routed` at the same history position."""
    return [changed(action, before, "routed", at, sequence, opd=opd, due=due, ack_due=ack_due,
                    **overrides),
            routed(at=at, opd=opd, ack_due=ack_due, due=due, sequence=sequence,
                   rule_id=f"manual:{action}", **overrides)]


def escalated(level: int, at: str, sequence: int, opd: str | None = DINKES,
              deadline: str = "acknowledge", **overrides):
    fields = _fields(overrides)
    message = contracts.CaseEscalated(
        level=level, target=contracts.ESCALATION_TARGETS[level], deadline=deadline,
        overdue_since=at, kabupaten_code=fields["desa_code"][:5], escalated_at=at,
        sequence=sequence, opd_code=opd, **fields)
    return deliver(message, contracts.stable_id(fields["report_id"], message.type, str(sequence)),
                   at)


def entries(events) -> list[dict]:
    return [facts.journal_entry(event) for event in events]


def derive(events, report_id: str = "r-1") -> dict:
    return facts.derive(report_id, entries(events))


# --- a whole life ----------------------------------------------------------------------------

def whole_life(report_id: str = "r-1", **overrides) -> list[tuple[str, list, str, str | None]]:
    """Steps of one case's life as (label, events, status after, OPD after): received, routed
    to Dinkes, acknowledged, rejected, assigned by the TPH to Dinsos, acknowledged, transferred
    to Disdik, escalated twice, acknowledged, started, resolved, reopened, resolved, closed.
    Each `case.changed` carries the deadlines routing gives it while an OPD holds the case; a
    reopening (Fri 20 November) starts both again: acknowledge by Wed 25, follow up by Fri 27."""
    kw = dict(report_id=report_id, **overrides)
    return [
        ("received", [received(at=nov(2, 1), **kw)], "received", None),
        ("routed", [routed(at=nov(2, 1, 1), opd=DINKES, ack_due=eod(5), due=eod(9), **kw)],
         "routed", DINKES),
        ("acknowledged", [changed("acknowledge", "routed", "acknowledged", nov(3), 1,
                                  opd=DINKES, due=eod(9), ack_due=eod(5), **kw)],
         "acknowledged", DINKES),
        ("rejected", [changed("reject", "acknowledged", "rejected", nov(4), 2, opd=None, **kw)],
         "rejected", None),
        ("assigned", moved("assign", "rejected", nov(5), 3, DINSOS, eod(10), eod(12), **kw),
         "routed", DINSOS),
        ("acknowledged again", [changed("acknowledge", "routed", "acknowledged", nov(6), 4,
                                        opd=DINSOS, due=eod(12), ack_due=eod(10), **kw)],
         "acknowledged", DINSOS),
        ("transferred", moved("transfer", "acknowledged", nov(9), 5, DISDIK, eod(12), eod(16),
                              **kw), "routed", DISDIK),
        ("escalated", [escalated(1, nov(13), 6, opd=DISDIK, **kw)], "routed", DISDIK),
        ("escalated again", [escalated(2, nov(17), 7, opd=DISDIK, **kw)], "routed", DISDIK),
        ("acknowledged by Disdik", [changed("acknowledge", "routed", "acknowledged", nov(18), 8,
                                            opd=DISDIK, due=eod(16), ack_due=eod(12), **kw)],
         "acknowledged", DISDIK),
        ("started", [changed("start", "acknowledged", "in_progress", nov(18, 3), 9, opd=DISDIK,
                             due=eod(16), ack_due=eod(12), **kw)], "in_progress", DISDIK),
        ("resolved", [changed("resolve", "in_progress", "resolved", nov(19), 10, opd=DISDIK,
                              due=eod(16), ack_due=eod(12), **kw)], "resolved", DISDIK),
        ("reopened", [changed("reopen", "resolved", "reopened", nov(20), 11, opd=DISDIK,
                              due=eod(27), ack_due=eod(25), **kw)], "reopened", DISDIK),
        ("resolved again", [changed("resolve", "reopened", "resolved", nov(24), 12, opd=DISDIK,
                                    due=eod(27), ack_due=eod(25), **kw)], "resolved", DISDIK),
        ("closed", [changed("confirm", "resolved", "closed", nov(25), 13, opd=DISDIK,
                            due=eod(27), ack_due=eod(25), **kw)], "closed", DISDIK),
    ]


def life_events(report_id: str = "r-1", **overrides) -> list:
    return [event for _, events, _, _ in whole_life(report_id, **overrides) for event in events]


# --- fakes -----------------------------------------------------------------------------------

class FakeRepository:
    """In memory, with the semantics of repository.ReportingRepository: the journal is keyed
    by event id (a journaled event is refused), a fact is derived from all of its report's
    journal entries, counters move by the deltas; documents are copies, as from MongoDB."""

    def __init__(self):
        self.journal: dict[str, dict] = {}
        self.facts: dict[str, dict] = {}
        self.counters: Counter = Counter()
        self.asked: list[tuple] = []

    def apply(self, entry, derive, deltas) -> bool:
        return self.apply_batch([entry], derive, deltas) == 1

    def apply_batch(self, entries, derive, deltas) -> int:
        new = {e["_id"]: copy.deepcopy(e) for e in entries if e["_id"] not in self.journal}
        self.journal.update(new)
        for report_id in sorted({e["report_id"] for e in new.values()}):
            mine = [copy.deepcopy(e) for e in self.journal.values() if e["report_id"] == report_id]
            before = copy.deepcopy(self.facts.get(report_id))
            after = derive(report_id, mine)
            self.facts[report_id] = copy.deepcopy(after)
            for key, n in deltas(before, after).items():
                self.counters[key] += n
        return len(new)

    def counters_of(self, region):
        return [(dim, value, n) for (scope, dim, value), n in self.counters.items()
                if scope == region]

    def facts_of(self, region, since, until):
        self.asked.append((region, since, until))
        found = []
        for report_id in sorted(self.facts):
            fact = self.facts[report_id]
            if region not in (fact.get("regions") or []):
                continue
            if since or until:
                day = fact.get("day")
                if day is None or (since and day < since) or (until and day > until):
                    continue
            found.append(copy.deepcopy(fact))
        return found

    def journal_size(self) -> int:
        return len(self.journal)

    def journal_by_report(self):
        grouped: dict[str, list] = {}
        for event_id in sorted(self.journal):
            entry = self.journal[event_id]
            grouped.setdefault(entry["report_id"], []).append(copy.deepcopy(entry))
        for report_id in sorted(grouped):
            yield report_id, grouped[report_id]

    def replace_read_model(self, rebuilt, counters) -> None:
        self.facts = {fact["_id"]: copy.deepcopy(fact) for fact in rebuilt}
        self.counters = Counter({key: n for key, n in counters.items() if n})


class FakePlaces:
    """The registry's places as `service.Places` answers them."""

    def __init__(self, children: dict | None = None, posyandu: dict | None = None):
        self.children, self.posyandu = children or {}, posyandu or {}

    def children_of(self, region):
        return list(self.children.get(region, []))

    def kecamatan_of(self, kabupaten):
        return self.children_of(kabupaten)

    def kabupaten_in(self, region):
        return self.children_of(region) if len(region) == 2 else [region[:5]]

    def posyandu_counts(self, region):
        return self.posyandu.get(region)


def record_all(events, repo: FakeRepository | None = None) -> FakeRepository:
    repo = repo or FakeRepository()
    for event in events:
        usecases.record_event(event, repo)
    return repo


def nonzero(counters) -> dict:
    return {key: n for key, n in counters.items() if n}


# --- hand-made facts -------------------------------------------------------------------------

def fact(report_id: str = "r-1", received_at: str = nov(2, 1), **overrides) -> dict:
    """A fact shaped by `facts.derive` (from a report.received alone), then changed by hand."""
    identity = {k: overrides.pop(k) for k in ("kind", "service_type", "spm_area", "desa_code",
                                              "posyandu_id") if k in overrides}
    base = facts.derive(report_id, entries([received(at=received_at, report_id=report_id,
                                                     **identity)]))
    base.update(overrides)
    return base

