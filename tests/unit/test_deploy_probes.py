"""The probes a nameko service answers next to its metrics (deploy/, docs/operations.md):
`/healthz` while the process serves at all, `/readyz` once every container of the process has
started and each of its queue consumers consumes."""
from dataclasses import dataclass, field

import pytest
from nameko.messaging import QueueConsumer

from simpul_common.nameko_ext import metrics as served

PORT = 59_100   # never listened on: the app is called directly


@dataclass
class FakeContainer:
    """What `ready` reads of a nameko ServiceContainer."""
    started: bool = True
    subextensions: list = field(default_factory=list)


def consumer(consuming: bool) -> QueueConsumer:
    queue_consumer = QueueConsumer()
    if consuming:
        queue_consumer._consumers_ready.send(None)
    return queue_consumer


def get(path: str, *containers) -> tuple[str, bytes]:
    app = served.app(PORT)
    answered = []
    if containers:
        served._served[PORT] = served.Server(thread=None, sock=None, containers=list(containers))
    try:
        body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": ""},
                            lambda status, headers: answered.append(status)))
    finally:
        served._served.pop(PORT, None)
    return answered[0], body


def test_a_started_container_whose_consumers_consume_is_ready_and_live():
    container = FakeContainer(subextensions=[consumer(True), consumer(True), object()])
    assert get("/readyz", container) == ("200 OK", b"ok\n")
    assert get("/healthz", container) == ("200 OK", b"ok\n")


@pytest.mark.parametrize("container", [
    FakeContainer(subextensions=[consumer(True), consumer(False)]),   # still connecting
    FakeContainer(started=False, subextensions=[consumer(True)]),     # stopped
], ids=["consumer not consuming yet", "container not started"])
def test_a_container_not_consuming_is_live_but_not_ready(container):
    assert get("/readyz", container)[0] == "503 Service Unavailable"
    assert get("/healthz", container)[0] == "200 OK"


def test_every_container_of_the_process_must_be_ready():
    ready = FakeContainer(subextensions=[consumer(True)])
    starting = FakeContainer(subextensions=[consumer(False)])
    assert get("/readyz", ready, starting)[0] == "503 Service Unavailable"
    assert get("/readyz", ready, None)[0] == "200 OK"   # serve() without a container


def test_a_port_no_longer_served_answers_neither_probe():
    assert get("/healthz")[0] == "503 Service Unavailable"
    assert get("/readyz")[0] == "503 Service Unavailable"


def test_every_other_path_is_the_metrics():
    status, body = get("/metrics", FakeContainer())
    assert status.startswith("200") and b"# TYPE" in body
