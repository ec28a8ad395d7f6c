"""`@consume_batch(queue)`: `@consume` for a handler that takes a list of messages, so that a
consumer pays its storage round trips once per batch instead of once per message.

Decoded messages are collected until `BATCH_SIZE` (config, default 50) of them, or until
`BATCH_WAIT_MS` (default 20) after the first of the batch came; then one worker gets them all,
in delivery order, while the next batch collects. They are all acknowledged once the handler
has returned. When it raises, each message is handled again alone, so that a poison message
climbs the retry ladder of `@consume` by itself while the rest of its batch goes through; an
outage (storage, broker) is no message's fault, and sends the whole batch to the retry ladder
at once. Messages outside the contract, or not even JSON, are parked in the dead letters as
`@consume` parks them. On stop, what was taken but not yet handed to a worker goes back to
the queue.
"""
import logging
import time
from functools import partial

import eventlet
from eventlet.queue import Empty, LightQueue

from .consumer import TRANSIENT_ERRORS, ContractConsumer, ParkingQueueConsumer

log = logging.getLogger(__name__)
POLL_SECONDS = 0.005   # how often a batch ready to go looks whether it may


def batch_size(config) -> int:
    return int(config.get("BATCH_SIZE", 50))


def batches_at_once(config) -> int:
    """How many batches a consumer hands out before the first is done (`BATCH_CONCURRENCY`):
    a batch spends most of its time waiting for the store and the broker's confirms, so the
    next ones need not wait for it; a store whose batches conflict (reporting) keeps one."""
    return max(1, int(config.get("BATCH_CONCURRENCY", 4)))


class BatchingQueueConsumer(ParkingQueueConsumer):
    """Takes a batch's worth more from the broker than it hands out: the next one collecting."""

    @property
    def prefetch_count(self):
        config = self.container.config
        return (batches_at_once(config) + 1) * batch_size(config)


class BatchConsumer(ContractConsumer):
    queue_consumer = BatchingQueueConsumer()

    def setup(self):
        self.batch_size = batch_size(self.container.config)
        self.wait_seconds = float(self.container.config.get("BATCH_WAIT_MS", 20)) / 1000
        self.arrived = LightQueue()   # (received, message), decoded, in delivery order
        self.collecting: list[tuple] = []
        self.accepting, self.dispatcher = True, None
        self.in_hand, self.at_once = 0, batches_at_once(self.container.config)
        super().setup()

    def start(self):
        self.dispatcher = self.container.spawn_managed_thread(
            self.dispatch_batches, identifier=f"batches of {self.queue_name}")

    def stop(self):
        super().stop()   # the broker hands out no more
        self.accepting = False
        if self.dispatcher is not None:
            self.dispatcher.kill()   # it is waiting for messages, or for its batch to go
        for _, message in self.collecting + self.take_arrived():
            self.queue_consumer.requeue_message(message)
        self.collecting = []

    def dispatch(self, received, message) -> None:
        """Queue a decoded message for the next batch (ContractConsumer calls it)."""
        if not self.accepting:
            self.queue_consumer.requeue_message(message)
        else:
            self.arrived.put((received, message))

    def take_arrived(self) -> list[tuple]:
        taken = []
        while not self.arrived.empty():
            taken.append(self.arrived.get_nowait())
        return taken

    def dispatch_batches(self) -> None:
        while True:
            self.collect()
            batch, self.collecting = self.collecting, []
            items = [(received, message, self.measure(received)) for received, message in batch]
            self.in_hand += 1
            self.spawn(([received for received, _ in batch],), [message for _, message in batch],
                       partial(self.handle_batch, items))

    def collect(self) -> None:
        """Fill `collecting` until it is full, or its wait is over and it may go."""
        self.collecting = [self.arrived.get()]
        deadline = time.monotonic() + self.wait_seconds
        while len(self.collecting) < self.batch_size:
            left = deadline - time.monotonic()
            if left <= 0 and self.may_go():
                return
            try:
                self.collecting.append(self.arrived.get(timeout=max(left, POLL_SECONDS)))
            except Empty:
                pass
        while not self.may_go():
            eventlet.sleep(POLL_SECONDS)

    def may_go(self) -> bool:
        """At most `BATCH_CONCURRENCY` batches in hand, the next collecting. And only to a
        free worker:
        a spawn waiting for one in nameko's pool (2.14, pinned) when the container stops
        leaves the container waiting for ever (eventlet swaps the event `waitall` waits on)."""
        return self.in_hand < self.at_once and self.container._worker_pool.free() > 0

    def handle_batch(self, items: list, worker_ctx, result=None, exc_info=None):
        self.in_hand -= 1
        if exc_info is None or len(items) == 1 or isinstance(exc_info[1], TRANSIENT_ERRORS):
            for _, message, started in items:
                self.handle_measured(message, started, worker_ctx, result, exc_info)
            return result, exc_info
        log.warning("a batch of %d from %s failed (%s): handling each message alone",
                    len(items), self.queue_name, type(exc_info[1]).__name__)
        # Spawned from this worker: when the pool is full, eventlet runs the new worker in this
        # very thread rather than waiting for a free one.
        for received, message, started in items:
            self.spawn(([received],), [message], partial(self.handle_measured, message, started))
        return result, exc_info


consume_batch = BatchConsumer.decorator
