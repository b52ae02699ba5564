"""A task in the gateway's words: the bodies of a create's answer, of a poll and of a callback, and their clips.

Each body is the smallest instance of the documented component with the task's values at the spec's paths: the
envelope's code and message, the task id (x-sunogen-task id, x-sunogen-poll task_id), the status word of the
current step (x-sunogen-poll status), the type word, the failure reason, and the clips, each built from the clip
item schema with its fields at x-sunogen-clips' first path for each. A streaming clip's URL matches the spec's
stream pattern; a finished one plays from the emulator's own media URL; a failed one has the placeholder URL.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, Final

from sunogen import ir
from sunogen.build import thaw

from .instances import Shapes
from .media import AUDIO_SECONDS
from .timeline import CLIPS_PER_TASK, Moment, Stage, Task, stage_words, word

MEDIA_PREFIX: Final = "/_sunogen/media"
STREAM_PREFIX: Final = "/_sunogen/stream"
_ID_LIKE: Final = re.compile(r"[0-9a-fA-F]{6,}(?:-[0-9a-fA-F]{4,})*")
# Clip fields the request may carry under the same name; a clip field may also be named as the request names it
# (its paths' last segment: a `lyrics` read from `prompt`).
_ECHOED: Final = ("title", "tags", "lyrics")


class Bodies:
    """Builds the bodies of one gateway."""

    def __init__(self, vendor: ir.Vendor, shapes: Shapes) -> None:
        self._vendor = vendor
        self._shapes = shapes
        self._clips = vendor.clips
        self._fields: Mapping[str, tuple[ir.JsonPath, ...]] = dict(vendor.clips.fields) if vendor.clips else {}

    # -- what a create answers ------------------------------------------------------------------------------

    def created(self, op: ir.Operation, task_id: str) -> tuple[int, Any]:
        """A create's success status and body: the new task's id at the first of the spec's id paths."""
        status, schema, node = self._success(op)
        if op.task is not None and op.task.id:
            node = self._shapes.put(schema, node, op.task.id[0], task_id)
        return status, node

    def answer(self, op: ir.Operation) -> tuple[int, Any]:
        """Any other operation's success: its first documented example, else the smallest body in the envelope."""
        response = _success_response(op)
        if response.examples:
            return int(response.status), thaw(response.examples[0].value)
        status, _, node = self._success(op)
        return status, node

    def _success(self, op: ir.Operation) -> tuple[int, ir.Schema, Any]:
        response = _success_response(op)
        status = int(response.status)
        schema = self._shapes.component(response.model) if response.model else ir.Schema("")
        node = self._enveloped(schema, self._shapes.minimal(schema), status)
        return status, schema, node

    def _enveloped(self, schema: ir.Schema, node: Any, status: int) -> Any:
        """The envelope's success code (the HTTP status where the spec lists it) and message set in `node`."""
        envelope = self._vendor.envelope
        if envelope.code:
            code = status if status in envelope.success else envelope.success[0]
            node = self._shapes.put(schema, node, (envelope.code,), code)
        if envelope.message:
            node = self._shapes.put(schema, node, (envelope.message,), "success")
        return node

    # -- what a poll and a callback report ------------------------------------------------------------------

    def polled(self, op: ir.Operation, task: Task, moment: Moment, base_url: str) -> tuple[int, Any]:
        """A poll's status and body for the task where it stands."""
        assert op.poll is not None
        status, schema, node = self._success(op)
        return status, self._report(schema, node, op.poll, task, moment, base_url)

    def callback(self, callback: ir.Callback, task: Task, moment: Moment) -> Any:
        """A callback's body for the task where it stands; the envelope's fields too where its schema has them."""
        schema = self._shapes.component(callback.model)
        node = self._shapes.minimal(schema)
        names = {name for name, _ in self._shapes.resolve(schema).properties}
        envelope = self._vendor.envelope
        if envelope.code in names or envelope.message in names:
            node = self._enveloped(schema, node, 200)
        return self._report(schema, node, callback.read, task, moment, task.base_url)

    def _report(self, schema: ir.Schema, node: Any, read: ir.Poll, task: Task, moment: Moment, base_url: str) -> Any:
        put = self._shapes.put
        if read.task_id:
            node = put(schema, node, read.task_id[0], task.id)
        if read.status:
            status = word(stage_words(read, moment.stage), moment.step.index)
            if status is not None:
                node = put(schema, node, read.status[0], status)
        if read.type and task.type is not None:
            node = put(schema, node, read.type[0], task.type)
        if moment.stage == "failure" and read.reason:
            node = put(schema, node, read.reason[0], "the emulator failed this task, as the fail-task fault asked")
        without_clips = task.type is not None and task.type in read.without_clips
        if read.clips and not without_clips and self._shows_clips(read, moment.stage):
            items = self._shapes.items_at(schema, read.clips[0])
            clips = [self._clip(items, task, moment, i, base_url) for i in range(CLIPS_PER_TASK)]
            node = put(schema, node, read.clips[0], clips)
        return node

    def _shows_clips(self, read: ir.Poll, stage: Stage) -> bool:
        """Whether a body at this stage lists the clips: always where the clips carry the task's status; while
        pending where clips have pending words; once they stream or are done; on failure where clips can fail."""
        clips = self._clips
        if not read.status:
            return True
        if stage == "pending":
            return bool(clips and clips.pending)
        if stage == "failure":
            return bool(clips and clips.failure)
        return True

    # -- clips ----------------------------------------------------------------------------------------------

    def _clip(self, schema: ir.Schema, task: Task, moment: Moment, index: int, base_url: str) -> Any:
        values = self.clip_values(task, moment, index, base_url)
        node = self._shapes.minimal(schema)
        for name, value in values.items():
            paths = self._fields.get(name)
            if paths and value is not None:
                node = self._shapes.put(schema, node, paths[0], value)
        return node

    def clip_values(self, task: Task, moment: Moment, index: int, base_url: str) -> dict[str, Any]:
        """One clip's fields by the spec's names, where the task stands."""
        stage = moment.stage
        finished = stage == "success" or index < moment.finished
        clip_id = task.clip_id(index)
        media = f"{base_url}{MEDIA_PREFIX}/{task.id}/{index}"
        values: dict[str, Any] = {"id": clip_id, "created_at": _iso(task.created)}
        values.update(task.details)
        if "title" not in values:
            values["title"] = f"sunogen emulator {task.id[:8]} #{index + 1}"
        clips = self._clips
        if clips is not None:
            clip_stage: Stage = "success" if finished else stage
            values["status"] = word(stage_words(clips, clip_stage), moment.step.index if not finished else 0)
        if finished:
            values.update(audio_url=f"{media}.wav", image_url=f"{media}.png", image_large_url=f"{media}.png")
            values["duration"] = AUDIO_SECONDS
        elif stage == "partial":
            stream = self.stream_url(task, index, base_url)
            values.update(image_url=f"{media}.png", image_large_url=f"{media}.png")
            values["stream_url" if "stream_url" in self._fields else "audio_url"] = stream
        elif stage == "failure" and clips is not None and clips.placeholders:
            values["audio_url"] = clips.placeholders[0].example
        return values

    def stream_url(self, task: Task, index: int, base_url: str) -> str:
        """A live-stream URL for a clip: the emulator's own where it reads as a stream, else the spec's example
        stream URL with the clip's id in place of the example's id (a stream host that is not the emulator)."""
        own = f"{base_url}{STREAM_PREFIX}/{task.id}/{index}.wav"
        patterns = self._clips.streams if self._clips else ()
        # A stream_url field is a stream whatever its URL; an audio_url is one only where a pattern says so.
        if not patterns or "stream_url" in self._fields or _matches(patterns, own):
            return own
        example = patterns[0].example
        swapped = _ID_LIKE.sub(task.clip_id(index), example, count=1)
        return swapped if _matches(patterns, swapped) else example


def _matches(patterns: tuple[ir.UrlPattern, ...], url: str) -> bool:
    return any(re.search(p.pattern, url, re.IGNORECASE) for p in patterns)


def _success_response(op: ir.Operation) -> ir.Response:
    return next(r for r in op.responses if r.status.startswith("2"))


def _iso(unix: float) -> str:
    moment = datetime.datetime.fromtimestamp(unix, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def request_details(vendor: ir.Vendor, body: object) -> tuple[tuple[str, str], ...]:
    """The clip fields a request names (title, tags, lyrics), looked up by the clip field's name or by its paths'
    last segments, at the body's top level or one object down (an `input.title`)."""
    if not isinstance(body, dict) or vendor.clips is None:
        return ()
    fields = dict(vendor.clips.fields)
    places = [body, *(value for value in body.values() if isinstance(value, dict))]
    found: list[tuple[str, str]] = []
    for name in _ECHOED:
        keys = [name, *(path[-1] for path in fields.get(name, ()))]
        value = next(
            (place[key] for key in keys for place in places if isinstance(place.get(key), str) and place[key].strip()),
            None,
        )
        if value is not None:
            found.append((name, value))
    return tuple(found)


__all__ = ["MEDIA_PREFIX", "STREAM_PREFIX", "Bodies", "request_details"]
