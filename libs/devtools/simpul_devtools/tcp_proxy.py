"""A TCP proxy for tests that need a network to fail in ways a process cannot fake: `freeze()`
stops forwarding on every open connection while keeping its sockets open — a silent network
partition, the case only heartbeats detect — and `cut()` closes them; new connections are
forwarded as usual either way."""
from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target: tuple[str, int], host: str = "127.0.0.1"):
        self.target = target
        self.listener = socket.create_server((host, 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0          # connections taken so far
        self._pipes: list[tuple[socket.socket, socket.socket, threading.Event]] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                continue
            upstream.settimeout(None)
            flowing = threading.Event()
            flowing.set()
            with self._lock:
                self.accepted += 1
                self._pipes.append((client, upstream, flowing))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink, flowing),
                                 daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, flowing: threading.Event) -> None:
        try:
            while data := source.recv(65536):
                flowing.wait()          # frozen: the bytes wait here, for ever
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def freeze(self) -> int:
        """Stop forwarding on every connection open now; how many were frozen."""
        with self._lock:
            for _, _, flowing in self._pipes:
                flowing.clear()
            return len(self._pipes)

    def cut(self) -> None:
        with self._lock:
            pipes, self._pipes = self._pipes, []
        for client, upstream, flowing in pipes:
            for sock in (client, upstream):
                sock.close()
            flowing.set()

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        self.cut()
