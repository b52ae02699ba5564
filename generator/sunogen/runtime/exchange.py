"""One attempt of a call: the whole HTTP exchange under one deadline, and its body read under a size cap.

httpx bounds each network operation (connect, each write, each read), not the exchange: a server that sends a
byte every half second holds a call forever, and a body has no size limit. An Exchange gives the attempt one
deadline, `timeout` seconds from its start (the largest value of an httpx.Timeout) or the caller's `deadline`,
whichever comes first, and holds every step to it:

- each httpx timeout is capped by the time left, again as each phase starts (through httpcore's `trace`);
- the body is read chunk by chunk, the deadline and the size cap checked after each chunk;
- async: an alarm (one timer per event loop, alarms.py) cancels the exchange at the deadline, wherever it waits;
- sync: the watchdog thread shuts the connection's socket down at the deadline, which ends a read that waits for
  the next byte. It knows a connection opened by this attempt from httpcore's connect events, and a reused
  keep-alive connection from the connection object that sends the request (see `_stream_sending`).

Redirects are never followed here: the API key must not travel to a host the caller did not configure, and httpx
only strips `Authorization` from a redirected request. A redirect is answered to the caller as an error.
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, Final

import httpx

from . import watchdog
from .clock import Clock
from .lazy import LazyModule
from .redaction import EXCERPT_BYTES

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "Exchange", "Received", "receive", "receive_async"]

if TYPE_CHECKING:
    from . import alarms
else:
    # Imported by the first async exchange (it imports asyncio, which a sync caller never needs), then a global
    alarms = LazyModule(f"{__package__}.alarms", globals(), "alarms")

DEFAULT_MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024
"""The largest response body a client reads (4 MiB); the documented bodies are a few kilobytes."""

# The phases whose start re-caps the timeouts and ends an attempt already past its deadline. Never
# `response_closed`: httpcore traces its clean-up too, and that must run.
_PHASES = frozenset(
    {"connect_tcp", "connect_unix_socket", "start_tls", "send_request_headers", "send_request_body",
     "receive_response_headers", "receive_response_body"}
)  # fmt: skip
# What httpcore reports when it opens a connection: the network stream the watchdog may have to shut down.
_CONNECTED = frozenset({"connect_tcp", "connect_unix_socket", "start_tls"})
# Failures that prove the request never left: the server cannot have acted on it.
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class Received:
    """A response read within the limits: its body is in memory (at most an excerpt when `oversize` is set)."""

    __slots__ = ("oversize", "response")

    def __init__(self, response: httpx.Response, oversize: int | None) -> None:
        self.response = response
        self.oversize = oversize


class Exchange:
    """One attempt: when it must end, whether the request may have reached the server, which socket it uses.

    Made right before the request is sent: it caps the request's timeouts by the time left and listens to
    httpcore's trace events, which say when the request starts to leave and which connection carries it.
    """

    __slots__ = ("_clock", "_timeouts", "_watch", "asynchronous", "deadline", "handed", "request", "sent", "traced")

    def __init__(
        self,
        request: httpx.Request,
        timeouts: dict[str, float | None],
        clock: Clock,
        call_deadline: float | None,
        *,
        asynchronous: bool,
    ) -> None:
        now = clock.monotonic()
        # the attempt's whole time: the largest of the timeouts
        budget = max((value for value in timeouts.values() if value is not None), default=None)
        deadline = None if budget is None else now + budget
        if call_deadline is not None and (deadline is None or call_deadline < deadline):
            deadline = call_deadline
            # only the caller's deadline can be nearer than a timeout: the budget is the largest of them
            timeouts = _capped(timeouts, deadline - now)
        self.request = request
        self.deadline = deadline
        self.handed = False  # the request went to the transport: from here, only the trace can say it did not leave
        self.sent = False  # the request started to leave: the server may act on it
        self.traced = False  # httpcore reported its phases (a mock or ASGI transport reports none)
        self._clock = clock
        self.asynchronous = asynchronous
        self._watch: watchdog.Watch | None = None  # made with the first socket of a sync exchange with a deadline
        # as built (or capped by the caller's deadline): the trace events re-cap them in a copy as the phases start
        self._timeouts = timeouts
        # the request is this call's own (built by the client): its extensions are set in place, once an attempt
        request.extensions["timeout"] = timeouts
        request.extensions["trace"] = self._atrace if asynchronous else self._trace

    def left(self) -> float | None:
        """Seconds until the deadline (negative once past), or None without one."""
        return None if self.deadline is None else self.deadline - self._clock.monotonic()

    def check(self) -> None:
        """Raise the timeout this exchange ends with when its deadline has passed."""
        left = self.left()
        if left is not None and left <= 0:
            raise self.timeout_error()

    def timeout_error(self) -> httpx.TimeoutException:
        """The httpx timeout that says how far the exchange got: ConnectTimeout only while nothing provably left.

        Nothing left before the request went to the transport, or while httpcore's trace says it is still
        connecting; a transport that traces nothing may have delivered it, so its timeout is a ReadTimeout.
        """
        if not self.handed or (self.traced and not self.sent):
            return httpx.ConnectTimeout("the deadline passed before the request was sent", request=self.request)
        return httpx.ReadTimeout("no complete response before the deadline", request=self.request)

    def may_have_reached_server(self, error: httpx.RequestError) -> bool:
        """Whether the server may have received (and acted on) the request, judging by what failed and when."""
        if isinstance(error, _UNSENT):
            return False
        return self.sent or not self.traced

    # -- httpcore's trace extension ---------------------------------------------------------------------------

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        self.traced = True
        _, _, name = event.partition(".")
        phase, _, stage = name.rpartition(".")
        if phase not in _PHASES:
            return
        if stage == "started":
            if phase in ("send_request_headers", "send_request_body"):
                self.sent = True
                if self._watch is None and not self.asynchronous and self.deadline is not None:
                    # no connect was traced: the pool reused a keep-alive connection, whose socket no event names
                    self.watch(_stream_sending())
            left = self.left()
            if left is not None:
                if left <= 0:
                    raise self.timeout_error()
                capped = _capped(self._timeouts, left)
                if capped != self._timeouts:  # a copy: the timeouts as built serve the next attempt too
                    self._timeouts = self.request.extensions["timeout"] = capped
        elif stage == "complete" and phase in _CONNECTED:
            self.watch(info.get("return_value"))

    async def _atrace(self, event: str, info: dict[str, Any]) -> None:
        self._trace(event, info)

    # -- the watchdog (sync) ----------------------------------------------------------------------------------

    def watch(self, stream: Any) -> None:
        """Have the watchdog shut `stream`'s socket down at the deadline (a sync exchange; async ones are cancelled)."""
        if stream is None or self.deadline is None or self.asynchronous:
            return
        if self._watch is None:
            self._watch = watchdog.Watch()
            self._watch.track(stream)
            watchdog.watch(time.monotonic() + (self.deadline - self._clock.monotonic()), self._watch)
        else:
            self._watch.track(stream)

    @property
    def expired(self) -> bool:
        """Whether the watchdog ended this exchange (shut its socket down at the deadline)."""
        return self._watch is not None and self._watch.expired

    def finish(self) -> None:
        """Say the exchange is over, before its connection goes back to the pool: the watchdog must not touch it."""
        if self._watch is not None:
            self._watch.finish()


def _stream_sending() -> Any:
    """The network stream of the httpcore connection that is sending a request, found from inside its trace event.

    httpcore names a connection's stream in its connect events only, so a reused keep-alive connection's socket is
    reachable nowhere in its public API; the connection object sending the request is a caller of this trace
    callback, and holds it as `_network_stream` (HTTP/1.1 and HTTP/2 alike). A newer httpcore that moves it only
    leaves such an exchange to its per-read timeouts again, and tests/network/test_deadlines.py says so.
    """
    frame: FrameType | None = sys._getframe(1)
    for _ in range(_FRAMES_UP_TO_THE_CONNECTION):
        if frame is None:
            break
        stream = getattr(frame.f_locals.get("self"), "_network_stream", None)
        if stream is not None:
            return stream
        frame = frame.f_back
    return None


# Exchange._trace <- Trace.trace <- Trace.__enter__ <- HTTP11Connection.handle_request, with a margin.
_FRAMES_UP_TO_THE_CONNECTION: Final = 8


def _capped(timeouts: dict[str, float | None], left: float) -> dict[str, float | None]:
    return {key: left if value is None or value > left else value for key, value in timeouts.items()}


def _without_encoding(headers: httpx.Headers) -> httpx.Headers | list[tuple[str, str]]:
    # the body kept is decoded: a Content-Encoding header would have httpx decode it a second time
    if "content-encoding" not in headers:
        return headers
    return [(name, value) for name, value in headers.multi_items() if name.lower() != "content-encoding"]


def _settled(response: httpx.Response, content: bytes) -> httpx.Response:
    """A response holding `content` as its (decoded) body, without the live connection."""
    return httpx.Response(
        response.status_code,
        headers=_without_encoding(response.headers),
        content=content,
        request=response.request,
        extensions={key: value for key, value in response.extensions.items() if key != "network_stream"},
    )


def _limit(response: httpx.Response, max_bytes: int) -> int:
    """How much of the body to read: `max_bytes`, or no more than an excerpt when its Content-Length is already over
    the cap (never more than the cap: a body that is not over it is not read as if it were)."""
    declared = response.headers.get("content-length", "")
    return min(max_bytes, EXCERPT_BYTES) if declared.isdigit() and int(declared) > max_bytes else max_bytes


def _identity(response: httpx.Response) -> bool:
    return response.headers.get("content-encoding", "identity").strip().lower() in ("", "identity")


class _Oversize(Exception):
    """The body went past its limit: its first bytes (the excerpt) and how many were read."""

    def __init__(self, head: bytes, size: int) -> None:
        super().__init__(size)
        self.head = head
        self.size = size


class _Bounded(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response's raw stream, held to the exchange's deadline and to `limit` bytes (None: no limit).

    Put in place of `response.stream`, so httpx's own read() fills the response; it says the exchange is over the
    moment the body ends, before httpx closes the response and hands the connection back to the pool.
    """

    def __init__(self, inner: Any, exchange: Exchange, limit: int | None) -> None:
        self._inner = inner
        self._exchange = exchange
        self._limit = limit
        self._head = b""
        self._size = 0

    def _take(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if len(self._head) < EXCERPT_BYTES:
            self._head += chunk[: EXCERPT_BYTES - len(self._head)]
        if self._limit is not None and self._size > self._limit:
            raise _Oversize(self._head, self._size)
        if not self._exchange.asynchronous:  # asyncio holds an async exchange to its deadline wherever it waits
            self._exchange.check()

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._take(chunk)
            yield chunk
        self._exchange.finish()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._take(chunk)
            yield chunk
        self._exchange.finish()

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()


def _held(body: bytes, limit: int) -> None:
    # A transport may hand a response over with its body already in memory (httpx.Response(content=...)): httpx
    # then reads it without streaming it through _Bounded, and the cap is applied here instead.
    if len(body) > limit:
        raise _Oversize(body[:EXCERPT_BYTES], len(body))


def _decoded(chunks: Iterator[bytes], limit: int) -> bytes:
    # a compressed body is capped as decoded: a few kilobytes of gzip can stand for gigabytes
    body: list[bytes] = []
    size = 0
    for chunk in chunks:
        body.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _Oversize(b"".join(body)[:EXCERPT_BYTES], size)
    return b"".join(body)


async def _adecoded(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    body: list[bytes] = []
    size = 0
    async for chunk in chunks:
        body.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _Oversize(b"".join(body)[:EXCERPT_BYTES], size)
    return b"".join(body)


def receive(client: httpx.Client, exchange: Exchange, max_bytes: int) -> Received:
    """Send the exchange's request and read its response within the deadline and `max_bytes`.

    Raises an httpx.RequestError (a timeout once the deadline passes) as httpx would.
    """
    try:
        exchange.check()
        exchange.handed = True
        response = client.send(exchange.request, stream=True, follow_redirects=False)
        try:
            exchange.watch(response.extensions.get("network_stream"))
            limit = _limit(response, max_bytes)
            if _identity(response):
                response.stream = _Bounded(response.stream, exchange, limit)
                _held(response.read(), limit)
                return Received(response, None)
            # a compressed body is capped once decoded, not as it arrives
            response.stream = _Bounded(response.stream, exchange, None)
            return Received(_settled(response, _decoded(response.iter_bytes(), limit)), None)
        except _Oversize as over:
            return Received(_settled(response, over.head), over.size)
        finally:
            exchange.finish()  # before close() hands the connection back to the pool
            response.close()
    except httpx.RequestError:
        if exchange.expired:  # the watchdog shut the socket down: the read failed because time was up
            raise exchange.timeout_error() from None
        raise
    finally:
        exchange.finish()  # also when send() itself failed


async def receive_async(client: httpx.AsyncClient, exchange: Exchange, max_bytes: int) -> Received:
    """As `receive`, awaited: an alarm cancels the exchange at its deadline wherever it waits."""
    left = exchange.left()
    if left is not None and left <= 0:
        raise exchange.timeout_error()
    alarm = None if left is None else alarms.set_alarm(left)
    try:
        exchange.handed = True
        response = await client.send(exchange.request, stream=True, follow_redirects=False)
        try:
            limit = _limit(response, max_bytes)
            if _identity(response):
                response.stream = _Bounded(response.stream, exchange, limit)
                _held(await response.aread(), limit)
                return Received(response, None)
            response.stream = _Bounded(response.stream, exchange, None)
            return Received(_settled(response, await _adecoded(response.aiter_bytes(), limit)), None)
        except _Oversize as over:
            return Received(_settled(response, over.head), over.size)
        finally:
            if alarm is not None:
                alarm.stop()  # the body is in: closing the response is no part of the exchange's time
            await response.aclose()
    except alarms.CancelledError:
        if alarm is None or not alarm.rang_for():
            raise
        # the alarm cancelled the exchange where it waited: report it as the timeout it is
        raise exchange.timeout_error() from None
    finally:
        if alarm is not None:
            alarm.stop()
