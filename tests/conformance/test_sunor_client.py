"""sunor conformance: suno_clients.sunor against specs/sunor.yaml (x-api-key, {code, data}, 202 on create)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
import respx

import suno_clients.sunor as sunor

from .support import KEY, ConformanceSuite, InvalidCall, Json, OperationCase, VendorCase, call, reply

BASE = "https://sunor.cc"
BODY: Json = {
    "model": "suno",
    "task_type": "music",
    "input": {"gpt_description_prompt": "A cheerful acoustic guitar song about summer", "make_instrumental": False},
}
CREATED: Json = {"code": 202, "data": {"task_id": "t-1", "type": "music", "status": "pending", "credits_charged": 10}}


def task(word: str, *, clips: list[Json] | None = None, reason: str | None = None) -> Json:
    """A get_task envelope for task t-1 with sunor's status word."""
    output: Json = {"task_type": "music", "result": clips, "fail_reason": reason}
    return {"code": 200, "data": {"task_id": "t-1", "status": word, "output": output, "error": reason}}


def clip(clip_id: str, audio_url: str) -> Json:
    """An output.result item (duration under metadata, as documented)."""
    return {
        "id": clip_id,
        "audio_url": audio_url,
        "image_url": f"https://cdn1.suno.ai/{clip_id}.jpeg",
        "title": "Summer",
        "metadata": {"duration": 128.9, "tags": "pop"},
    }


CASE = VendorCase(
    vendor="sunor",
    module=sunor,
    auth_header="x-api-key",
    auth_value=KEY,
    operations=(
        OperationCase("create_task", "POST", f"{BASE}/api/v1/task", BODY, BODY, CREATED, creates_task=True),
        OperationCase("get_task", "GET", f"{BASE}/api/v1/task/t-1", {"task_id": "t-1"}, None, task("running")),
        OperationCase(
            "get_balance",
            "GET",
            f"{BASE}/api/v1/account/balance",
            {},
            None,
            {"code": 200, "data": {"available": 950, "frozen": 10, "total": 960}},
        ),
        OperationCase(
            "get_usage",
            "GET",
            f"{BASE}/api/v1/account/usage",
            {},
            None,
            {"code": 200, "data": {"tasks_created": 42, "credits_used": 350, "credits_topped_up": 1000}},
        ),
    ),
    invalid_calls=(
        InvalidCall("missing-every-required-field", "create_task", {}),
        InvalidCall("unknown-field", "create_task", {**BODY, "task_typ": "music"}),
        InvalidCall("input-of-the-wrong-type", "create_task", {**BODY, "input": "a song"}),
        InvalidCall("empty-task-id", "get_task", {"task_id": ""}),
    ),
    create="create_task",
    query="get_task",
    poll_url=f"{BASE}/api/v1/task/t-1",
    created=CREATED,
    task=task,
    clip=clip,
    ok_code=200,
    error_body=lambda status, message: {"code": status, "message": message},
)


class TestSunorConformance(ConformanceSuite):
    """The shared suite, plus sunor's path escaping and timeout status."""

    case: ClassVar[VendorCase] = CASE

    async def test_a_task_id_with_slashes_cannot_reach_another_endpoint(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.get(f"{BASE}/api/v1/task/..%2Faccount%2Fbalance").mock(reply(200, task("pending")))
        await call(make(), "get_task", task_id="../account/balance")
        assert route.call_count == 1

    async def test_wait_treats_sunors_timeout_status_as_a_failure(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        router.get(CASE.poll_url).mock(reply(200, task("timeout", reason="generation timed out upstream")))
        with pytest.raises(sunor.TaskFailedError) as caught:
            await call(make(), "wait", "t-1", timeout=60, poll_interval=5)
        assert caught.value.status == "timeout"
        assert caught.value.reason == "generation timed out upstream"
