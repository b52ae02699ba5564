"""`sunogen serve`: the emulator under uvicorn on a socket of its own, announced once it listens, stopped on signal.

The socket is bound before uvicorn starts, so `--port 0` gets a free port and the printed URL names it. The first
line printed on stdout is `sunogen: serving <title> (<spec>) at <url>`, once requests can be accepted. Ctrl-C or
SIGTERM stops the server gracefully and the process exits 0 (uvicorn alone would re-raise the signal).
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType
from typing import TextIO

import uvicorn

from sunogen.diagnostics import SpecErrors

from .app import build_app
from .faults import UnknownFault, parse_fault
from .options import Options
from .spec import ServeError, load_served
from .store import StoreError, open_store

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# Seconds a stopping server gives open requests (a `slow` fault sleeps far longer) before it closes them.
_GRACE_SECONDS = 2


class _DroppedOnPurpose(logging.Filter):
    """Hides uvicorn's error line for an answer left unfinished: the `drop` fault does that on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing response."


class _Server(uvicorn.Server):
    """uvicorn's server, announcing itself once it listens and stopping on a signal without re-raising it."""

    def __init__(self, config: uvicorn.Config, announce: Callable[[], None]) -> None:
        super().__init__(config)
        self._announce = announce
        self.stopped_by: str | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self._announce()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # uvicorn's own handler records the signal to raise it again after shutting down, which would end the
        # process by that signal; a stopped emulator has done what it was asked and exits 0.
        self.stopped_by = signal.Signals(sig).name
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket listens at."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[
        0
    ]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(options: Options, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the emulator until a signal stops it; the exit status (0 stopped, 1 bad spec, 2 usage error).

    Prints on `out` and `err`, by default the standard streams of the moment of the call.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if options.fault:
            parse_fault(options.fault)
        served = load_served(options.specs, options.vendor)
    except SpecErrors as exc:
        for error in exc.errors:
            print(error, file=err)
        print(f"sunogen: {len(exc.errors)} error(s) in the spec; not serving", file=err)
        return EXIT_INVALID
    except (ServeError, UnknownFault) as exc:
        print(f"sunogen: error: {exc}", file=err)
        return EXIT_USAGE
    if options.task_seconds < 0:
        print("sunogen: error: --task-seconds must be 0 or more", file=err)
        return EXIT_USAGE
    try:
        store = open_store(options.db, served.vendor.id)
    except StoreError as exc:
        print(f"sunogen: error: {exc}", file=err)
        return EXIT_USAGE
    try:
        sock = _bind(options.host, options.port)
    except OSError as exc:
        store.close()
        print(f"sunogen: error: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}", file=err)
        return EXIT_USAGE
    vendor = served.vendor
    spec_file = options.specs / f"{vendor.id}.yaml"

    def announce() -> None:
        print(f"sunogen: serving {vendor.title} ({spec_file}) at {url_of(sock)}", file=out, flush=True)
        key = "any non-empty key" if options.api_key is None else "the --api-key given"
        where = f"SQLite file {options.db}" if options.db else "memory (gone at exit; --db FILE keeps them)"
        header = "Authorization: Bearer" if vendor.auth.kind == "bearer" else vendor.auth.header
        print(f"sunogen: {header}: {key}; tasks take {options.task_seconds:g}s; tasks in {where}", file=out)
        print("sunogen: Ctrl-C stops", file=out, flush=True)

    config = uvicorn.Config(
        build_app(served, options, store),
        http="h11",
        lifespan="on",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=_GRACE_SECONDS,
    )
    _log_to(out)  # after uvicorn.Config, which sets up uvicorn's loggers
    server = _Server(config, announce)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()
    print(f"sunogen: stopped{f' ({server.stopped_by})' if server.stopped_by else ''}", file=out, flush=True)
    return EXIT_OK


def _log_to(out: TextIO) -> None:
    """The emulator's own lines (requests, callbacks) on `out`, and uvicorn's deliberate-drop error hidden."""
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("sunogen: %(message)s"))
    logger = logging.getLogger("sunogen.serve")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logging.getLogger("uvicorn.error").addFilter(_DroppedOnPurpose())
