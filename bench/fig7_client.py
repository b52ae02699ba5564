"""Figure 7 rows for the client call (figure 4): runtime optimisations, each against the code it replaced.

The "without" side puts back, in this process, the function as it read before: the previous alarm (a weak
dictionary's lookup on every set, the heap swept on every stop, the alarms module imported by every exchange) and
the previous body copy (a call per scalar member). Their savings are a few percent of a call: each row is many short
runs, each beside the other side's.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import weakref
from collections.abc import Callable
from typing import Any

from bench.core import calibrate, make_timer, per_call
from bench.fig7_kept import Kept, async_call_rounds, create_call, replaced

SAMPLE = 0.002
"""Seconds per timed run: a saving of a few percent of a call needs many short runs, each beside the other side's."""
SHARPER = 20
"""Rounds per round of the figure's."""


def rows(rounds: int) -> list[Kept]:
    """The sync rows, then the async alarm's."""

    from bench.fig4_client import OPERATION, VENDOR
    from suno_clients._runtime import request_bodies

    module, point, statement, namespace = create_call()
    serves = f"figure 4, sync `{VENDOR}.{OPERATION}` call"
    without = _putting_back(request_bodies, "to_json", _to_json_a_call_each)
    mine, theirs = _paired(rounds * SHARPER, statement, namespace, without)
    found = [
        Kept(
            "a scalar member copied into the body without a call",
            "runtime/request_bodies.py `to_json`",
            serves,
            tuple(mine),
            tuple(theirs),
        )
    ]
    found.append(asyncio.run(_alarm(rounds, module, point)))
    return found


Context = Callable[[], contextlib.AbstractContextManager[None]]


def _paired(rounds: int, statement: str, namespace: dict[str, Any], without: Context) -> tuple[list[float], ...]:
    """Seconds per call of `statement` as it is and inside `without()`, in alternating short runs."""
    timer = make_timer(statement, namespace)
    number = calibrate(timer, SAMPLE)
    mine: list[float] = []
    theirs: list[float] = []
    for index in range(rounds):
        sides = [(contextlib.nullcontext, mine), (without, theirs)]
        for context, into in sides if index % 2 == 0 else sides[::-1]:
            with context():
                into.append(per_call(timer, number))
    return mine, theirs


def _putting_back(owner: Any, attribute: str, previous: Any) -> Context:
    return lambda: replaced(owner, attribute, previous)


def _to_json_a_call_each(value: Any) -> Any:
    from suno_clients._runtime.request_bodies import _SCALARS, _other_to_json

    if type(value) is dict:
        return {key: _to_json_a_call_each(member) for key, member in value.items()}
    if type(value) is list:
        return [_to_json_a_call_each(item) for item in value]
    if type(value) in _SCALARS:
        return value
    return _other_to_json(value)


class _PreviousAlarm:
    """alarms.Alarm as it was: a stop sweeps its loop's heap."""

    __slots__ = ("_alarms", "_cancelling", "_task", "rang", "stopped")

    def __init__(self, task: Any, alarms: _PreviousAlarms) -> None:
        self._task = task
        self._alarms = alarms
        self._cancelling = task.cancelling()
        self.rang = False
        self.stopped = False

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            if not self.rang:
                self._task = None
            self._alarms.drop_stopped()

    def ring(self) -> None:
        if self._task is not None and not self.rang:
            self.rang = True
            self._task.cancel()

    def rang_for(self) -> bool:
        if not self.rang or self._task is None:
            return False
        task, self._task = self._task, None
        return bool(task.uncancel() <= self._cancelling)


class _PreviousAlarms:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, _PreviousAlarm]] = []
        self._order = itertools.count()
        self._handle: asyncio.TimerHandle | None = None
        self._due = math.inf

    def add(self, when: float, alarm: _PreviousAlarm) -> None:
        heapq.heappush(self._heap, (when, next(self._order), alarm))
        if when < self._due:
            if self._handle is not None:
                self._handle.cancel()
            self._due = when
            self._handle = self._loop.call_at(when, self._ring)

    def drop_stopped(self) -> None:
        heap = self._heap
        while heap and heap[0][2].stopped:
            heapq.heappop(heap)

    def _ring(self) -> None:  # pragma: no cover - the bench's deadlines never pass
        due, self._due, self._handle = self._due, math.inf, None
        while self._heap and self._heap[0][0] <= due:
            heapq.heappop(self._heap)[2].ring()


_PREVIOUS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _PreviousAlarms] = weakref.WeakKeyDictionary()


def _previous_set_alarm(seconds: float) -> _PreviousAlarm:
    # as set_alarm was: the running loop, its task, a weak dictionary's lookup, and the alarms module imported by
    # the exchange on every call (the import statement it had)
    from suno_clients._runtime import alarms as _imported  # noqa: F401 - the import the previous exchange made

    loop = asyncio.get_running_loop()
    task = asyncio.current_task(loop)
    alarms = _PREVIOUS.get(loop)
    if alarms is None:
        alarms = _PREVIOUS[loop] = _PreviousAlarms(loop)
    alarm = _PreviousAlarm(task, alarms)
    alarms.add(loop.time() + seconds, alarm)
    return alarm


async def _alarm(rounds: int, module: Any, point: Any) -> Kept:
    from bench.fig4_client import OPERATION, VENDOR
    from suno_clients._runtime import alarms

    mine, theirs = await async_call_rounds(
        module, point, rounds * SHARPER, SAMPLE, lambda: replaced(alarms, "set_alarm", _previous_set_alarm)
    )
    return Kept(
        "an alarm set through the last loop's alarms (no weak dictionary's lookup) and stopped without a heap sweep",
        "runtime/alarms.py `set_alarm`, `Alarm.stop`; runtime/exchange.py `alarms`",
        f"figure 4, async `{VENDOR}.{OPERATION}` call",
        mine,
        theirs,
    )
