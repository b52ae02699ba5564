"""Tasks: what a create returns, what a finished wait returns, and the wait's defaults (polling lives in polling)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["DEFAULT_POLL_INTERVAL", "DEFAULT_WAIT_TIMEOUT", "Clip", "NewTask", "TaskResult"]

M = TypeVar("M", bound="BaseModel")
D = TypeVar("D")

DEFAULT_WAIT_TIMEOUT: Final = 600.0
DEFAULT_POLL_INTERVAL: Final = 5.0


@dataclass(frozen=True, slots=True)
class Clip:
    """One finished clip: its audio is a final file, never a stream or a placeholder."""

    id: str
    audio_url: str
    image_url: str | None
    title: str | None
    duration: float | None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class TaskResult(Generic[M]):
    """A finished task: its vendor status word, its clips (empty for a non-audio task), the last body and model."""

    task_id: str
    status: str
    clips: tuple[Clip, ...]
    raw: Any
    response: M

    @property
    def audio_urls(self) -> tuple[str, ...]:
        """The clips' audio URLs, in order."""
        return tuple(clip.audio_url for clip in self.clips)


@dataclass(frozen=True, slots=True)
class NewTask(Generic[D]):
    """A task a create call started: its id, and the response's data (what the gateway said about the task).

    `task_id` is found where the spec's x-sunogen-task says, so it is a string on every gateway, whether the
    gateway answers with a task object or with the bare id; pass it to `wait()`. `data` is the envelope's data
    field as the response model types it (the whole body where the gateway has no envelope data).
    """

    task_id: str
    data: D
