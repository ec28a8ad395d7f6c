"""A progress bar for long-running commands: `[#####.....] 120/400 laporan  35/s` on a
terminal stream, redrawn in place at most every 0.1 s, finished with a newline. Safe to
advance from several threads."""
import sys
import threading
import time


class Progress:
    def __init__(self, total: int, unit: str, stream=None, width: int = 20):
        self.total, self.unit, self.width = max(total, 0), unit, width
        self.stream = stream or sys.stderr
        self.done, self.started, self.drawn, self.shown = 0, time.monotonic(), 0.0, -1
        self.lock = threading.Lock()
        self._draw()

    def advance(self, n: int = 1) -> None:
        with self.lock:
            self._to(self.done + n)

    def update(self, done: int, total: int | None = None) -> None:
        with self.lock:
            if total is not None:
                self.total = total
            self._to(done)

    def close(self) -> None:
        with self.lock:
            if self.shown != self.done:
                self._draw()
            self.stream.write("\n")
            self.stream.flush()

    finish = close

    def _to(self, done: int) -> None:
        self.done = done
        if time.monotonic() - self.drawn >= 0.1 or self.done >= self.total:
            self._draw()

    def _draw(self) -> None:
        self.drawn, self.shown = time.monotonic(), self.done
        filled = min(self.width, self.width * self.done // self.total) if self.total else self.width
        rate = self.done / max(self.drawn - self.started, 1e-6)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{self.done}/{self.total} {self.unit}  {rate:.0f}/s   ")
        self.stream.flush()
