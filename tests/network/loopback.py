"""A loopback HTTP/1.1 server whose answers are scripts: what to send, in what pieces, how slowly (real sockets)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Script = Callable[["Connection"], None]


@dataclass
class Log:
    """What the server saw: each request's head and body, and whether a script was cut short by the client."""

    requests: list[bytes] = field(default_factory=list)
    hung_up: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)


class Connection:
    """One accepted connection, as a script sees it."""

    def __init__(self, sock: socket.socket, log: Log) -> None:
        self.sock = sock
        self.log = log
        self._buffer = b""

    def read_request(self) -> bytes | None:
        """The next request (head and body, by Content-Length), or None when the client closed the connection."""
        while b"\r\n\r\n" not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self._buffer += chunk
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            rest += chunk
        request, self._buffer = head + b"\r\n\r\n" + rest[:length], rest[length:]
        self.log.requests.append(request)
        return request

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def drip(self, data: bytes, interval: float) -> None:
        """Send `data` one byte at a time, `interval` seconds apart (a slowloris answer)."""
        for i in range(len(data)):
            self.sock.sendall(data[i : i + 1])
            time.sleep(interval)

    def wait_for_hang_up(self, limit: float = 30.0) -> None:
        """Block until the client closes the connection; the server never answers. Gives up after `limit` seconds."""
        self.sock.settimeout(limit)
        try:
            while self.sock.recv(65536):
                pass
        except TimeoutError:
            return
        self.log.hung_up.set()


def response(body: bytes, *, status: str = "200 OK", headers: dict[str, str] | None = None) -> bytes:
    """A complete HTTP/1.1 response with a Content-Length."""
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@contextmanager
def serve(*scripts: Script) -> Iterator[tuple[str, Log]]:
    """Serve one connection per script, in order; yields the base URL and the log. Scripts run on server threads."""
    log = Log()
    pending = list(scripts)
    lock = threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            with lock:
                script = pending.pop(0) if pending else None
            if script is None:
                return
            try:
                script(Connection(self.request, log))
                log.finished.set()
            except OSError:  # the client hung up (or was shut down) mid-script
                log.hung_up.set()

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        block_on_close = False

    with Server(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}", log
        finally:
            server.shutdown()
            thread.join()
