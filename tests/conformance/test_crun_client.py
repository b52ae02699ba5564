"""crun conformance: suno_clients.crun against specs/crun.yaml (x-api-key, {code, message, data}, codes in HTTP 200)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
import respx

import suno_clients.crun as crun
from suno_clients._runtime.tasks import TaskResult

from .support import KEY, MP3, ConformanceSuite, InvalidCall, Json, OperationCase, VendorCase, call, reply

BASE = "https://api.crun.ai"
BODY: Json = {
    "model": "suno/music-generate",
    "callback_url": "https://example.com/hook",
    "input": {"mode": "simple", "model": "v5", "instrumental": False, "prompt": "a calm piano piece"},
}
CREATED: Json = {"code": 200, "message": "success", "data": {"task_id": "t-1"}}
PERSONA: Json = {
    "task_id": "t-1",
    "suno_id": "clip-a",
    "name": "Velvet",
    "description": "A warm alto",
    "vocal_start": 12.5,
    "vocal_end": 42.0,
    "style": "soul",
}


def task(word: str, *, clips: list[Json] | None = None, reason: str | None = None) -> Json:
    """A TaskInfo envelope for task t-1 with crun's status word."""
    result: Json | None = None
    if clips is not None:
        result = {"suno_data": clips}
    elif reason is not None:
        result = {"code": 501, "message": reason}
    return {"code": 200, "message": "success", "data": {"task_id": "t-1", "status": word, "result": result}}


def clip(clip_id: str, audio_url: str) -> Json:
    """A suno_data item."""
    return {
        "id": clip_id,
        "audio_url": audio_url,
        "image_url": f"https://cdn1.suno.ai/{clip_id}.jpeg",
        "title": "Calm",
        "duration": 98.5,
    }


CASE = VendorCase(
    vendor="crun",
    module=crun,
    auth_header="x-api-key",
    auth_value=KEY,
    operations=(
        OperationCase(
            "create_task", "POST", f"{BASE}/api/v1/client/job/CreateTask", BODY, BODY, CREATED, creates_task=True
        ),
        OperationCase(
            "get_task_info",
            "GET",
            f"{BASE}/api/v1/client/job/TaskInfo?task_id=t-1",
            {"task_id": "t-1"},
            None,
            task("running"),
        ),
        OperationCase(
            "create_persona",
            "POST",
            f"{BASE}/api/v1/client/job/suno-persona-generate",
            PERSONA,
            PERSONA,
            {"code": 200, "message": "success", "data": {"persona_id": "persona_123456"}},
            creates_task=True,
        ),
    ),
    invalid_calls=(
        InvalidCall(
            "custom-mode-without-title-tags-or-lyrics",
            "create_task",
            {"model": "suno/music-generate", "input": {"mode": "custom", "model": "v5"}},
        ),
        InvalidCall("wrong-model-const", "create_task", {**BODY, "model": "suno/other"}),
        InvalidCall("unknown-field", "create_task", {**BODY, "modle": "x"}),
        InvalidCall(
            "v4-lyrics-too-long",
            "create_task",
            {**BODY, "input": {"mode": "custom", "model": "v4", "title": "t", "tags": "pop", "lyrics": "x" * 3001}},
        ),
        InvalidCall("simple-mode-without-prompt", "create_task", {**BODY, "input": {"mode": "simple", "model": "v5"}}),
        InvalidCall("empty-task-id", "get_task_info", {"task_id": None}),
        InvalidCall("persona-vocal-start-as-text", "create_persona", {**PERSONA, "vocal_start": "12.5"}),
    ),
    create="create_task",
    query="get_task_info",
    poll_url=f"{BASE}/api/v1/client/job/TaskInfo?task_id=t-1",
    created=CREATED,
    task=task,
    clip=clip,
    ok_code=200,
    error_body=lambda status, message: {"code": status, "message": message, "data": None},
)


class TestCrunConformance(ConformanceSuite):
    """The shared suite, plus crun's own envelope codes and callback."""

    case: ClassVar[VendorCase] = CASE

    @pytest.mark.parametrize(
        ("code", "error_class"),
        [
            (455, crun.ServiceUnavailableError),
            (501, crun.GenerationFailedError),
            (505, crun.FeatureDisabledError),
            (402, crun.PaymentRequiredError),
            (422, crun.UnprocessableEntityError),
        ],
    )
    async def test_an_error_code_inside_an_http_200_envelope_raises_its_family_exception(
        self, code: int, error_class: type[Any], make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.post(f"{BASE}/api/v1/client/job/CreateTask").mock(
            reply(200, {"code": code, "message": "maintenance or failure", "data": None})
        )
        with pytest.raises(error_class) as caught:
            await call(make(), "create_task", **BODY)
        assert caught.value.status_code == code
        assert caught.value.http_status == 200
        assert caught.value.code == code
        assert "maintenance or failure" in str(caught.value)
        assert route.call_count == 1

    async def test_a_501_envelope_on_a_query_is_not_retried(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.get(CASE.poll_url).mock(reply(200, {"code": 501, "message": "failed", "data": None}))
        with pytest.raises(crun.GenerationFailedError):
            await call(make(), "get_task_info", task_id="t-1")
        assert route.call_count == 1

    async def test_the_task_id_is_url_encoded_into_the_query_string(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.get(f"{BASE}/api/v1/client/job/TaskInfo").mock(reply(200, task("pending")))
        await call(make(), "get_task_info", task_id="a b&c=d")
        assert route.calls.last.request.url.params["task_id"] == "a b&c=d"


def test_parse_callback_reads_the_task_info_payload_as_the_result_a_wait_returns() -> None:
    body = json.dumps(task("success", clips=[clip("clip-a", MP3.format("clip-a"))])["data"])
    got = crun.parse_callback(body.encode())
    assert isinstance(got, TaskResult)
    assert (got.task_id, got.status, got.audio_urls) == ("t-1", "success", (MP3.format("clip-a"),))
    info = got.response
    assert isinstance(info, crun.TaskInfo)
    assert info.result is not None
    assert info.result.suno_data is not None
    assert info.result.suno_data[0].audio_url == MP3.format("clip-a")


def test_parse_callback_of_a_failed_task_raises_task_failed_error_with_crun_s_reason() -> None:
    body = json.dumps(task("failed", reason="lyrics rejected")["data"])
    with pytest.raises(crun.TaskFailedError) as caught:
        crun.parse_callback(body)
    assert (caught.value.task_id, caught.value.reason) == ("t-1", "lyrics rejected")


def test_parse_callback_with_a_secret_is_refused_because_crun_does_not_sign() -> None:
    with pytest.raises(crun.ConfigurationError):
        crun.parse_callback(b"{}", {}, secret="s3cret")


def test_parse_callback_rejects_a_body_that_is_not_json() -> None:
    with pytest.raises(crun.CallbackPayloadError):
        crun.parse_callback(b"<html>", {})
