"""sunoapi conformance: suno_clients.sunoapi against specs/sunoapi.yaml (Bearer, clip states, signed webhooks)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
import respx

import suno_clients.sunoapi as sunoapi
from suno_clients._runtime.tasks import TaskResult

from .support import KEY, MP3, ConformanceSuite, InvalidCall, Json, OperationCase, VendorCase, call, reply

BASE = "https://api.sunoapi.com"
BODY: Json = {
    "prompt": "[Verse]\nRain on the window",
    "tags": "lofi",
    "custom_mode": True,
    "title": "Rain",
    "webhook_url": "https://example.com/hook",
    "webhook_secret": "whsec-1",
}
CREATED: Json = {"code": 200, "data": {"task_id": "t-1"}, "message": "success"}
SECRET = "whsec-0123456789"


def clip(clip_id: str, audio_url: str) -> Json:
    """A succeeded clip (duration as the string the webhook example shows)."""
    return {
        "clip_id": clip_id,
        "state": "succeeded",
        "audio_url": audio_url,
        "title": "Rain",
        "image_url": f"https://cdn1.suno.ai/{clip_id}.jpeg",
        "duration": "104.88",
    }


def task(word: str, *, clips: list[Json] | None = None, reason: str | None = None) -> Json:
    """A get_task body: sunoapi has no task status, only each clip's state."""
    if clips is None:
        clips = [{"clip_id": "clip-a", "state": word, "audio_url": ""}, {"clip_id": "clip-b", "state": word}]
    body: Json = {"code": 200, "data": clips}
    if reason is not None:
        body["message"] = reason
    return body


CASE = VendorCase(
    vendor="sunoapi",
    module=sunoapi,
    auth_header="authorization",
    auth_value=f"Bearer {KEY}",
    operations=(
        OperationCase("create", "POST", f"{BASE}/api/v1/suno/create", BODY, BODY, CREATED, creates_task=True),
        OperationCase("get_task", "GET", f"{BASE}/api/v1/suno/task/t-1", {"task_id": "t-1"}, None, task("running")),
    ),
    invalid_calls=(
        InvalidCall("custom-mode-without-prompt", "create", {"custom_mode": True, "title": "Rain"}),
        InvalidCall("custom-mode-lyrics-over-3000-characters", "create", {**BODY, "prompt": "la " * 1001}),
        InvalidCall("description-of-200-characters-or-more", "create", {"custom_mode": False, "prompt": "x" * 200}),
        InvalidCall("string-instead-of-boolean", "create", {**BODY, "custom_mode": "true"}),
        InvalidCall("unknown-field", "create", {**BODY, "lyrics": "la"}),
        InvalidCall("empty-task-id", "get_task", {"task_id": " "}),
    ),
    create="create",
    query="get_task",
    poll_url=f"{BASE}/api/v1/suno/task/t-1",
    created=CREATED,
    task=task,
    clip=clip,
    ok_code=200,
    error_body=lambda status, message: {"code": status, "message": message},
)


class TestSunoapiConformance(ConformanceSuite):
    """The shared suite, plus sunoapi's response variants."""

    case: ClassVar[VendorCase] = CASE

    @pytest.mark.parametrize(
        "created",
        [
            {"code": 200, "data": {"task_id": "t-1"}, "message": "success"},
            {"code": 200, "task_id": "t-1", "message": "success"},
        ],
        ids=["task-id-inside-data", "task-id-at-top-level"],
    )
    async def test_create_and_wait_finds_the_task_id_inside_data_or_at_the_top_level(
        self, created: Json, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        router.post(f"{BASE}/api/v1/suno/create").mock(reply(200, created))
        finished = task("succeeded", clips=[clip("clip-a", MP3.format("clip-a"))])
        polled = router.get(CASE.poll_url).mock(reply(200, finished))
        result = await call(make(), "create_and_wait", **BODY, timeout=60, poll_interval=5)
        assert polled.call_count == 1
        assert result.task_id == "t-1"

    async def test_a_clip_status_spelt_status_and_a_numeric_duration_are_accepted_and_normalised(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        variant = {"id": "clip-a", "status": "succeeded", "audio_url": MP3.format("clip-a"), "duration": 104}
        router.get(CASE.poll_url).mock(reply(200, task("succeeded", clips=[variant])))
        result = await call(make(), "wait", "t-1", timeout=60, poll_interval=5)
        assert result.clips[0].id == "clip-a"
        assert result.clips[0].duration == 104.0

    async def test_a_string_duration_becomes_float_seconds(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        router.get(CASE.poll_url).mock(reply(200, task("succeeded", clips=[clip("clip-a", MP3.format("clip-a"))])))
        result = await call(make(), "wait", "t-1", timeout=60, poll_interval=5)
        assert result.clips[0].duration == pytest.approx(104.88)

    async def test_one_succeeded_clip_beside_a_running_one_is_not_returned_as_partial_data(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        half = [clip("clip-a", MP3.format("clip-a")), {"clip_id": "clip-b", "state": "running"}]
        router.get(CASE.poll_url).mock(reply(200, task("running", clips=half)))
        with pytest.raises(sunoapi.TaskTimeoutError):
            await call(make(), "wait", "t-1", timeout=30, poll_interval=5)


def sign(body: bytes, secret: str = SECRET) -> str:
    """The hex HMAC-SHA256 of the raw body, as sunoapi sends it in X-Signature."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


RAW = json.dumps({"code": 200, "data": [clip("clip-a", MP3.format("clip-a"))], "task_id": "t-1"}).encode()


@pytest.mark.parametrize("header", ["X-Signature", "x-signature"])
def test_parse_callback_accepts_a_good_signature_of_the_raw_body(header: str) -> None:
    got = sunoapi.parse_callback(RAW, {header: sign(RAW)}, secret=SECRET)
    assert isinstance(got, TaskResult)
    assert (got.task_id, got.status, got.audio_urls) == ("t-1", "succeeded", (MP3.format("clip-a"),))
    payload = got.response
    assert isinstance(payload, sunoapi.WebhookPayload)
    assert payload.data is not None
    assert payload.data[0].clip_id == "clip-a"


def test_parse_callback_accepts_the_raw_body_given_as_text() -> None:
    got = sunoapi.parse_callback(RAW.decode(), {"X-Signature": sign(RAW)}, secret=SECRET)
    assert got.response.code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Signature": ""},
        {"X-Signature": sign(RAW, "another-secret")},
        {"X-Signature": sign(RAW + b" ")},
        {"X-Signature": "not-hex-at-all-é"},
    ],
    ids=["missing", "empty", "wrong-secret", "other-body", "garbage"],
)
def test_parse_callback_rejects_a_missing_or_bad_signature(headers: dict[str, str]) -> None:
    with pytest.raises(sunoapi.CallbackSignatureError):
        sunoapi.parse_callback(RAW, headers, secret=SECRET)


def test_parse_callback_rejects_a_reserialised_body_whose_signature_was_of_the_original_bytes() -> None:
    reserialised = json.dumps(json.loads(RAW), separators=(",", ":")).encode()
    assert reserialised != RAW
    with pytest.raises(sunoapi.CallbackSignatureError):
        sunoapi.parse_callback(reserialised, {"X-Signature": sign(RAW)}, secret=SECRET)


def test_parse_callback_with_a_good_signature_but_a_body_that_is_not_json_is_a_payload_error() -> None:
    raw = b"<html>"
    with pytest.raises(sunoapi.CallbackPayloadError):
        sunoapi.parse_callback(raw, {"X-Signature": sign(raw)}, secret=SECRET)
