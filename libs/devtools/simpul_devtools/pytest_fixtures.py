"""Fixtures for tests that cross a process boundary: a real SecantusDB server and a RabbitMQ
virtual host of the test session's own, so tests never touch what `make run` uses.

TEST_MONGO_URI / TEST_AMQP_URI point the tests at servers you run yourself instead.
"""
import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import pytest

from simpul_devtools.local import free_port, port_open, wait_for

os.environ.setdefault("SIMPUL_RETRY_DELAYS_MS", "200,400,600")


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    if os.environ.get("TEST_MONGO_URI"):
        yield os.environ["TEST_MONGO_URI"]
        return
    port = free_port()
    data = tmp_path_factory.mktemp("secantus")
    proc = subprocess.Popen([sys.executable, "-m", "secantus", "--host", "127.0.0.1",
                             "--port", str(port), "--storage-path", str(data),
                             "--sync-on-commit", "--log-level", "WARNING"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: port_open("127.0.0.1", port), "SecantusDB for tests", 60, [("secantus", proc)])
    yield f"mongodb://127.0.0.1:{port}/?retryWrites=false"
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="session")
def amqp_uri():
    if os.environ.get("TEST_AMQP_URI"):
        yield os.environ["TEST_AMQP_URI"]
        return
    with own_vhost("simpul-test") as uri:
        yield uri


@contextmanager
def own_vhost(prefix: str, env: str = "TEST_AMQP_URI"):
    """A virtual host of its own on the local RabbitMQ, deleted afterwards: a second running
    Simpul needs one, as its services would otherwise consume the first one's queues."""
    from simpul_devtools.local import ensure_broker
    ensure_broker("pyamqp://guest:guest@127.0.0.1:5672//")
    vhost = f"{prefix}-{uuid.uuid4().hex[:8]}"
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        pytest.fail(f"rabbitmqctl is needed to create a test vhost; or set {env}")
    subprocess.run([ctl, "-q", "add_vhost", vhost], check=True, capture_output=True)
    try:
        subprocess.run([ctl, "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
                       check=True, capture_output=True)
        yield f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}"
    finally:
        subprocess.run([ctl, "-q", "delete_vhost", vhost], check=False, capture_output=True)


@pytest.fixture(scope="session")
def data_key():
    from simpul_common.sealing import new_key
    return new_key()


@pytest.fixture
def db_names():
    """Fresh database names for one test, so tests do not see each other's data."""
    tag = uuid.uuid4().hex[:8]
    return {name: f"t{tag}_{name}" for name in
            ("registry", "intake", "routing", "notification", "reporting")}


def wait_until(check, seconds=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{what} not met within {seconds} s")
