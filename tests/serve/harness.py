"""The emulator as the tests run it: `sunogen serve` in a child process on 127.0.0.1, a free port, stopped by SIGTERM.

Also what the tests enumerate from the specs (vendors, create operations and a valid documented payload for each)
and how they judge a downloaded clip (a WAV the stdlib opens, a PNG whose chunks check out).
"""

from __future__ import annotations

import io
import os
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import wave
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

import suno_clients
from sunogen import ir
from sunogen.build import thaw
from sunogen.runtime.paths import first_present
from tests import spec_files

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
KEY = "sk-emulator-test-0123456789-TOPSECRET"
_URL = re.compile(r" at (http://\S+)$")
_START_SECONDS = 60.0  # generous: the machine is shared; a healthy start takes about a second
_STOP_SECONDS = 15.0


@dataclass
class Running:
    """A running emulator: its base URL and everything it printed so far.

    `process` is None for an emulator another test process started (see tests/serve/conftest.py): what it printed
    is then read from the `log` file its starter copies every line to.
    """

    process: subprocess.Popen[str] | None
    url: str = ""
    printed: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None
    log: Path | None = None

    @property
    def lines(self) -> list[str]:
        if self.process is None and self.log is not None:
            return self.log.read_text().splitlines()
        return list(self.printed)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Signal the process and wait for it; its exit status (raises if it does not exit in time)."""
        assert self.process is not None, "only the test process that started an emulator stops it"
        if self.process.poll() is None:
            self.process.send_signal(sig)
        status = self.process.wait(timeout=_STOP_SECONDS)
        if self.reader is not None:
            self.reader.join(_STOP_SECONDS)  # the last lines are read before the pipe is closed
        if self.process.stdout is not None:
            self.process.stdout.close()
        return status


def _command(vendor: str, *options: str) -> list[str]:
    return [sys.executable, "-m", "sunogen.cli", "serve", "--vendor", vendor, "--port", "0", *options]


@contextmanager
def emulator(vendor: str, *options: str, specs: Path = SPECS, pythonpath: Path | None = None) -> Iterator[Running]:
    """`sunogen serve --vendor <vendor> --port 0 <options>` until the block ends (then SIGTERM, exit 0 checked)."""
    running = start(vendor, *options, specs=specs, pythonpath=pythonpath)
    try:
        yield running
    finally:
        status = running.stop()
    assert status == 0, f"the emulator exited {status}:\n{running.output}"


def start(
    vendor: str, *options: str, specs: Path = SPECS, pythonpath: Path | None = None, log: Path | None = None
) -> Running:
    """Start an emulator and return once it has printed the URL it listens at (each line it prints is also
    appended to `log`, if given, for other processes to read)."""
    env = dict(os.environ)
    if pythonpath is not None:  # a package generated from fixture specs, imported before the installed one
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [*_command(vendor, *options), "--specs", str(specs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
    )
    running = Running(process, log=log)
    ready = threading.Event()
    copy = None if log is None else log.open("a", buffering=1)  # line-buffered: a reader sees each line whole

    def read() -> None:  # drains the pipe for the process's whole life, so it never blocks on a full pipe
        assert process.stdout is not None
        for line in process.stdout:
            running.printed.append(line.rstrip("\n"))
            if copy is not None:
                copy.write(line if line.endswith("\n") else line + "\n")
            found = _URL.search(line.rstrip("\n"))
            if found and not running.url:
                running.url = found.group(1)
                ready.set()
        if copy is not None:
            copy.close()
        ready.set()

    running.reader = threading.Thread(target=read, daemon=True)
    running.reader.start()
    if not ready.wait(_START_SECONDS) or not running.url:
        running.stop(signal.SIGKILL)
        raise AssertionError(f"the emulator did not start:\n{running.output}")
    return running


# -- what the tests enumerate from the specs ----------------------------------------------------------------------


def vendors() -> list[str]:
    """Every spec in specs/, by vendor id."""
    return sorted(path.stem for path in SPECS.glob("*.yaml"))


def vendor_ir(vendor: str, specs: Path = SPECS) -> ir.Vendor:
    """The IR of a spec, as the emulator builds it."""
    return spec_files.vendor_ir(vendor, specs)


@dataclass(frozen=True)
class Create:
    """A create operation, the name of its `_and_wait` method, and a documented payload it accepts."""

    vendor: str
    operation: ir.Operation
    method: str
    payload: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.vendor}-{self.operation.id}"

    @property
    def makes_clips(self) -> bool:
        """Whether the task ends with clips: not when its type is one the poll says has none (lyrics)."""
        task = self.operation.task
        assert task is not None
        poll = next(op.poll for op in vendor_ir(self.vendor).operations if op.id == task.poll)
        assert poll is not None
        kind = task.type if task.type_field is None else self.payload.get(task.type_field[0])
        return kind not in poll.without_clips


def creates(vendor: str) -> list[Create]:
    """Each operation that creates a task it can wait for (each has an `_and_wait` method), with its first
    documented request example that has no error, or for an operation without one a small body it accepts."""
    validators = suno_clients.vendor_validators(vendor)
    found = []
    for method in vendor_ir(vendor).methods:
        op = method.operation
        if method.kind != "create_and_wait" or op.request is None:
            continue
        valid = [
            thaw(example.value)
            for example in op.request_examples
            if not suno_clients.errors_only(validators[op.id](thaw(example.value)))
        ]
        payload = valid[0] if valid else _smallest_payload(vendor, op)
        found.append(Create(vendor, op, method.name, payload))
    return found


def _smallest_payload(vendor: str, op: ir.Operation) -> dict[str, Any]:
    """A body for a create with no documented example: each required string field set to a short text."""
    component = next(c for c in vendor_ir(vendor).components if c.name == op.request)
    payload = dict.fromkeys(component.schema.required, "A song about the sea")
    assert not suno_clients.errors_only(suno_clients.validate(vendor, op.id, payload)), (vendor, op.id, payload)
    return payload


def client_kwargs(running: Running, **extra: Any) -> dict[str, Any]:
    """How a test's client reaches the emulator: its URL, the test key, no retries unless asked."""
    return {"api_key": KEY, "base_url": running.url, "max_retries": 0, **extra}


def auth_headers(vendor: str, key: str = KEY) -> dict[str, str]:
    """The vendor's auth header carrying `key`, as its spec places it."""
    auth = vendor_ir(vendor).auth
    return {"Authorization": f"Bearer {key}"} if auth.kind == "bearer" else {auth.header: key}


def create_raw(running: Running, create: Create, **headers: str) -> str:
    """Create a task over plain HTTP (no client) and return its id, read at the spec's id paths."""
    response = httpx.post(
        running.url + create.operation.path, json=create.payload, headers={**auth_headers(create.vendor), **headers}
    )
    assert response.is_success, response.text
    assert create.operation.task is not None
    task_id = first_present(response.json(), create.operation.task.id, skip_empty=True)
    assert isinstance(task_id, str), response.text
    return task_id


# -- judging downloads ----------------------------------------------------------------------------------------------


def wav_seconds(data: bytes) -> float:
    """The duration of a WAV file, after checking it is PCM audio a player can open."""
    with wave.Wave_read(io.BytesIO(data)) as reader:
        assert reader.getnchannels() in (1, 2)
        assert reader.getsampwidth() == 2
        frames = reader.getnframes()
        assert frames > 0
        assert len(reader.readframes(frames)) == frames * reader.getsampwidth() * reader.getnchannels()
        return frames / reader.getframerate()


def png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG, after checking its signature, every chunk's CRC and its pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    position, chunks, idat = 8, [], b""
    width = height = 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append(kind)
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    assert chunks[0] == b"IHDR"
    assert chunks[-1] == b"IEND"
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)
    return width, height


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `condition` came true within `seconds` (what the emulator logs arrives on its own thread)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
