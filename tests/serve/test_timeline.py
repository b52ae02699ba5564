"""A task's run: the gateway's status words in the spec's order, an equal share of the time each, then its end."""

from __future__ import annotations

from sunogen import ir
from sunogen.serve.timeline import Moment, Step, Task, Timeline

POLL = ir.Poll(
    status=(("status",),),
    pending=("queued", "submitted"),
    success=("done",),
    failure=("failed",),
    reason=(),
    clips=(("clips",),),
    partial=("streaming",),
)
CLIP_STATUS = ir.Clips(fields=(), pending=("waiting",), partial=("playing",), success=("ready",), failure=("broken",))


def _task(created: float = 1000.0, seconds: float = 3.0, *, fails: bool = False) -> Task:
    return Task("t", "create", created, seconds, fails, None, "http://127.0.0.1:9", None, None)


def test_the_steps_are_the_pending_then_the_partial_words_each_for_an_equal_share_of_the_time() -> None:
    timeline = Timeline(POLL, None)
    task = _task()
    seen = [timeline.at(task, 1000.0 + t).step for t in (0.0, 0.9, 1.0, 1.9, 2.0, 2.9)]
    assert (
        seen
        == [Step("pending", 0), Step("pending", 0), Step("pending", 1), Step("pending", 1)] + [Step("partial", 0)] * 2
    )
    assert timeline.at(task, 1003.0) == Moment(Step("success"), 2)


def test_the_first_clip_is_finished_in_the_second_half_of_the_last_partial_step() -> None:
    timeline = Timeline(POLL, None)
    assert timeline.at(_task(), 1002.4).finished == 0
    assert timeline.at(_task(), 1002.6).finished == 1


def test_a_failing_task_ends_in_failure_with_no_clip_finished_on_the_way() -> None:
    timeline = Timeline(POLL, None)
    assert timeline.at(_task(fails=True), 1002.6).finished == 0
    assert timeline.at(_task(fails=True), 1003.0) == Moment(Step("failure"), 0)


def test_a_gateway_without_a_task_status_runs_through_its_clip_status_words() -> None:
    clip_level = ir.Poll(status=(), pending=(), success=(), failure=(), reason=(), clips=(("data",),))
    assert Timeline(clip_level, CLIP_STATUS).steps == (Step("pending", 0), Step("partial", 0))


def test_the_end_is_the_terminal_stage_even_where_the_clock_rounds_below_it() -> None:
    # 1796182385.1290684 + 0.6 - 1796182385.1290684 is 0.5999999 in floating point
    task = _task(created=1796182385.1290684, seconds=0.6)
    assert Timeline(POLL, None).changes(task)[-1] == (task.created + 0.6, Moment(Step("success"), 2))


def test_a_task_of_zero_seconds_has_ended_when_it_is_created() -> None:
    assert Timeline(POLL, None).at(_task(seconds=0), 1000.0).stage == "success"
