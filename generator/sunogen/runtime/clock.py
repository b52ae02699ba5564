"""Clock: the time source and sleeps behind retries and polling, injectable so tests never sleep for real."""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    """What the clients need from time: a monotonic reading, the wall clock (for HTTP dates) and sleeps."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (deadlines)."""
        ...

    def time(self) -> float:
        """Seconds since the epoch (to read a `Retry-After` HTTP date)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread."""
        ...

    async def async_sleep(self, seconds: float) -> None:
        """Suspend the calling task."""
        ...


class SystemClock:
    """The real clock: `time.monotonic`, `time.time`, `time.sleep` and `asyncio.sleep`."""

    def monotonic(self) -> float:
        """Seconds on the monotonic clock."""
        return time.monotonic()

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        time.sleep(seconds)

    async def async_sleep(self, seconds: float) -> None:
        """Sleep for real without blocking the event loop."""
        import asyncio  # only async callers pay for importing asyncio

        await asyncio.sleep(seconds)
