"""A small thread-safe cache whose entries live a fixed time: registry answers in the gateway,
routing tables in routing. A failed load is not cached; `forget` drops entries at once (when
the registry announces a change)."""
import threading
import time


class TtlCache:
    def __init__(self, seconds: float, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key, load, remember_none: bool = True):
        """The cached value of `key`, or `load()`. With `remember_none=False` a None (say, a
        Posyandu not registered yet) is asked again next time instead of being kept."""
        now = self.clock()
        with self._lock:
            hit = self._items.get(key)
        if hit and now - hit[0] < self.seconds:
            return hit[1]
        value = load()
        if value is not None or remember_none:
            with self._lock:
                self._items[key] = (now, value)
        return value

    def forget(self, key=None) -> None:
        """Drop `key`, or every entry when `key` is None."""
        with self._lock:
            if key is None:
                self._items.clear()
            else:
                self._items.pop(key, None)
