"""Heartbeats find a dead broker connection that TCP does not report.

A service process talks to RabbitMQ through a proxy that can freeze every open connection: the
sockets stay open, nothing more gets through, as when a network drops packets or a broker host
vanishes. With heartbeats the service notices within a few of them, connects again and goes on
consuming; with heartbeats off (the control), it sits on the dead connection and consumes
nothing in the same time.
"""
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest
from pymongo import MongoClient

from simpul_common import contracts
from simpul_common.nameko_ext.publisher import make_publisher, publish_envelope
from simpul_devtools.local import BIN, ROOT, free_port, port_open
from simpul_devtools.pytest_fixtures import own_vhost, wait_until
from simpul_devtools.tcp_proxy import TcpProxy

HEARTBEAT_S = 2
NOTICED_WITHIN_S = 6 * HEARTBEAT_S + 6   # two missed heartbeats, the reconnect, some slack


@pytest.fixture
def vhost_uri():
    with own_vhost("simpul-heartbeat") as uri:
        yield uri


def received_event(report_id: str) -> dict:
    return contracts.ReportReceived(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P-33.25.01.2001-01",
        received_at=contracts.utc_now()).envelope(str(uuid.uuid4()), contracts.utc_now())


def run_reporting(tmp_path: Path, amqp_uri: str, mongo_uri: str, db: str, heartbeat: int):
    port = free_port()
    env = dict(os.environ, AMQP_URI=amqp_uri, MONGO_URI=mongo_uri, REPORTING_DB=db,
               AMQP_HEARTBEAT=str(heartbeat), METRICS_PORT=str(port), METRICS_HOST="127.0.0.1",
               PYTHONWARNINGS="ignore")
    log = open(tmp_path / f"reporting-heartbeat-{heartbeat}.log", "wb")
    proc = subprocess.Popen([str(BIN / "nameko"), "run", "--config", "services/reporting/config.yml",
                             "simpul_reporting.service"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    wait_until(lambda: ready(port) or proc.poll() is not None, seconds=60, interval=0.2,
               what="reporting consuming")
    assert proc.poll() is None, (tmp_path / f"reporting-heartbeat-{heartbeat}.log").read_text()
    return proc


def ready(port: int) -> bool:
    """The service's readiness probe: started, and every queue consumer consuming."""
    if not port_open("127.0.0.1", port):
        return False
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).status == 200
    except OSError:
        return False


@pytest.mark.parametrize("heartbeat", [HEARTBEAT_S, 0], ids=["heartbeats", "control-no-heartbeats"])
def test_a_frozen_broker_connection_is_noticed_and_replaced(tmp_path, vhost_uri, mongo_uri,
                                                            heartbeat):
    proxy = TcpProxy(("127.0.0.1", 5672))
    db = f"hb{uuid.uuid4().hex[:8]}_reporting"
    through_proxy = vhost_uri.replace("127.0.0.1:5672", f"127.0.0.1:{proxy.port}")
    proc = run_reporting(tmp_path, through_proxy, mongo_uri, db, heartbeat)
    journal = MongoClient(mongo_uri)[db].journal
    publisher = make_publisher(vhost_uri)
    try:
        first = str(uuid.uuid4())
        publish_envelope(publisher, received_event(first))
        wait_until(lambda: journal.find_one({"report_id": first}), seconds=30, interval=0.2,
                   what="reporting consumes through the proxy")

        frozen = proxy.freeze()
        assert frozen >= 1
        accepted_before = proxy.accepted
        second = str(uuid.uuid4())
        publish_envelope(publisher, received_event(second))   # waits on the broker's queue

        if heartbeat:
            wait_until(lambda: journal.find_one({"report_id": second}), seconds=NOTICED_WITHIN_S,
                       interval=0.5, what="the event consumed on a new connection")
            assert proxy.accepted > accepted_before, "no new connection: nothing noticed"
        else:
            with pytest.raises(AssertionError):
                wait_until(lambda: journal.find_one({"report_id": second}),
                           seconds=NOTICED_WITHIN_S, interval=0.5)
            assert proxy.accepted == accepted_before
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        proxy.close()

