"""Tasks: what the emulator keeps of a created task, and where it stands at any instant of its run.

A task runs for its `seconds` from creation through the gateway's own status vocabulary: each pending word, then
each partial word, in the spec's order, for an equal share of the time each, then success (or failure when a
fault asked for it). A gateway without a task-level status (its clips carry the status) runs through its clip
status words instead. In the second half of the last partial step the first clip is finished while the others
still stream, as Suno reports a first clip ready. Where a task stands is a pure function of the time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sunogen import ir

Stage = Literal["pending", "partial", "success", "failure"]

CLIPS_PER_TASK = 2
"""Suno makes two clips per generation."""


@dataclass(frozen=True, slots=True)
class Task:
    """A created task: how it was asked for and how it will run. Frozen: a task never changes once created."""

    id: str
    operation: str  # the operation that created it
    created: float  # unix seconds
    seconds: float  # how long it runs
    fails: bool  # ends in failure (the fail-task fault)
    type: str | None  # the type word its poll reports (x-sunogen-task type)
    base_url: str  # the emulator's URL as the creating request reached it: where its media are
    callback_url: str | None
    secret: str | None  # signs its callbacks
    details: tuple[tuple[str, str], ...] = ()  # clip fields echoed from the request (title, tags, lyrics...)

    def clip_id(self, index: int) -> str:
        """The id of one of the task's clips: stable, and unique across tasks."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sunogen-emulator:{self.id}:{index}"))


@dataclass(frozen=True, slots=True)
class Step:
    """One stretch of a task's run: its stage and the index of its word among that stage's words."""

    stage: Stage
    index: int = 0


@dataclass(frozen=True, slots=True)
class Moment:
    """Where a task stands: its step, and how many of its clips are finished (the first one during the last
    partial step's second half)."""

    step: Step
    finished: int = 0

    @property
    def stage(self) -> Stage:
        """The step's stage."""
        return self.step.stage


class Timeline:
    """The steps of a task's run, from a poll's status vocabulary (or the clips', where the task has none)."""

    def __init__(self, poll: ir.Poll, clips: ir.Clips | None) -> None:
        if poll.status:
            pending, partial = len(poll.pending), len(poll.partial)
        else:
            pending, partial = (len(clips.pending), len(clips.partial)) if clips else (0, 0)
        steps = [Step("pending", i) for i in range(pending)] + [Step("partial", i) for i in range(partial)]
        self.steps: tuple[Step, ...] = tuple(steps) or (Step("pending"),)

    def at(self, task: Task, now: float) -> Moment:
        """Where `task` stands at unix time `now`."""
        elapsed = now - task.created
        if elapsed >= task.seconds:
            return self.end(task)
        share = task.seconds / len(self.steps)
        position = max(0.0, elapsed) / share
        index = min(int(position), len(self.steps) - 1)
        step = self.steps[index]
        last = index == len(self.steps) - 1
        first_ready = step.stage == "partial" and last and position - index >= 0.5 and not task.fails
        return Moment(step, 1 if first_ready else 0)

    def changes(self, task: Task) -> tuple[tuple[float, Moment], ...]:
        """Each step the task goes through with the unix time it starts at, its end last."""
        share = task.seconds / len(self.steps)
        moments = [(task.created + i * share, Moment(step)) for i, step in enumerate(self.steps)]
        # The end is named, not computed by at(): created + seconds - created may round to just below seconds.
        return (*moments, (task.created + task.seconds, self.end(task)))

    def end(self, task: Task) -> Moment:
        """Where the task ends: failure if a fault asked for it, else success with every clip finished."""
        return Moment(Step("failure" if task.fails else "success"), 0 if task.fails else CLIPS_PER_TASK)


def word(words: tuple[str, ...], index: int) -> str | None:
    """The `index`th word of a stage's vocabulary, the last one past its end; None for a stage without words."""
    return words[min(index, len(words) - 1)] if words else None


def stage_words(read: ir.Poll | ir.Clips, stage: Stage) -> tuple[str, ...]:
    """The words of one stage in a vocabulary (a poll's, a callback's or the clips')."""
    vocabulary: dict[str, tuple[str, ...]] = {
        "pending": read.pending,
        "partial": read.partial,
        "success": read.success,
        "failure": read.failure,
    }
    return vocabulary[stage]
