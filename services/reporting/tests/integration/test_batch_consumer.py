"""`@consume_batch` through the real broker, on reporting's queue, with a recording handler:
a burst is handled in batches and every message acknowledged; a poison message climbs the
retry ladder alone while the rest of its batch goes through; an outage sends its batch to
the retry ladder without using an attempt; what is outside the contract, or not even JSON,
is parked; stopping settles every message taken."""
import eventlet
import pytest
from kombu import Connection
from pymongo.errors import AutoReconnect

from simpul_common import contracts, messaging
from simpul_common.nameko_ext import consume_batch
from simpul_devtools import broker_testing
from simpul_devtools.pytest_fixtures import wait_until

QUEUE = "reporting.facts"
SERVICE = "batch_recorder"
BATCHES: list[list[str]] = []        # the event ids of every call of the handler
FAILED_ONCE: set[str] = set()


class BatchRecorder:
    name = SERVICE
    pause = 0.0

    @consume_batch(QUEUE)
    def on_events(self, batch):
        ids = [received.id for received in batch]
        BATCHES.append(ids)
        eventlet.sleep(self.pause)
        if any(i.startswith("poison") for i in ids):
            raise ValueError("a poison event")
        outage = [i for i in ids if i.startswith("outage") and i not in FAILED_ONCE]
        if outage:
            FAILED_ONCE.update(outage)
            raise AutoReconnect("storage down")


@pytest.fixture
def recorder(run_service, service_config, db_names, broker):
    """Start the recorder with some options; answers its container."""
    BATCHES.clear()
    FAILED_ONCE.clear()
    BatchRecorder.pause = 0.0

    def start(**options):
        return run_service(BatchRecorder, service_config(db_names["reporting"], **options))
    return start


def envelopes(*ids: str) -> list[dict]:
    return [contracts.ReportReceived(report_id=i, kind="complaint", service_type="kesehatan.balita",
                                     spm_area="kesehatan", desa_code="33.25.01.2001",
                                     posyandu_id="P1", received_at=contracts.utc_now()).envelope(i)
            for i in ids]


def handled() -> dict:
    return broker_testing.handled(SERVICE, QUEUE, contracts.ReportReceived.type)


def grown(before: dict, **outcomes) -> bool:
    now = handled()
    return all(now[outcome] - before[outcome] == n for outcome, n in outcomes.items())


def test_a_burst_is_handled_in_batches_and_every_message_acknowledged(recorder, broker):
    recorder(BATCH_SIZE=10, BATCH_WAIT_MS=50)
    before = handled()
    ids = [f"burst-{n:03d}" for n in range(60)]
    broker.burst(envelopes(*ids))
    wait_until(lambda: grown(before, ok=60), seconds=20, what="sixty handled")

    assert len(BATCHES) < 60 and max(len(batch) for batch in BATCHES) <= 10
    assert sorted(i for batch in BATCHES for i in batch) == ids      # each once
    assert all(batch == sorted(batch) for batch in BATCHES)          # in delivery order
    assert set(broker.left_on(QUEUE).values()) == {0}


def test_a_poison_message_goes_to_the_dead_letters_alone(recorder, broker):
    recorder(BATCH_SIZE=10, BATCH_WAIT_MS=300)
    before = handled()
    broker.burst(envelopes("good-1", "good-2", "poison-1", "good-3", "good-4"))
    dead = wait_until(lambda: broker.read(contracts.DEAD_LETTER_QUEUE), seconds=20,
                      what="dead letter")

    assert BATCHES[0] == ["good-1", "good-2", "poison-1", "good-3", "good-4"]
    assert sorted(BATCHES[1:6]) == [["good-1"], ["good-2"], ["good-3"], ["good-4"], ["poison-1"]]
    assert BATCHES[6:] == [["poison-1"]] * len(messaging.RETRY_DELAYS_MS)
    assert [m.payload["id"] for m in dead] == ["poison-1"]
    assert dead[0].headers[messaging.ATTEMPT_HEADER] == len(messaging.RETRY_DELAYS_MS) + 1
    assert "a poison event" in dead[0].headers[messaging.ERROR_HEADER]
    assert grown(before, ok=4, retry=len(messaging.RETRY_DELAYS_MS), dead=1)
    assert set(broker.left_on(QUEUE).values()) == {0}


def test_an_outage_sends_the_batch_to_the_retry_ladder_without_using_an_attempt(recorder, broker):
    recorder(BATCH_SIZE=10, BATCH_WAIT_MS=300)
    before = handled()
    broker.burst(envelopes("outage-1", "calm-1", "calm-2"))
    wait_until(lambda: grown(before, ok=3), seconds=20, what="three handled after the outage")

    assert BATCHES[0] == ["outage-1", "calm-1", "calm-2"]
    assert sorted(i for batch in BATCHES[1:] for i in batch) == ["calm-1", "calm-2", "outage-1"]
    assert grown(before, ok=3, retry=3, dead=0)      # all rerouted, none handled alone at once
    assert set(broker.left_on(QUEUE).values()) == {0}


def test_messages_outside_the_contract_are_parked_and_the_rest_handled(recorder, broker):
    recorder(BATCH_SIZE=10, BATCH_WAIT_MS=300)
    before = handled()
    with Connection(broker.uri) as connection:
        channel = connection.default_channel
        channel.basic_publish(channel.prepare_message(b"{not json", content_type="application/json"),
                              exchange=contracts.EVENTS_EXCHANGE,
                              routing_key=contracts.ReportReceived.type)
    broker.publish({"type": contracts.ReportReceived.type, "version": 99, "id": "bad-1", "data": {}})
    broker.publish(envelopes("fine-1")[0])
    wait_until(lambda: grown(before, ok=1), what="the good one handled")
    dead: list = []
    wait_until(lambda: dead.extend(broker.read(contracts.DEAD_LETTER_QUEUE)) or len(dead) == 2,
               what="two dead letters")

    assert BATCHES == [["fine-1"]]
    raw, bad = sorted(dead, key=lambda m: m.body != b"{not json")
    assert raw.body == b"{not json" and bad.payload["id"] == "bad-1"
    assert "unsupported version" in bad.headers[messaging.ERROR_HEADER]
    assert {m.headers[messaging.ATTEMPT_HEADER] for m in dead} == {0}
    assert {m.headers[messaging.QUEUE_HEADER] for m in dead} == {QUEUE}


def test_stopping_settles_every_message_taken(recorder, broker):
    """While a batch is in hand, the next waits collected: on stop, it goes back."""
    container = recorder(BATCH_SIZE=10, BATCH_WAIT_MS=20, BATCH_CONCURRENCY=1)
    BatchRecorder.pause = 0.3
    ids = [f"drain-{n:03d}" for n in range(80)]
    broker.burst(envelopes(*ids))
    wait_until(lambda: BATCHES, what="a batch in hand")
    container.stop()

    done = [i for batch in BATCHES for i in batch]
    assert 0 < len(done) < len(ids)
    assert len(done) == len(set(done)), "no message handled twice"
    assert len(done) + broker.left_on(QUEUE)[QUEUE] == len(ids), "every message acked or back"
