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

    __slots__ = ("_cancelling", "_task", "rang")

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self._task: asyncio.Task[Any] | None = task
        self._cancelling = task.cancelling()
        self.rang = False

    @property
    def stopped(self) -> bool:
        """Whether the alarm can no longer ring (stopped, or rang and answered for)."""
        return self._task is None

    def ring(self) -> None:
        """The deadline passed: cancel the task (the exchange it is in turns that into a timeout)."""
        if self._task is not None and not self.rang:
            self.rang = True
            self._task.cancel()

    def stop(self) -> None:
        """The exchange is over: the alarm must not ring, nor keep the task alive until its deadline.

        It stays in its loop's heap, holding nothing, until the next alarm is set there or its timer rings.
        """
        if not self.rang:
            self._task = None

    def rang_for(self) -> bool:
        """After the exchange caught CancelledError: whether this alarm caused it (its cancellation is then undone,
        as asyncio.timeout does, so a cancellation from elsewhere still stands)."""
        if not self.rang or self._task is None:
            return False
        task, self._task = self._task, None
        return task.uncancel() <= self._cancelling


class _Alarms:
    """The alarms of one event loop: a heap by deadline and one timer, set for the earliest."""

    __slots__ = ("__weakref__", "_due", "_handle", "_heap", "_loop", "_order")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # weakly: the last loop's alarms stay reachable from this module after the loop is gone (see set_alarm)
        self._loop = weakref.ref(loop)
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._handle: asyncio.TimerHandle | None = None
        self._due = math.inf

    def runs_in(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Whether these are `loop`'s alarms."""
        return self._loop() is loop

    def add(self, loop: asyncio.AbstractEventLoop, seconds: float, alarm: Alarm) -> None:
        """Ring `alarm` in `seconds` by `loop`'s clock, unless it is stopped first."""
        heap = self._heap
        # with calls one after another, the alarms stopped since the last one was set are at the top: taking
        # them off here keeps the heap as small as the number of exchanges running
        while heap and heap[0][2].stopped:
            heapq.heappop(heap)
        when = loop.time() + seconds
        heapq.heappush(heap, (when, next(self._order), alarm))
        if when < self._due:
            if self._handle is not None:
                self._handle.cancel()
            self._arm(loop, when)

    def _arm(self, loop: asyncio.AbstractEventLoop, when: float) -> None:
        self._due = when
        self._handle = loop.call_at(when, self._ring, loop)

    def _ring(self, loop: asyncio.AbstractEventLoop) -> None:
        due, self._due, self._handle = self._due, math.inf, None
        while self._heap and self._heap[0][0] <= due:
            heapq.heappop(self._heap)[2].ring()
        if self._heap:
            self._arm(loop, self._heap[0][0])


_LOOPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Alarms] = weakref.WeakKeyDictionary()
# The alarms of the loop that set the last alarm, found without a weak dictionary's lookup: most programs run one.
_last: _Alarms | None = None


def set_alarm(seconds: float) -> Alarm:
    """An alarm that cancels the current task in `seconds` (at once, at its next await, when not positive)."""
    global _last  # a cache of one entry, replaced whole
    task = asyncio.current_task()
    if task is None:  # pragma: no cover - an await always runs in a task under asyncio
        raise RuntimeError("an async call runs in an asyncio task")
    loop = task.get_loop()
    alarms = _last
    if alarms is None or not alarms.runs_in(loop):
        alarms = _LOOPS.get(loop)
        if alarms is None:
            alarms = _LOOPS[loop] = _Alarms(loop)
        _last = alarms
    alarm = Alarm(task)
    alarms.add(loop, seconds, alarm)
    return alarm
