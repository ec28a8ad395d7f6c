"""Token buckets, one per key (a client, an IP address, a Posyandu), kept in this process's
memory: each holds up to `burst` tokens and gains `per_minute / 60` of one a second; a request
takes its cost, or learns how long it has to wait. Bounded: past `max_keys` buckets the least
recently used is forgotten (it comes back full). Thread-safe, since the gateway's routes run on
a thread pool, and timed by a monotonic clock, which a test replaces."""
import math
import threading
import time
from collections import OrderedDict
from typing import Callable, Hashable

EPSILON = 1e-9   # what float arithmetic may lose of a token that has fully refilled


class TokenBuckets:
    def __init__(self, per_minute: float, burst: int, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        if per_minute <= 0 or burst < 1 or max_keys < 1:
            raise ValueError("per_minute must be above 0, burst and max_keys at least 1")
        self.rate, self.burst, self.max_keys, self.clock = per_minute / 60, burst, max_keys, clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()  # tokens, when
        self._lock = threading.Lock()

    def take(self, key: Hashable, cost: int = 1) -> float:
        """Takes `cost` tokens from `key`'s bucket and answers 0.0; if they are not there, takes
        nothing and answers the seconds until they will be. A cost above the burst is admitted
        from a full bucket and leaves it in debt, so it is never refused for ever."""
        needed = min(cost, self.burst)
        with self._lock:
            now = self.clock()
            tokens, then = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - then) * self.rate)
            wait = 0.0 if tokens + EPSILON >= needed else (needed - tokens) / self.rate
            self._buckets[key] = (tokens - cost if wait == 0.0 else tokens, now)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


def retry_after(seconds: float) -> int:
    """A wait as `Retry-After` says it: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(round(seconds, 6)))
