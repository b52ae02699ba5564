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

    __slots__ = ("_cancelling", "rang", "task")

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.task: asyncio.Task[Any] | None = task  # None once stopped (or once it rang and was answered for)
        self._cancelling = task.cancelling()
        self.rang = False

    def ring(self) -> None:
        """The deadline passed: cancel the task (the exchange it is in turns that into a timeout)."""
        if self.task is not None and not self.rang:
            self.rang = True
            self.task.cancel()

    def stop(self) -> None:
        """The exchange is over: the alarm must not ring, nor keep the task alive until its deadline.

        It stays in its loop's heap, holding nothing, until the next alarm is set there or the timer rings.
        """
        if not self.rang:
            self.task = None

    def rang_for(self) -> bool:
        """After the exchange caught CancelledError: whether this alarm caused it (its cancellation is then undone,
        as asyncio.timeout does, so a cancellation from elsewhere still stands)."""
        if not self.rang or self.task is None:
            return False
        task, self.task = self.task, None
        return task.uncancel() <= self._cancelling


class _Alarms:
    """The alarms of one event loop: a heap by deadline and one timer, set for the earliest."""

    __slots__ = ("_due", "_handle", "_heap", "_order", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # weakly: the alarms of the loop that set the last one stay reachable from this module (set_alarm), and
        # must not keep a closed loop alive
        self.loop = weakref.ref(loop)
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        # weakly too: a timer holds its loop, and these alarms are reachable from this module (set_alarm)
        self._handle: weakref.ref[asyncio.TimerHandle] | None = None
        self._due = math.inf

    def add(self, when: float, task: asyncio.Task[Any]) -> Alarm:
        """An alarm that cancels `task` at `when` by the loop's clock, unless it is stopped first."""
        heap = self._heap
        # with calls one after another, the alarms stopped since the last one was set are at the top: taking
        # them off here keeps the heap as small as the number of exchanges running
        while heap and heap[0][2].task is None:
            heapq.heappop(heap)
        alarm = Alarm(task)
        heapq.heappush(heap, (when, next(self._order), alarm))
        if when < self._due:
            handle = None if self._handle is None else self._handle()
            if handle is not None:
                handle.cancel()
            self._arm(when)
        return alarm

    def _arm(self, when: float) -> None:
        loop = self.loop()
        if loop is not None:  # it is running: an alarm is only ever set, or rung, from inside the loop
            self._due = when
            self._handle = weakref.ref(loop.call_at(when, self._ring))

    def _ring(self) -> None:
        due, self._due, self._handle = self._due, math.inf, None
        while self._heap and self._heap[0][0] <= due:
            heapq.heappop(self._heap)[2].ring()
        if self._heap:
            self._arm(self._heap[0][0])


_LOOPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Alarms] = weakref.WeakKeyDictionary()
# The alarms of the loop that set the last alarm, found without the weak dictionary: most programs run one loop.
_last: _Alarms | None = None


def set_alarm(seconds: float) -> Alarm:
    """An alarm that cancels the current task in `seconds` (at once, at its next await, when not positive)."""
    global _last  # a cache of one entry, replaced whole
    task = asyncio.current_task()
    if task is None:  # pragma: no cover - an await always runs in a task under asyncio
        raise RuntimeError("an async call runs in an asyncio task")
    loop = task.get_loop()
    alarms = _last
    if alarms is None or alarms.loop() is not loop:
        alarms = _LOOPS.get(loop)
        if alarms is None:
            alarms = _LOOPS[loop] = _Alarms(loop)
        _last = alarms
    return alarms.add(loop.time() + seconds, task)
