"""One running Simpul for every end-to-end test: each service and the gateway as its own
process, started by the same `LocalSystem` as `make run`."""
import uuid

import httpx
import pytest

from simpul_devtools.local import LocalSystem, free_port
from simpul_devtools.receivers_testing import SmtpSink


@pytest.fixture(scope="session")
def mail(tmp_path_factory):
    """The SMTP server the running system sends its e-mail to."""
    sink = SmtpSink(tmp_path_factory.mktemp("smtp"))
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def system(tmp_path_factory, amqp_uri, mongo_uri, data_key, mail):
    local = LocalSystem(workdir=tmp_path_factory.mktemp("simpul"), amqp_uri=amqp_uri,
                        mongo_uri=mongo_uri, gateway_port=free_port(), data_key=data_key,
                        db_prefix=f"e2e{uuid.uuid4().hex[:6]}", quiet=True,
                        settings={"SMTP_HOST": mail.host, "SMTP_PORT": str(mail.port),
                                  "DELIVERY_RETRY_BASE_SECONDS": "0.2",
                                  "DELIVERY_RETRY_MAX_SECONDS": "1", "DELIVERY_MAX_ATTEMPTS": "4"})
    try:
        local.start()
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def api(system):
    with httpx.Client(base_url=system.gateway_url, timeout=15) as client:
        yield client
