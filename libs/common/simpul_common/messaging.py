"""The broker topology of Simpul as kombu objects, and the retry ladder of every queue.

A failed message is republished to `<queue>.retry.<n>`, a queue without consumers whose
TTL dead-letters it back to `<queue>` after a delay; after the last step it goes to
`simpul.dead-letters` with the error, where an operator can inspect and replay it.
"""
import os

from kombu import Connection, Exchange, Queue, binding

from . import contracts

# Delays of the retry ladder. They are queue arguments: every process on one vhost must use
# the same values (tests use a vhost of their own with short delays).
RETRY_DELAYS_MS = tuple(int(ms) for ms in
                        os.environ.get("SIMPUL_RETRY_DELAYS_MS", "1000,5000,30000").split(","))
ATTEMPT_HEADER = "x-simpul-attempt"
QUEUE_HEADER = "x-simpul-queue"
ERROR_HEADER = "x-simpul-error"

events_exchange = Exchange(contracts.EVENTS_EXCHANGE, type="topic", durable=True)
commands_exchange = Exchange(contracts.COMMANDS_EXCHANGE, type="direct", durable=True)
opd_exchange = Exchange(contracts.OPD_EXCHANGE, type="topic", durable=True)
_default_exchange = Exchange("", type="direct")


def exchange_for(message_type: str) -> Exchange:
    return commands_exchange if message_type in contracts.COMMANDS else events_exchange


def work_queue(name: str) -> Queue:
    return Queue(name, durable=True, bindings=[
        binding(exchange_for(message_type), routing_key=message_type)
        for message_type in contracts.QUEUES[name]
    ])


def retry_queue_name(queue: str, step: int) -> str:
    return f"{queue}.retry.{step}"


def retry_queues(queue: str) -> list[Queue]:
    return [
        Queue(retry_queue_name(queue, step), exchange=_default_exchange,
              routing_key=retry_queue_name(queue, step), durable=True,
              queue_arguments={"x-message-ttl": delay, "x-dead-letter-exchange": "",
                               "x-dead-letter-routing-key": queue})
        for step, delay in enumerate(RETRY_DELAYS_MS, start=1)
    ]


dead_letter_queue = Queue(contracts.DEAD_LETTER_QUEUE, exchange=_default_exchange,
                          routing_key=contracts.DEAD_LETTER_QUEUE, durable=True)


def opd_queue(opd_code: str) -> Queue:
    return Queue(contracts.opd_queue_name(opd_code), exchange=opd_exchange,
                 routing_key=contracts.opd_routing_key(opd_code, "#"), durable=True)


def declare_topology(connection: Connection) -> None:
    """Declare every exchange and queue of the contracts (idempotent)."""
    channel = connection.default_channel
    for exchange in (events_exchange, commands_exchange, opd_exchange):
        exchange(channel).declare()
    dead_letter_queue(channel).declare()
    for name in contracts.QUEUES:
        work_queue(name)(channel).declare()
        for retry in retry_queues(name):
            retry(channel).declare()


def declare_opd_queue(connection: Connection, opd_code: str) -> None:
    opd_exchange(connection.default_channel).declare()
    opd_queue(opd_code)(connection.default_channel).declare()


if __name__ == "__main__":  # python -m simpul_common.messaging  → declares the topology
    import os
    with Connection(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//")) as conn:
        declare_topology(conn)
        print("topologi broker Simpul sudah dideklarasikan")
