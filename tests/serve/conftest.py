"""The run's emulators, one process per vendor shared by every xdist worker (each test makes its own tasks), and a
callback catcher."""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .harness import KEY, Running, start

# Short enough to keep the suite quick, long enough that a poll (every 0.05 s in these tests) sees a task run.
TASK_SECONDS = "0.3"
# How long a worker that started an emulator waits, at its end, for the other workers using it to end theirs.
_OTHERS_SECONDS = 600.0


class Emulators:
    """One emulator per vendor for the whole run, started by the first test process that needs it.

    Every xdist worker would otherwise start its own (a second of CPU each, some fifteen a run). The processes of a
    run meet in `folder`: under a lock per vendor, `<vendor>.url` names the running emulator, `<vendor>.log` holds
    what it printed and `<vendor>.users/` a file per process using it. The process that started an emulator is the
    one that can stop it and read its exit status, so at its end it waits until no other live process uses it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.me = str(os.getpid())
        self.used: dict[str, Running] = {}
        self.started: dict[str, Running] = {}

    @contextmanager
    def _locked(self, vendor: str) -> Iterator[None]:
        with (self.folder / f"{vendor}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def get(self, vendor: str) -> Running:
        """The run's emulator of `vendor`, started if no process has one running."""
        if vendor in self.used:
            return self.used[vendor]
        url, log, users = (self.folder / f"{vendor}{suffix}" for suffix in (".url", ".log", ".users"))
        with self._locked(vendor):
            if url.exists():
                running = Running(None, url.read_text(), log=log)
            else:
                running = start(vendor, "--task-seconds", TASK_SECONDS, "--api-key", KEY, log=log)
                self.started[vendor] = running
                url.write_text(running.url)
            users.mkdir(exist_ok=True)
            (users / self.me).touch()
        self.used[vendor] = running
        return running

    def _others(self, vendor: str) -> list[str]:
        """The other live processes using the emulator of `vendor`."""
        alive = []
        for user in (self.folder / f"{vendor}.users").iterdir():
            try:
                os.kill(int(user.name), 0)
            except ProcessLookupError:
                continue
            alive.append(user.name)
        return alive

    def close(self) -> list[str]:
        """Stop what this process started once no other uses it; the problems found (an exit status not 0)."""
        for vendor in self.used:
            with self._locked(vendor):
                (self.folder / f"{vendor}.users" / self.me).unlink()
        problems = []
        for vendor, running in self.started.items():
            deadline = time.monotonic() + _OTHERS_SECONDS
            while True:
                with self._locked(vendor):
                    others = self._others(vendor)
                    if not others or time.monotonic() > deadline:
                        (self.folder / f"{vendor}.url").unlink()  # a process that needs it later starts another
                        break
                time.sleep(0.1)
            if others:
                problems.append(f"{vendor}: stopped while processes {others} still used it")
            status = running.stop()
            if status != 0:
                problems.append(f"{vendor} exited {status}:\n{running.output}")
        return problems


@pytest.fixture(scope="session")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulators]:
    """The run's emulators, each with --task-seconds TASK_SECONDS and --api-key KEY; each stopped by SIGTERM when
    the last process using it ends, which must make it exit 0."""
    if "PYTEST_XDIST_WORKER" in os.environ:  # every worker's base folder is in the run's (pytest-xdist's docs)
        folder = tmp_path_factory.getbasetemp().parent / "emulators"
        folder.mkdir(exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp("emulators")
    running = Emulators(folder)
    yield running
    problems = running.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def serve(emulators: Emulators) -> Callable[[str], Running]:
    """`serve(vendor)`: the run's emulator of that vendor, started if it is not yet."""
    return emulators.get


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
