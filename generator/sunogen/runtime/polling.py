"""Polling: the state of one wait (its deadline, its pauses, what it reported) as the client's loop feeds it polls.

Imported by the first wait, not with the client: a client that only creates tasks never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import httpx

from .base_client import BaseClient, CallResult, log
from .clock import Clock
from .exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    TaskTimeoutError,
)
from .reading import MalformedTaskError, Snapshot, read_task, report
from .redaction import scrub_json
from .retries import may_retry_error, parse_retry_after, retry_delay
from .spec_data import Clips, Operation, Poll
from .tasks import TaskProgress, TaskResult

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["MalformedTaskError", "Waiter"]

M = TypeVar("M", bound="BaseModel")

# Each pause is 1.25 times the last, up to 30 s (or the caller's interval if larger): quick for short tasks,
# gentle on the gateway for the five-minute ones.
_GROWTH: Final = 1.25
_MAX_POLL_INTERVAL: Final = 30.0


class Waiter(Generic[M]):
    """The state of one wait: deadline, next pause, last snapshot. The client's loop feeds it each poll."""

    def __init__(
        self,
        *,
        vendor: str,
        task_id: str,
        poll: Poll,
        clips: Clips | None,
        timeout: float,
        poll_interval: float,
        clock: Clock,
        scrub: Callable[[str], str],
    ) -> None:
        if not task_id:
            raise ConfigurationError(f"{vendor}: wait() needs a task id", vendor=vendor)
        if not poll_interval > 0 or not timeout >= 0:
            raise ConfigurationError(f"{vendor}: poll_interval must be > 0 and timeout >= 0", vendor=vendor)
        self._vendor = vendor
        self._task_id = task_id
        self._poll = poll
        self._clips = clips
        self._clock = clock
        self._scrub = scrub
        self._start = clock.monotonic()
        self._deadline = self._start + timeout
        self._interval = poll_interval
        self._max_interval = max(poll_interval, _MAX_POLL_INTERVAL)
        self._failures = 0
        self._last_error: APIError | None = None  # the failed poll since the last answer, if any
        self._last: Snapshot | None = None
        self._last_data: Any = None
        self._reported: tuple[object, ...] | None = None

    @classmethod
    def for_client(
        cls, client: BaseClient[Any], task_id: str, poll: Poll, *, timeout: float, poll_interval: float
    ) -> Waiter[M]:
        """The wait of `client` for one task: its vendor's clips, its clock, its redaction."""
        return cls(
            vendor=client.vendor.id,
            task_id=task_id,
            poll=poll,
            clips=client.vendor.clips,
            timeout=timeout,
            poll_interval=poll_interval,
            clock=client._clock,
            scrub=client._redactor.text,
        )

    def observe(self, result: CallResult[M]) -> TaskResult[M] | TaskProgress[M]:
        """The result if the task finished, else its progress; raises TaskFailedError and MalformedTaskError."""
        snapshot = read_task(self._poll, self._clips, result.data)
        self._failures = 0
        self._last_error = None
        self._last = snapshot
        self._last_data = result.data
        log.debug(
            "task %s: %s, status %s%s",
            self._task_id,
            snapshot.stage,
            snapshot.status,
            f" ({snapshot.note})" if snapshot.note else "",
        )
        return report(
            snapshot,
            vendor=self._vendor,
            task_id=self._task_id,
            poll=self._poll,
            data=result.data,
            model=result.model,
            scrub=self._scrub,
        )

    @property
    def deadline(self) -> float:
        """When the wait ends, on the client's clock: each poll is given it, so no poll runs past it either."""
        return self._deadline

    def is_news(self, progress: TaskProgress[M]) -> bool:
        """Whether this progress differs from the last one reported (a new status, stage or clip)."""
        seen = (progress.stage, progress.status, progress.clips)
        if seen == self._reported:
            return False
        self._reported = seen
        return True

    def next_pause(self) -> float:
        """Seconds to sleep before the next poll: the growing interval, never past the deadline.

        Raises TaskTimeoutError once the deadline has passed.
        """
        left = self._deadline - self._clock.monotonic()
        if left <= 0:
            raise self._timeout(None)
        pause = min(self._interval, left)
        self._interval = min(self._interval * _GROWTH, self._max_interval)
        return pause

    def after_failure(self, operation: Operation, error: APIError) -> float | None:
        """The pause before polling again after a failed poll, or None when the failure is permanent.

        Transient are what the spec's error table lets a query retry (a 5xx, a rate limit) and transport failures;
        the pause backs off and honours Retry-After. Raises TaskTimeoutError when the deadline comes first, and at
        once when the gateway asks for a longer pause than the time left.
        """
        after: float | None = None
        if isinstance(error, APIStatusError):
            transient = error.retryable
            after = parse_retry_after(error.response.headers, now=self._clock.time(), cap=None)
        elif isinstance(error, APIConnectionError):
            cause = error.__cause__
            transient = isinstance(cause, httpx.RequestError) and may_retry_error(operation, cause)
        else:
            transient = False
        if not transient:
            return None
        left = self._deadline - self._clock.monotonic()
        if left <= 0:
            if isinstance(error, APITimeoutError) and self._last_error is not None:
                # the poll ran into the wait's own deadline: what the wait last saw is the failure before it
                error = self._last_error
            elif isinstance(error, APITimeoutError):
                raise self._timeout(None) from error
            raise self._timeout(f"the last poll failed: {error}") from error
        self._last_error = error
        if after is not None and after > left:
            detail = f"the gateway asks for a {after:.0f}s pause (Retry-After) and {left:.0f}s are left: {error}"
            raise self._timeout(detail) from error
        pause = retry_delay(self._failures, after)
        self._failures += 1
        log.debug("task %s: poll failed (%s); polling again in %.2fs", self._task_id, type(error).__name__, pause)
        return min(pause, left)

    def _timeout(self, failure: str | None) -> TaskTimeoutError:
        last = self._last
        detail = failure if failure is not None else (last.note if last is not None else None)
        return TaskTimeoutError(
            self._task_id,
            None if last is None else last.status,
            vendor=self._vendor,
            waited=self._clock.monotonic() - self._start,
            detail=None if detail is None else self._scrub(detail),
            raw=scrub_json(self._last_data, self._scrub),
        )
