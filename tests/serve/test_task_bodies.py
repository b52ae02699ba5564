"""Every body the emulator builds, at every step of a task, validates against its spec and reads as that step.

In process and at fixed instants (no server, no clock): each poll body and callback body is checked with
jsonschema against the documented response component, then read with the clients' own polling code, which must
see the step's stage: pending, partial with a stream URL the spec's pattern recognises, a first clip finished
before the others, success with the emulator's media URLs, failure with the reason.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sunogen import ir
from sunogen.runtime.reading import read_task
from sunogen.runtime.spec_data import Clips, Poll, UrlPattern
from sunogen.serve.answers import Answers
from sunogen.serve.instances import Shapes
from sunogen.serve.spec import load_served
from sunogen.serve.task_bodies import Bodies
from sunogen.serve.timeline import CLIPS_PER_TASK, Moment, Task, Timeline
from tests.spec_files import spec_document

from .harness import SPECS, vendors

BASE = "http://127.0.0.1:9"


@cache
def _document(vendor: str) -> dict[str, Any]:
    return spec_document(vendor)


def assert_valid(vendor: str, component: str, body: object) -> None:
    """jsonschema's verdict (2020-12, formats checked) on a body as the named component of the spec."""
    resource = Resource.from_contents(_document(vendor), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("urn:spec", resource)
    schema = {"$ref": f"urn:spec#/components/schemas/{component}"}
    validator = jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, f"{vendor} {component}: {errors}\n{json.dumps(body, indent=1)[:3000]}"


def _polls() -> list[tuple[str, str]]:
    from .harness import vendor_ir

    return [(v, op.id) for v in vendors() for op in vendor_ir(v).operations if op.poll]


def _descriptor_poll(poll: ir.Poll) -> Poll:
    return Poll(
        status=poll.status,
        pending=poll.pending,
        success=poll.success,
        failure=poll.failure,
        reason=poll.reason,
        clips=poll.clips,
        partial=poll.partial,
        type=poll.type,
        without_clips=poll.without_clips,
        task_id=poll.task_id,
    )


def _descriptor_clips(clips: ir.Clips | None) -> Clips | None:
    if clips is None:
        return None
    return Clips(
        fields=clips.fields,
        pending=clips.pending,
        partial=clips.partial,
        success=clips.success,
        failure=clips.failure,
        streams=tuple(UrlPattern(p.pattern, p.example) for p in clips.streams),
        placeholders=tuple(UrlPattern(p.pattern, p.example) for p in clips.placeholders),
    )


def _task(creator: ir.Operation, *, fails: bool = False, type_: str | None = None) -> Task:
    kind = type_ if type_ is not None else (creator.task.type if creator.task else None)
    return Task("t-0123456789", creator.id, 1000.0, 10.0, fails, kind, BASE, None, None, (("title", "Sea"),))


def _moments(timeline: Timeline, task: Task) -> list[tuple[str, Moment]]:
    """Every distinct moment of a task's run, sampled at fixed instants, named by stage and step."""
    seen: dict[Moment, None] = {}
    for tenth in range(101):
        seen.setdefault(timeline.at(task, task.created + task.seconds * tenth / 100))
    return [(f"{m.stage}-{m.step.index}-{m.finished}", m) for m in seen]


@pytest.mark.parametrize(("vendor", "operation"), _polls())
def test_each_step_of_a_task_validates_and_reads_as_its_stage(vendor: str, operation: str) -> None:
    served = load_served(SPECS, vendor)
    op = served.operation(operation)
    poll = op.poll
    assert poll is not None
    bodies = Bodies(served.vendor, Shapes(served.components))
    creator = next(o for o in served.vendor.operations if o.task and o.task.poll == operation)
    timeline = Timeline(poll, served.vendor.clips)
    clips = _descriptor_clips(served.vendor.clips)
    stages_seen = set()
    for fails in (False, True):
        task = _task(creator, fails=fails)
        for name, moment in _moments(timeline, task):
            status, body = bodies.polled(op, task, moment, BASE)
            assert 200 <= status < 300
            response = next(r for r in op.responses if r.status == str(status))
            assert response.model is not None
            assert_valid(vendor, response.model, body)
            snapshot = read_task(_descriptor_poll(poll), clips, body)
            assert snapshot.stage == moment.stage, (name, body)
            stages_seen.add(snapshot.stage)
            _check_clips(served.vendor, snapshot, moment)
    expected = {"pending", "success", "failure"} | ({"partial"} if timeline_has_partial(timeline) else set())
    assert stages_seen == expected


def timeline_has_partial(timeline: Timeline) -> bool:
    return any(step.stage == "partial" for step in timeline.steps)


def _check_clips(vendor: ir.Vendor, snapshot: Any, moment: Moment) -> None:
    finished = [clip for clip in snapshot.clips if clip.audio_url is not None]
    if moment.stage == "success":
        assert len(finished) == CLIPS_PER_TASK
        for index, clip in enumerate(finished):
            assert clip.audio_url == f"{BASE}/_sunogen/media/t-0123456789/{index}.wav"
            assert clip.duration == 2.0
            assert clip.title == "Sea"
    elif moment.stage == "partial":
        assert len(finished) == moment.finished
        streaming = [clip for clip in snapshot.clips if clip.audio_url is None]
        assert streaming, "a partial step has a clip still streaming"
        patterns = vendor.clips.streams if vendor.clips else ()
        for clip in streaming:
            assert clip.stream_url is not None
            if patterns and "stream_url" not in dict(vendor.clips.fields):  # type: ignore[union-attr]
                assert any(re.search(p.pattern, clip.stream_url, re.IGNORECASE) for p in patterns)
    else:
        assert not finished


def test_a_task_reaches_a_first_finished_clip_before_it_succeeds_where_the_gateway_streams() -> None:
    streaming = [(v, op) for v, op in _polls() if (p := load_served(SPECS, v).operation(op).poll) and p.partial]
    assert streaming, "no shipped spec has a partial status: this test would check nothing"
    for vendor, operation in streaming:
        served = load_served(SPECS, vendor)
        op = served.operation(operation)
        assert op.poll is not None
        creator = next(o for o in served.vendor.operations if o.task and o.task.poll == operation)
        task = _task(creator)
        moments = [m for _, m in _moments(Timeline(op.poll, served.vendor.clips), task)]
        assert [m.finished for m in moments if m.stage == "partial"][-1] == 1


@pytest.mark.parametrize("vendor", [v for v in vendors() if load_served(SPECS, v).vendor.callback])
def test_each_callback_body_validates_against_the_callback_schema_and_parses(vendor: str) -> None:
    import suno_clients
    from suno_clients._runtime.exceptions import TaskFailedError

    served = load_served(SPECS, vendor)
    callback = served.vendor.callback
    assert callback is not None
    bodies = Bodies(served.vendor, Shapes(served.components))
    module = suno_clients.vendor_module(vendor)
    creator = next(o for o in served.vendor.operations if o.task)
    timeline = Timeline(callback.read, served.vendor.clips)
    for fails in (False, True):
        task = _task(creator, fails=fails)
        for _, moment in _moments(timeline, task):
            body = bodies.callback(callback, task, moment)
            assert_valid(vendor, callback.model, body)
            raw = json.dumps(body)
            if moment.stage == "failure":
                with pytest.raises(TaskFailedError):
                    module.parse_callback(raw, {})
                continue
            parsed = module.parse_callback(raw, {})
            assert parsed.task_id == task.id or moment.stage != "success"
            if moment.stage == "success":
                assert len(parsed.clips) == CLIPS_PER_TASK


def _polls_of_tasks_without_clips() -> list[tuple[str, str]]:
    from .harness import vendor_ir

    return [(v, op.id) for v in vendors() for op in vendor_ir(v).operations if op.poll and op.poll.without_clips]


@pytest.mark.parametrize(("vendor", "operation"), _polls_of_tasks_without_clips())
def test_a_task_without_clips_succeeds_without_any(vendor: str, operation: str) -> None:
    served = load_served(SPECS, vendor)
    op = served.operation(operation)
    assert op.poll is not None
    creator = next(o for o in served.vendor.operations if o.task and o.task.poll == operation)
    task = _task(creator, type_=op.poll.without_clips[0])
    _, body = Bodies(served.vendor, Shapes(served.components)).polled(
        op, task, Timeline(op.poll, served.vendor.clips).at(task, 1e12), BASE
    )
    snapshot = read_task(_descriptor_poll(op.poll), _descriptor_clips(served.vendor.clips), body)
    assert (snapshot.stage, snapshot.clips) == ("success", ())


@pytest.mark.parametrize("vendor", vendors())
def test_every_error_kind_of_the_table_gets_a_documented_body_the_table_reads_back(vendor: str) -> None:
    from suno_clients._runtime.errors import match_error

    served = load_served(SPECS, vendor)
    answers = Answers(served.vendor, Shapes(served.components))
    for op in served.vendor.operations:
        rules = op.errors + served.vendor.errors
        for kind in dict.fromkeys(rule.kind for rule in rules):
            answer = answers.choose(op, (kind,))
            read = match_error(rules, status=answer.status, code=answer.code, message=answer.message)  # type: ignore[arg-type]
            assert read is not None, (op.id, kind, answer)
            assert read.kind == kind, (op.id, kind, answer)
            body = answers.body(op, answer)
            documented = next((r for r in op.responses if r.status == str(answer.status)), None)
            if documented is not None and documented.model:
                assert_valid(vendor, documented.model, body)
