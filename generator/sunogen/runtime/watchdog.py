"""Watchdog: ends a blocking exchange at its deadline, from one shared thread, by shutting its socket down.

A blocking read cannot be interrupted from its own thread, and httpx's timeouts bound each read, not the exchange:
a server that sends a byte every half second never trips them. The watchdog thread shuts the socket down at the
deadline, which wakes the blocked read with an error the exchange then reports as a timeout.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any, Protocol

__all__ = ["LOCK", "Watch", "Watched", "shut_down", "watch"]


class Watched(Protocol):
    """What the watchdog ends: the exchange decides, under the watchdog's lock, whether there is anything to end."""

    def expire(self) -> None:
        """Called once, on the watchdog thread, holding the lock, when the deadline has passed."""
        ...


class Watch:
    """One blocking exchange as the watchdog holds it until the deadline: the stream to shut down, unless it is over.

    Small on purpose: the watchdog keeps it until its deadline even when the exchange finished long before.
    """

    __slots__ = ("_done", "_stream", "expired")

    def __init__(self) -> None:
        self._done = False
        self._stream: Any = None
        self.expired = False

    def track(self, stream: Any) -> None:
        """The stream the exchange now uses (the TLS one replaces the TCP one it wraps)."""
        with LOCK:
            if not self._done:
                self._stream = stream

    def expire(self) -> None:
        """The deadline passed (watchdog thread, LOCK held): shut the stream down unless the exchange is over."""
        if not self._done and self._stream is not None:
            self.expired = True
            shut_down(self._stream)
        self._stream = None

    def finish(self) -> None:
        """The exchange is over, before its connection goes back to the pool: the stream is no longer ours."""
        with LOCK:
            self._done = True
            self._stream = None


def shut_down(stream: Any) -> None:
    """Shut down the socket under an httpcore network stream, waking any read blocked on it."""
    sock = stream.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed by the exchange itself
            sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """A heap of (deadline, exchange) and one daemon thread that sleeps until the earliest."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._wake = threading.Condition(self.lock)
        self._heap: list[tuple[float, int, Watched]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, when: float, target: Watched) -> None:
        """Call `target.expire()` at `when` (time.monotonic), unless the target says by then that it is done."""
        with self.lock:
            heapq.heappush(self._heap, (when, next(self._order), target))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="suno_clients-watchdog", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is target:
                self._wake.notify()

    def _run(self) -> None:
        with self.lock:
            while True:
                if not self._heap:
                    self._wake.wait()
                    continue
                when, _, target = self._heap[0]
                left = when - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                heapq.heappop(self._heap)
                target.expire()


_WATCHDOG = _Watchdog()
LOCK = _WATCHDOG.lock
"""Held while the watchdog ends an exchange: an exchange that finishes takes it to say it is done."""


def watch(when: float, target: Watched) -> None:
    """Have the shared watchdog call `target.expire()` at `when` (time.monotonic), holding LOCK."""
    _WATCHDOG.watch(when, target)
