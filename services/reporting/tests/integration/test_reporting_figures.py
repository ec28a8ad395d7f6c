"""Reporting's figures from the events of real cases, in a nameko container beside a real
registry: accountability per OPD, the six areas, overdue cases, the kecamatan ranking, DHIS2;
events arriving in any order give the same figures; and the rebuild command, replaying the
journal in a process of its own, reproduces every table exactly."""
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pymongo import MongoClient

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until
from simpul_reporting.service import ReportingService

BIN = Path(sys.executable).parent
AS_OF = "2026-11-30T05:00:00.000+00:00"
MON, TUE, WED, THU = ("2026-11-16T02:00:00.000+00:00", "2026-11-17T02:00:00.000+00:00",
                      "2026-11-18T02:00:00.000+00:00", "2026-11-19T02:00:00.000+00:00")
ACK_DUE, DUE = "2026-11-19T16:59:59.999+00:00", "2026-11-23T16:59:59.999+00:00"


@pytest.fixture
def reporting(registry, run_service, service_config, db_names, mongo_uri, broker):
    run_service(ReportingService, service_config(db_names["reporting"]))
    return MongoClient(mongo_uri)[db_names["reporting"]]


def case_events(report_id, desa, service_type, opd, moves):
    """The envelopes of one report's life: received, routed, then `moves` of
    (action, from, to, at)."""
    common = dict(report_id=report_id, kind="service_need", service_type=service_type,
                  spm_area=service_type.split(".")[0], desa_code=desa, posyandu_id=f"P{desa}")
    events = [contracts.ReportReceived(received_at=MON, **common),
              contracts.ReportRouted(opd_code=opd, opd_name=opd, rule_id="r", due_at=DUE,
                                     routed_at=MON, acknowledge_due_at=ACK_DUE, **common)]
    for seq, (action, before, after, at) in enumerate(moves, 1):
        events.append(contracts.CaseChanged(
            action=action, from_status=before, to_status=after, actor_role="opd_officer",
            kabupaten_code=desa[:5], escalation_level=0, changed_at=at, sequence=seq,
            opd_code=opd, opd_name=opd, due_at=DUE, **common))
    at = {contracts.ReportReceived: MON, contracts.ReportRouted: MON}
    return [e.envelope(contracts.stable_id(report_id, e.type, str(i)), at.get(type(e), MON))
            for i, e in enumerate(events)]


def scenario():
    ack, start, resolve = ("acknowledge", "routed", "acknowledged", TUE), \
        ("start", "acknowledged", "in_progress", WED), ("resolve", "in_progress", "resolved", THU)
    late = ("resolve", "in_progress", "resolved", "2026-11-26T02:00:00.000+00:00")
    return [
        *case_events("r1", "33.25.01.2001", "kesehatan.balita", "33.25/dinkes", [ack, start, resolve]),
        *case_events("r2", "33.25.01.2001", "kesehatan.balita", "33.25/dinkes", [ack, start, late]),
        *case_events("r3", "33.25.02.2001", "kesehatan.usia_lanjut", "33.25/dinkes", [ack]),
        *case_events("r4", "33.25.02.2001", "pendidikan.dasar", "33.25/disdik", []),
    ]


def tables(rpc):
    names = [("accountability", {}), ("opd", {}), ("areas", {}), ("overdue", {}),
             ("kecamatan", {}), ("posyandu", {}), ("counts", {"by": "status"}),
             ("counts", {"by": "kecamatan", "period": "week"})]
    return {f"{n}:{o}": rpc.reporting.table(n, "33.25", {**o, "as_of": AS_OF}) for n, o in names}


def test_the_figures_of_real_cases_and_their_rebuild(reporting, broker, rpc, mongo_uri, db_names):
    events = scenario()
    random.Random(4).shuffle(events)          # any order gives the same facts
    for envelope in events + events[:5]:      # and redeliveries change nothing
        broker.publish(envelope)
    wait_until(lambda: reporting.journal.count_documents({}) == len(events), seconds=20,
               what="every event journaled once")
    wait_until(lambda: rpc.reporting.summary("33.25")["total"] == 4, what="counted")

    opd = rpc.reporting.table("opd", "33.25", {"as_of": AS_OF})
    rows = {r[0]: dict(zip(opd["columns"], r)) for r in opd["rows"]}
    dinkes = rows["33.25/dinkes"]
    assert (dinkes["cases"], dinkes["acknowledged"], dinkes["resolved"]) == (3, 3, 2)
    assert dinkes["acknowledged_in_sla_pct"] == 100.0 and dinkes["resolved_in_sla_pct"] == 50.0
    assert (dinkes["ack_median_wd"], dinkes["resolve_median_wd"]) == (1.0, 5.5)  # 3 and 8 wd
    assert (dinkes["backlog_6_10"], dinkes["backlog_over_10"]) == (1, 0)  # r3: 10 working days open
    assert rows["33.25/disdik"]["cases"] == 1 and rows["33.25/disdik"]["acknowledged"] == 0

    areas = {r[0]: dict(zip(["spm_area", "reports", "open", "resolved", "resolved_in_sla_pct",
                             "overdue"], r)) for r in rpc.reporting.table(
        "areas", "33.25", {"as_of": AS_OF})["rows"]}
    assert len(areas) == 6 and areas["kesehatan"]["reports"] == 3
    assert areas["pendidikan"]["overdue"] == 1 and areas["kesehatan"]["overdue"] == 1
    overdue = rpc.reporting.table("overdue", "33.25", {"as_of": AS_OF})["rows"]
    assert [r[0] for r in overdue] == ["r4", "r3"] or [r[0] for r in overdue] == ["r3", "r4"]
    ranking = rpc.reporting.table("kecamatan", "33.25", {"as_of": AS_OF})
    assert len(ranking["rows"]) == 15 and ranking["rows"][0][1] == "33.25.01"
    assert rpc.reporting.table("nope", "33.25")["status"] == 404
    assert rpc.reporting.table("counts", "33.25", {"by": "colour"})["errors"][0]["field"] == "by"

    dhis2 = rpc.reporting.dhis2("33.25", "202611", AS_OF)["dataValues"]
    value = {(v["dataElement"], v["orgUnit"]): v["value"] for v in dhis2}
    assert value[("SIMPUL_REPORTS_KESEHATAN", "33.25")] == "3"
    assert value[("SIMPUL_REPORTS_KESEHATAN", "33.25.01")] == "2"
    assert value[("SIMPUL_RESOLVED_IN_SLA_PCT_KESEHATAN", "33.25")] == "50.0"

    before = tables(rpc)
    summary_before = rpc.reporting.summary("33.25")
    reporting.facts.delete_many({})             # the read model is gone …
    reporting.counts.delete_many({})
    done = subprocess.run([str(BIN / "simpul-reporting-rebuild"), "--mongo-uri", mongo_uri,
                           "--db", db_names["reporting"]], capture_output=True, text=True,
                          timeout=120, env=os.environ)
    assert done.returncode == 0, done.stderr
    assert f"{len(events)}/{len(events)}" in done.stderr and "Selesai" in done.stdout
    assert tables(rpc) == before               # … and the journal brings it back exactly
    assert rpc.reporting.summary("33.25") == summary_before
