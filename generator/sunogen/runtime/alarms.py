"""Alarms: one timer per event loop cancels each async exchange still running at its deadline.

asyncio.timeout() would do the same with one timer per exchange, set and cancelled on every call, and the loop
then sweeps the cancelled timers: over a tenth of a client call's time (bench figure 3). An exchange's deadline is
its start plus a timeout, so deadlines arrive in about the order they fall due: a heap of alarms and one timer for
the earliest serve them all. Imported by the first async call (a sync client never imports asyncio for it).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import weakref
from asyncio import CancelledError
from typing import Any

# CancelledError too: what an alarm raises in the task, named here for the exchange, which imports no asyncio itself
__all__ = ["Alarm", "CancelledError", "set_alarm"]


class Alarm:
    """One exchange's deadline: the task it cancels when it rings, unless the exchange stopped it first."""

    __slots__ = ("_alarms", "_cancelling", "_task", "rang", "stopped")

    def __init__(self, task: asyncio.Task[Any], alarms: _Alarms) -> None:
        self._task: asyncio.Task[Any] | None = task
        self._alarms = alarms
        self._cancelling = task.cancelling()
        self.rang = False
        self.stopped = False

    def ring(self) -> None:
        """The deadline passed: cancel the task (the exchange it is in turns that into a timeout)."""
        if self._task is not None and not self.rang:
            self.rang = True
            self._task.cancel()

    def stop(self) -> None:
        """The exchange is over: the alarm must not ring, nor keep the task alive until its deadline."""
        if not self.stopped:
            self.stopped = True
            if not self.rang:
                self._task = None
            self._alarms.drop_stopped()

    def rang_for(self) -> bool:
        """After the exchange caught CancelledError: whether this alarm caused it (its cancellation is then undone,
        as asyncio.timeout does, so a cancellation from elsewhere still stands)."""
        if not self.rang or self._task is None:
            return False
        task, self._task = self._task, None
        return task.uncancel() <= self._cancelling


class _Alarms:
    """The alarms of one event loop: a heap by deadline and one timer, set for the earliest."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._handle: asyncio.TimerHandle | None = None
        self._due = math.inf

    def add(self, when: float, alarm: Alarm) -> None:
        heapq.heappush(self._heap, (when, next(self._order), alarm))
        if when < self._due:
            if self._handle is not None:
                self._handle.cancel()
            self._arm(when)

    def drop_stopped(self) -> None:
        """Take the stopped alarms off the top of the heap: with calls one after another, each alarm is the oldest
        when it stops, so the heap stays as small as the number of exchanges running."""
        heap = self._heap
        while heap and heap[0][2].stopped:
            heapq.heappop(heap)

    def _arm(self, when: float) -> None:
        self._due = when
        self._handle = self._loop.call_at(when, self._ring)

    def _ring(self) -> None:
        due, self._due, self._handle = self._due, math.inf, None
        while self._heap and self._heap[0][0] <= due:
            heapq.heappop(self._heap)[2].ring()
        if self._heap:
            self._arm(self._heap[0][0])


_LOOPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Alarms] = weakref.WeakKeyDictionary()


def set_alarm(seconds: float) -> Alarm:
    """An alarm that cancels the current task in `seconds` (at once, at its next await, when not positive)."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task(loop)
    if task is None:  # pragma: no cover - an await always runs in a task under asyncio
        raise RuntimeError("an async call runs in an asyncio task")
    alarms = _LOOPS.get(loop)
    if alarms is None:
        alarms = _LOOPS[loop] = _Alarms(loop)
    alarm = Alarm(task, alarms)
    alarms.add(loop.time() + seconds, alarm)
    return alarm
