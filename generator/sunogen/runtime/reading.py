"""Reading a task: what a poll response or a callback body says about a task, by the spec's data (spec_data.py).

Pure functions of a decoded body: its stage (pending, partial, success, failure), the vendor's status word, and
its clips under the names every gateway shares. Imported by the first wait or callback, never with the client.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar
from urllib.parse import urlsplit

from .exceptions import TaskFailedError
from .paths import MISSING, first_present, format_paths
from .redaction import scrub_json
from .spec_data import Clips, Poll, UrlPattern
from .tasks import Clip, TaskProgress, TaskResult

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["MalformedTaskError", "Snapshot", "audio_kind", "read_task", "report", "to_seconds"]

M = TypeVar("M", bound="BaseModel")
Stage = Literal["pending", "partial", "success", "failure"]

# Clip fields every gateway's Clip names the same way and types as text; any other mapped field goes to `extra`.
_TEXT_FIELDS: Final = (
    "image_url",
    "title",
    "stream_url",
    "image_large_url",
    "video_url",
    "tags",
    "lyrics",
    "model_name",
)
_OWN_FIELDS: Final = frozenset({"id", "audio_url", "duration", "status", *_TEXT_FIELDS})


class MalformedTaskError(ValueError):
    """The body has a status but not the clips the spec promises with it."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one body says: its stage, the vendor's status word, the clips so far (finished ones on success)."""

    stage: Stage
    status: str | None
    clips: tuple[Clip, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _View:
    clip: Clip | None  # None when the clip has no id yet
    status: str | None
    audio: object  # the audio URL as sent, for messages


@functools.cache
def _compiled(patterns: tuple[UrlPattern, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern.pattern, re.IGNORECASE) for pattern in patterns)


def audio_kind(url: object, clips: Clips | None) -> Literal["file", "stream", "placeholder"] | None:
    """What an audio URL is by the spec's patterns: a finished file, a live stream, a placeholder; None if no URL.

    Only an absolute http(s) URL can be a file or a stream; the patterns are searched in it, case-insensitive.
    """
    if not isinstance(url, str) or not url.strip():
        return None
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if clips is not None:
        if any(p.search(text) for p in _compiled(clips.placeholders)):
            return "placeholder"
        if any(p.search(text) for p in _compiled(clips.streams)):
            return "stream"
    return "file"


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


def read_task(poll: Poll, clips: Clips | None, data: Any) -> Snapshot:
    """Judge one body by the spec's vocabulary; raises MalformedTaskError for clips that are not objects, a
    finished clip without an id, or a success that carries no clip."""
    views = _views(poll, clips, data)
    so_far = tuple(view.clip for view in views or () if view.clip is not None)
    failed = next((v for v in views or () if clips and v.status is not None and v.status in clips.failure), None)
    if poll.status:
        raw_status = first_present(data, poll.status)
        if raw_status is MISSING:
            return Snapshot("pending", None, so_far, note=f"no status at {format_paths(poll.status)}")
        status = str(raw_status)
        if status in poll.failure:
            return Snapshot("failure", status, so_far)
        if failed is not None:
            return Snapshot("failure", status, so_far, note=f"clip {_name(failed)} has status {failed.status}")
        if status in poll.success:
            return _finish(poll, clips, views, status, data)
        if status in poll.partial:
            return Snapshot("partial", status, so_far)
        note = None if status in poll.pending else f"status {status!r} is not in the spec's vocabulary"
        return Snapshot("pending", status, so_far, note=note)
    # No task-level status: the task is as far as its clips.
    if not views:
        return Snapshot("pending", None, note="no clips yet")
    if failed is not None:
        return Snapshot("failure", failed.status, so_far, note=f"clip {_name(failed)} has status {failed.status}")
    success = clips.success if clips else ()
    if all(view.status in success for view in views):
        return _finish(poll, clips, views, None, data)
    behind = next(view for view in views if view.status not in success)
    ahead = (clips.partial if clips else ()) + success
    stage: Stage = "partial" if any(view.status in ahead for view in views) else "pending"
    return Snapshot(stage, behind.status, so_far)


def _finish(poll: Poll, clips: Clips | None, views: list[_View] | None, status: str | None, data: Any) -> Snapshot:
    """A success status: the task is done when every clip is finished (or it is a task without clips)."""
    if poll.type and str(first_present(data, poll.type)) in poll.without_clips:
        so_far = tuple(view.clip for view in views or () if view.clip is not None)
        return Snapshot("success", status, so_far)
    if not views:
        raise MalformedTaskError(f"status {status or 'success'} but no clip at {format_paths(poll.clips)}")
    success = clips.success if clips else ()
    finished: list[Clip] = []
    for view in views:
        if success and view.status is not None and view.status not in success:
            return _partial(views, status or view.status, f"clip {_name(view)} has status {view.status}")
        if view.clip is None or view.clip.audio_url is None:
            if audio_kind(view.audio, clips) == "placeholder":
                # what Suno writes once a clip failed: no later poll brings its audio (research-notes 0.1)
                note = f"clip {_name(view)} has no audio: its URL is a placeholder ({view.audio})"
                return Snapshot("failure", status or view.status, tuple(v.clip for v in views if v.clip), note=note)
            if view.clip is not None or audio_kind(view.audio, clips) != "file":
                shown = view.audio if isinstance(view.audio, str) and view.audio else "no audio URL"
                return _partial(views, status or view.status, f"clip {_name(view)} is not finished ({shown})")
            raise MalformedTaskError(f"a finished clip has no id at {_id_paths(clips)}")
        finished.append(view.clip)
    return Snapshot("success", status or views[0].status, tuple(finished))


def _partial(views: list[_View], status: str | None, note: str) -> Snapshot:
    return Snapshot("partial", status, tuple(view.clip for view in views if view.clip is not None), note=note)


def _name(view: _View) -> str:
    return view.clip.id if view.clip is not None else "(no id)"


def _id_paths(clips: Clips | None) -> str:
    return format_paths(dict(clips.fields).get("id", ()) if clips else ())


def _views(poll: Poll, clips: Clips | None, data: Any) -> list[_View] | None:
    """The clips at the Poll's path: a list, or an object of clip objects keyed by id; None if there is none."""
    found = first_present(data, poll.clips)
    if found is MISSING:
        return None
    if isinstance(found, dict):
        if not found or not all(isinstance(item, dict) for item in found.values()):
            return None  # a single object that is not a clip, e.g. a lyrics result
        found = list(found.values())
    if not isinstance(found, list):
        return None
    if not all(isinstance(item, dict) for item in found):
        raise MalformedTaskError(f"the clips at {format_paths(poll.clips)} are not all objects")
    fields = dict(clips.fields) if clips else {}
    return [_view(fields, clips, item) for item in found]


def _view(fields: dict[str, tuple[tuple[str, ...], ...]], clips: Clips | None, item: dict[str, Any]) -> _View:
    def text(name: str) -> str | None:
        value = first_present(item, fields.get(name, ()), skip_empty=True)
        return None if value is MISSING else str(value).strip()

    raw_id = first_present(item, fields.get("id", ()), skip_empty=True)
    audio = first_present(item, fields.get("audio_url", ()), skip_empty=True)
    kind = audio_kind(audio, clips)
    stream = text("stream_url")
    if stream is None and kind == "stream":
        stream = str(audio).strip()
    status = text("status")
    clip = None
    if raw_id is not MISSING and not isinstance(raw_id, bool | dict | list):
        extra = {
            name: value
            for name, paths in fields.items()
            if name not in _OWN_FIELDS and (value := first_present(item, paths)) is not MISSING
        }
        texts = {name: text(name) for name in _TEXT_FIELDS}
        texts["stream_url"] = stream
        clip = Clip(
            id=str(raw_id),
            audio_url=str(audio).strip() if kind == "file" else None,
            duration=to_seconds(first_present(item, fields.get("duration", ()))),
            status=status,
            extra=extra,
            **texts,
        )
    return _View(clip, status, audio)


def report(
    snapshot: Snapshot,
    *,
    vendor: str,
    task_id: str,
    poll: Poll,
    data: Any,
    model: M,
    scrub: Callable[[str], str],
) -> TaskResult[M] | TaskProgress[M]:
    """The snapshot as what a wait returns or a callback hands over; raises TaskFailedError for a failure."""
    if snapshot.stage == "success":
        return TaskResult(task_id, snapshot.status or "", snapshot.clips, data, model, vendor)
    if snapshot.stage == "failure":
        reason = first_present(data, poll.reason, skip_empty=True)
        text = snapshot.note if reason is MISSING else str(reason)
        raise TaskFailedError(
            task_id,
            None if text is None else scrub(text),
            scrub_json(data, scrub),
            vendor=vendor,
            status=snapshot.status,
        )
    return TaskProgress(task_id, snapshot.stage, snapshot.status, snapshot.clips, data, model, vendor)
