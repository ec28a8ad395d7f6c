"""A small thread-safe cache whose entries live a fixed time: registry answers in the gateway,
routing tables in routing. A failed load is not cached."""
import threading
import time


class TtlCache:
    def __init__(self, seconds: float, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key, load):
        now = self.clock()
        with self._lock:
            hit = self._items.get(key)
        if hit and now - hit[0] < self.seconds:
            return hit[1]
        value = load()
        with self._lock:
            self._items[key] = (now, value)
        return value
