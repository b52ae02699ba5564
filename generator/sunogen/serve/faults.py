"""Faults on demand: what a request (X-Sunogen-Fault) or the server (--fault) asks to go wrong, and how it does.

`fail-task` makes the created task fail; `429`, `500` and `503` answer that status with the gateway's error body
(429 with Retry-After); `slow` answers only after a delay longer than a client's timeout; `malformed` answers 200
with truncated JSON (or an HTML page); `drop` closes the connection in the middle of the answer. A create that is
garbled or dropped has created its task: the server acted, which is what makes a client's retry unsafe.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .options import FAULT_HEADER, FAULTS

SLOW_SECONDS: Final = 30.0
RETRY_AFTER_SECONDS: Final = 1.0
_DISCONNECT_CHECK: Final = 0.05
_HTML: Final = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>502 Bad Gateway</h1><p>sunogen emulator: the malformed=html fault</p></body></html>\n"
)


class UnknownFault(ValueError):
    """A fault name the emulator does not know."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One requested fault: its name, and its argument (`slow=2`, `429=5`, `malformed=html`) if given."""

    name: str
    argument: str | None = None

    @property
    def seconds(self) -> float:
        """The delay of `slow` or the Retry-After of `429`: the argument, or the default."""
        default = SLOW_SECONDS if self.name == "slow" else RETRY_AFTER_SECONDS
        return default if self.argument is None else float(self.argument)


def parse_fault(text: str) -> Fault | None:
    """A fault from its header or option text; None for `none` (no fault). Raises UnknownFault."""
    name, _, argument = text.strip().partition("=")
    name = name.strip().lower()
    if name == "none":
        return None
    if name not in FAULTS:
        raise UnknownFault(f"unknown fault {text.strip()!r}; try one of {', '.join(FAULTS)} (or none)")
    fault = Fault(name, argument.strip() or None)
    if fault.argument is not None:
        if name == "malformed":
            if fault.argument not in ("json", "html"):
                raise UnknownFault(f"malformed takes json or html, not {fault.argument!r}")
        elif name in ("slow", "429"):
            try:
                seconds = float(fault.argument)
            except ValueError:
                seconds = math.nan
            if not math.isfinite(seconds) or seconds < 0:
                raise UnknownFault(f"{name}=SECONDS takes a number of seconds, not {fault.argument!r}")
        else:
            raise UnknownFault(f"{name} takes no argument")
    return fault


def requested(request: Request, server_fault: Fault | None) -> Fault | None:
    """The request's own fault (its header; `none` for none), else the server's. Raises UnknownFault."""
    header = request.headers.get(FAULT_HEADER)
    return server_fault if header is None else parse_fault(header)


async def linger(request: Request, seconds: float) -> None:
    """Wait `seconds` before answering, or until the client hangs up (it timed out: no one is left to answer)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        await asyncio.sleep(min(_DISCONNECT_CHECK, left))
        if await request.is_disconnected():
            return


def malformed(fault: Fault, body: bytes) -> Response:
    """A 200 a client cannot read: the JSON cut in half, or an HTML page (`malformed=html`)."""
    if fault.argument == "html":
        return Response(_HTML, status_code=200, media_type="text/html")
    return Response(body[: max(1, len(body) // 2)], status_code=200, media_type="application/json")


class DroppedResponse(Response):
    """Starts the answer, sends half its body, and stops: the server closes a connection left mid-answer."""

    def __init__(self, body: bytes, status_code: int) -> None:
        super().__init__(body, status_code=status_code, media_type="application/json")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body[: len(self.body) // 2], "more_body": True})
