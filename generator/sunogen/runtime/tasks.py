"""Tasks: what a create returns, what a wait or a callback reports (clips, progress, the result), wait's defaults.

The polling loop lives in polling; these types are imported with the client, so they stay plain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeAlias, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_WAIT_TIMEOUT",
    "AsyncProgressCallback",
    "Clip",
    "NewTask",
    "ProgressCallback",
    "TaskProgress",
    "TaskResult",
]

M = TypeVar("M", bound="BaseModel")
D = TypeVar("D")

DEFAULT_WAIT_TIMEOUT: Final = 600.0
DEFAULT_POLL_INTERVAL: Final = 5.0


@dataclass(frozen=True, slots=True)
class Clip:
    """One clip as the gateway reports it, under the same names for every gateway.

    `audio_url` is set only once the audio is a finished file (never a live stream or a placeholder): every clip
    of a TaskResult has one. `stream_url` is the live stream while the clip renders, where the gateway gives one.
    `extra` holds the other fields the spec maps (by the spec's name), as the gateway sent them.
    """

    id: str
    audio_url: str | None
    image_url: str | None = None
    title: str | None = None
    duration: float | None = None
    status: str | None = None
    stream_url: str | None = None
    image_large_url: str | None = None
    video_url: str | None = None
    tags: str | None = None
    lyrics: str | None = None
    model_name: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def finished(self) -> bool:
        """Whether the clip's audio is a finished file."""
        return self.audio_url is not None


@dataclass(frozen=True, slots=True)
class TaskResult(Generic[M]):
    """A finished task: its vendor status word and clips (each finished; none for a task without audio, such as
    lyrics), the last body as JSON and as its model."""

    task_id: str
    status: str
    clips: tuple[Clip, ...]
    raw: Any
    response: M
    vendor: str

    @property
    def audio_urls(self) -> tuple[str, ...]:
        """The clips' audio URLs, in order."""
        return tuple(clip.audio_url for clip in self.clips if clip.audio_url is not None)


@dataclass(frozen=True, slots=True)
class TaskProgress(Generic[M]):
    """A task still under way: `stage` "pending", or "partial" once clips are coming (a stream, a first clip).

    `status` is the vendor's word for it, `clips` what the body holds so far (unfinished ones have no audio_url).
    """

    task_id: str
    stage: Literal["pending", "partial"]
    status: str | None
    clips: tuple[Clip, ...]
    raw: Any
    response: M
    vendor: str


ProgressCallback: TypeAlias = Callable[[TaskProgress[M]], object]
"""What wait(on_progress=...) calls with each new status and the clips so far."""

AsyncProgressCallback: TypeAlias = Callable[[TaskProgress[M]], Awaitable[object] | object]
"""The async client's on_progress: a plain function or a coroutine function (awaited)."""


@dataclass(frozen=True, slots=True)
class NewTask(Generic[D]):
    """A task a create call started: its id, and the response's data (what the gateway said about the task).

    `task_id` is found where the spec's x-sunogen-task says, so it is a string on every gateway, whether the
    gateway answers with a task object or with the bare id; pass it to `wait()`. `data` is the envelope's data
    field as the response model types it (the whole body where the gateway has no envelope data).
    """

    task_id: str
    data: D
