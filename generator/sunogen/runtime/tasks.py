"""Tasks: what a finished wait returns, and the wait's defaults (the polling loop itself lives in polling)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["DEFAULT_POLL_INTERVAL", "DEFAULT_WAIT_TIMEOUT", "Clip", "TaskResult"]

M = TypeVar("M", bound="BaseModel")

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
