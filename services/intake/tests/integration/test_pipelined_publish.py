"""`publish_confirmed` on the real broker: a batch of messages sent before one wait for all
their confirms arrives whole and in order; an unroutable one fails the whole call."""
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from simpul_common.nameko_ext.pipelined import NotConfirmed, Outgoing, publish_confirmed


@pytest.fixture
def queue(amqp_uri):
    name = f"pipelined-{uuid.uuid4().hex[:8]}"
    with Connection(amqp_uri) as connection:
        Queue(name, durable=True)(connection.default_channel).declare()
        yield name
        Queue(name)(connection.default_channel).delete()


def taken(amqp_uri, name):
    with Connection(amqp_uri) as connection:
        bound = Queue(name, no_declare=True)(connection.default_channel)
        messages = []
        while (message := bound.get(no_ack=True)) is not None:
            messages.append(message)
        return messages


def test_a_batch_arrives_whole_in_order_and_persistent(amqp_uri, queue):
    publish_confirmed(amqp_uri, [Outgoing({"n": n}, "", queue, f"id-{n}") for n in range(40)], 10)
    messages = taken(amqp_uri, queue)
    assert [m.payload["n"] for m in messages] == list(range(40))
    assert [m.properties["message_id"] for m in messages] == [f"id-{n}" for n in range(40)]
    assert {m.properties["delivery_mode"] for m in messages} == {2}


def test_an_unroutable_message_fails_the_call(amqp_uri, queue):
    nowhere = Exchange(f"nowhere-{uuid.uuid4().hex[:8]}", type="topic", durable=False,
                       auto_delete=True)
    with Connection(amqp_uri) as connection:
        nowhere(connection.default_channel).declare()
    with pytest.raises(NotConfirmed, match="unroutable"):
        publish_confirmed(amqp_uri, [Outgoing({"n": 1}, "", queue, "ok-1"),
                                     Outgoing({"n": 2}, nowhere, "no.binding", "lost-2")], 10)
    assert [m.payload["n"] for m in taken(amqp_uri, queue)] == [1]


def test_an_empty_batch_publishes_nothing(amqp_uri, queue):
    publish_confirmed(amqp_uri, [], 10)
    assert taken(amqp_uri, queue) == []
