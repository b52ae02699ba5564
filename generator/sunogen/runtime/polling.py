"""Polling: read a task's status and clips by the spec's Poll paths and decide when a wait is over.

Imported by the first wait, not with the client: a client that only creates tasks never loads it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar
from urllib.parse import urlsplit

from .base_client import CallResult, log
from .clock import Clock
from .descriptors import Poll
from .exceptions import ConfigurationError, ResponseValidationError, TaskFailedError, TaskTimeoutError
from .paths import MISSING, first_present, format_paths
from .tasks import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT, Clip, TaskResult

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_WAIT_TIMEOUT",
    "Clip",
    "Snapshot",
    "TaskResult",
    "Waiter",
    "inspect_task",
    "is_final_audio_url",
    "to_seconds",
]

M = TypeVar("M", bound="BaseModel")

# Each pause is 1.25 times the last, up to 30 s (or the caller's interval if larger): quick for short tasks,
# gentle on the gateway for the five-minute ones.
_GROWTH: Final = 1.25
_MAX_POLL_INTERVAL: Final = 30.0
# Suno serves a live stream from audiopipe while a clip renders, and stringified nulls once it fails.
_STREAMING_HOSTS: Final = frozenset({"audiopipe.suno.ai"})
_PLACEHOLDER_FILES: Final = frozenset({"none.mp3", "null.mp3", "undefined.mp3"})


class MalformedTaskError(ValueError):
    """The body has the status but not the clip shape the spec describes."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one poll says: pending, success or failure; the vendor's status word; finished clips; why not done."""

    state: Literal["pending", "success", "failure"]
    status: str | None
    clips: tuple[Clip, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _ClipView:
    id: str | None
    audio_url: Any
    image_url: str | None
    title: str | None
    duration: float | None
    status: str | None


def is_final_audio_url(url: object) -> bool:
    """True for an http(s) URL of a real file: not empty, not an audiopipe stream, not `.../None.mp3`."""
    if not isinstance(url, str) or not url.strip():
        return False
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname in _STREAMING_HOSTS or parts.hostname.startswith("audiopipe."):
        return False
    return parts.path.rsplit("/", 1)[-1].lower() not in _PLACEHOLDER_FILES


def to_seconds(value: object) -> float | None:
    """A duration as float seconds from a number, a numeric string ("104.88") or "m:ss"; None if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            parts = text.split(":")
            if not 2 <= len(parts) <= 3 or not all(part.strip().replace(".", "", 1).isdigit() for part in parts):
                return None
            seconds = 0.0
            for part in parts:
                seconds = seconds * 60 + float(part)
    else:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def inspect_task(poll: Poll, data: Any) -> Snapshot:
    """Judge one poll body by the spec's vocabulary; raises MalformedTaskError if clips are not objects."""
    views = _clip_views(poll, data)
    if poll.status:
        raw_status = first_present(data, poll.status)
        if raw_status is MISSING:
            return Snapshot("pending", None, note=f"no status at {format_paths(poll.status)}")
        status = str(raw_status)
        if status in poll.failure:
            return Snapshot("failure", status)
        if status not in poll.success:
            note = None if status in poll.pending else f"status {status!r} is not in the spec's vocabulary"
            return Snapshot("pending", status, note=note)
        if views is None:  # a finished task without a clip list (lyrics): nothing to check
            return Snapshot("success", status)
        return _judge_clips(poll, views, status)
    # No task-level status (sunoapi): the task is as done as its clips.
    if not views:
        return Snapshot("pending", None, note="no clips yet")
    return _judge_clips(poll, views, None)


def _judge_clips(poll: Poll, views: list[_ClipView], status: str | None) -> Snapshot:
    if not views:
        return Snapshot("pending", status, note=f"status {status} but no clips yet")
    for view in views:
        if view.status is not None and view.status in poll.clip_failure:
            return Snapshot("failure", status or view.status, note=f"clip {view.id} has status {view.status}")
    clips: list[Clip] = []
    for view in views:
        if poll.clip_success and view.status is not None and view.status not in poll.clip_success:
            return Snapshot("pending", status or view.status, note=f"clip {view.id} has status {view.status}")
        if not is_final_audio_url(view.audio_url):
            shown = view.audio_url if isinstance(view.audio_url, str) and view.audio_url else "no audio URL"
            return Snapshot("pending", status or view.status, note=f"clip {view.id} is not finished ({shown})")
        if view.id is None:
            raise MalformedTaskError(f"a clip has no id at {format_paths(poll.clip_id)}")
        clips.append(Clip(view.id, view.audio_url.strip(), view.image_url, view.title, view.duration, view.status))
    return Snapshot("success", status or views[0].status, tuple(clips))


def _clip_views(poll: Poll, data: Any) -> list[_ClipView] | None:
    """The clips at the Poll's path: a list, or an object of clip objects keyed by id; None if there is none."""
    found = first_present(data, poll.clips)
    if found is MISSING:
        return None
    if isinstance(found, dict):
        if not found or not all(isinstance(item, dict) for item in found.values()):
            return None  # a single non-clip object, e.g. a lyrics result
        found = list(found.values())
    if not isinstance(found, list):
        return None
    if not all(isinstance(item, dict) for item in found):
        raise MalformedTaskError(f"the clips at {format_paths(poll.clips)} are not all objects")
    return [_clip_view(poll, item) for item in found]


def _clip_view(poll: Poll, item: dict[str, Any]) -> _ClipView:
    clip_id = first_present(item, poll.clip_id, skip_empty=True)
    status = first_present(item, poll.clip_status) if poll.clip_status else MISSING
    return _ClipView(
        id=None if clip_id is MISSING or isinstance(clip_id, bool) else str(clip_id),
        audio_url=first_present(item, poll.clip_audio_url),
        image_url=_text(first_present(item, poll.clip_image_url, skip_empty=True)),
        title=_text(first_present(item, poll.clip_title)),
        duration=to_seconds(first_present(item, poll.clip_duration)),
        status=None if status is MISSING else str(status),
    )


def _text(value: object) -> str | None:
    return None if value is MISSING or value is None else str(value)


class Waiter(Generic[M]):
    """The state of one wait: deadline, next pause, last snapshot. The client's loop feeds it each poll."""

    def __init__(
        self,
        *,
        vendor: str,
        task_id: str,
        poll: Poll,
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
        self._clock = clock
        self._scrub = scrub
        self._start = clock.monotonic()
        self._deadline = self._start + timeout
        self._interval = poll_interval
        self._max_interval = max(poll_interval, _MAX_POLL_INTERVAL)

    def observe(self, result: CallResult[M]) -> TaskResult[M] | None:
        """The result if the task finished; raises on failure, on a malformed body and past the deadline."""
        try:
            snapshot = inspect_task(self._poll, result.data)
        except MalformedTaskError as exc:
            message = self._scrub(f"{self._vendor}: malformed task response: {exc}")
            body = self._scrub(result.response.text)
            raise ResponseValidationError(message, response=result.response, body=body, vendor=self._vendor) from None
        log.debug(
            "task %s: %s, status %s%s",
            self._task_id,
            snapshot.state,
            snapshot.status,
            f" ({snapshot.note})" if snapshot.note else "",
        )
        if snapshot.state == "success":
            return TaskResult(self._task_id, snapshot.status or "", snapshot.clips, result.data, result.model)
        if snapshot.state == "failure":
            reason = first_present(result.data, self._poll.reason, skip_empty=True)
            text = snapshot.note if reason is MISSING else str(reason)
            raise TaskFailedError(
                self._task_id,
                None if text is None else self._scrub(text),
                result.data,
                vendor=self._vendor,
                status=snapshot.status,
            )
        waited = self._clock.monotonic() - self._start
        if self._clock.monotonic() >= self._deadline:
            detail = None if snapshot.note is None else self._scrub(snapshot.note)
            raise TaskTimeoutError(
                self._task_id, snapshot.status, vendor=self._vendor, waited=waited, detail=detail, raw=result.data
            )
        return None

    def next_pause(self) -> float:
        """Seconds to sleep before the next poll: the growing interval, never past the deadline."""
        pause = max(0.0, min(self._interval, self._deadline - self._clock.monotonic()))
        self._interval = min(self._interval * _GROWTH, self._max_interval)
        return pause
