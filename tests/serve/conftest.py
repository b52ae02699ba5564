"""One emulator process per vendor for the whole session (each test makes its own tasks), and a callback catcher."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .harness import KEY, Running, start

# Short enough to keep the suite quick, long enough that a poll (every 0.05 s in these tests) sees a task run.
TASK_SECONDS = "0.3"


@pytest.fixture(scope="session")
def emulators() -> Iterator[dict[str, Running]]:
    """Started on first use, one per vendor, with --task-seconds TASK_SECONDS and --api-key KEY; each stopped by
    SIGTERM at the end of the session, which must make it exit 0."""
    running: dict[str, Running] = {}

    yield running
    problems = []
    for vendor, server in running.items():
        status = server.stop()
        if status != 0:
            problems.append(f"{vendor} exited {status}:\n{server.output}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def serve(emulators: dict[str, Running]) -> Callable[[str], Running]:
    """`serve(vendor)`: the session's emulator of that vendor, started if it is not yet."""

    def get(vendor: str) -> Running:
        if vendor not in emulators:
            emulators[vendor] = start(vendor, "--task-seconds", TASK_SECONDS, "--api-key", KEY)
        return emulators[vendor]

    return get


@dataclass
class Catcher:
    """A loopback HTTP server that records every POST it gets (raw body and headers) and answers 200."""

    url: str
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 15.0) -> list[tuple[bytes, dict[str, str]]]:
        """The first `count` callbacks, once they have arrived (fails after `timeout` seconds)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), (self.url, self.received)
            return list(self.received[:count])

    def bodies(self) -> list[object]:
        return [json.loads(body) for body, _ in self.received]


@pytest.fixture
def catcher() -> Iterator[Catcher]:
    """A callback receiver on 127.0.0.1 for one test."""
    caught = Catcher("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with caught.arrived:
                caught.received.append((body, dict(self.headers.items())))
                caught.arrived.notify_all()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    caught.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    # shutdown() waits for serve_forever to look up: at its default 0.5 s, every test with a catcher ended 0.5 s late
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield caught
    finally:
        server.shutdown()
        server.server_close()
