"""Staged callbacks and stream URLs: each stage a gateway calls back with reads as polling reads the same stage.

The fixture gateway (tests/fixture_specs/staged.yaml) calls back at text, first, complete and error, gives each
clip a stream URL of its own, and signs `{timestamp}.{body}` with a timestamp header.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx

from tests.runtime.support import FakeClock

from .fixture_package import generated_package

SECRET = "whsec-staged-0123"
NOW = 1_760_000_000
RECORD = "https://staged.invalid/api/v1/generate/record-info?taskId=k-1"


def clip(clip_id: str, *, finished: bool) -> dict[str, Any]:
    return {
        "id": clip_id,
        "audioUrl": f"https://cdn.staged.invalid/{clip_id}.mp3" if finished else "",
        "streamAudioUrl": f"https://stream.staged.invalid/{clip_id}",
        "imageUrl": f"https://cdn.staged.invalid/{clip_id}.jpeg",
        "title": "Night Drive",
        "duration": 198.4 if finished else None,
        "modelName": "chirp-v4",
        "prompt": "[Verse] neon",
    }


def callback(stage: str, clips: list[dict[str, Any]] | None, msg: str = "success") -> bytes:
    code = 500 if stage == "error" else 200
    return json.dumps(
        {"code": code, "msg": msg, "data": {"callbackType": stage, "task_id": "k-1", "data": clips}}
    ).encode()


def signed(body: bytes, stamp: int = NOW, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Webhook-Signature": f"sha256={digest}", "X-Webhook-Timestamp": str(stamp)}


STAGES = {
    "text": callback("text", None),
    "first": callback("first", [clip("a", finished=True), clip("b", finished=False)]),
    "complete": callback("complete", [clip("a", finished=True), clip("b", finished=True)]),
}


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("staged"), "staged") as package:
        yield package.vendor_module("staged")


def test_each_stage_reads_as_progress_then_result_with_stream_urls(staged: ModuleType) -> None:
    got = {stage: staged.parse_callback(raw, signed(raw), secret=SECRET, now=NOW) for stage, raw in STAGES.items()}
    assert (got["text"].stage, got["text"].status, got["text"].clips) == ("pending", "text", ())
    first = got["first"]
    assert (first.stage, first.status, first.task_id) == ("partial", "first", "k-1")
    assert [(c.id, c.finished, c.stream_url) for c in first.clips] == [
        ("a", True, "https://stream.staged.invalid/a"),
        ("b", False, "https://stream.staged.invalid/b"),
    ]
    done = got["complete"]
    assert type(done).__name__ == "TaskResult"
    assert done.audio_urls == ("https://cdn.staged.invalid/a.mp3", "https://cdn.staged.invalid/b.mp3")
    assert [(c.model_name, c.extra) for c in done.clips] == [("chirp-v4", {"prompt": "[Verse] neon"})] * 2
    assert done.response.data.callbackType == "complete"


def test_the_error_stage_raises_task_failed_error_with_the_gateways_message(staged: ModuleType) -> None:
    raw = callback("error", None, msg="Sensitive word detected")
    with pytest.raises(staged.TaskFailedError) as caught:
        staged.parse_callback(raw, signed(raw), secret=SECRET, now=NOW)
    assert (caught.value.task_id, caught.value.status, caught.value.reason) == (
        "k-1",
        "error",
        "Sensitive word detected",
    )


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        (signed(STAGES["complete"], stamp=NOW - 301), "replayed or delayed"),
        (signed(STAGES["complete"], secret="another"), "does not match"),
        ({"X-Webhook-Signature": "sha256=" + "0" * 64}, "X-Webhook-Timestamp"),
        (
            {
                "X-Webhook-Signature": "sha256="
                + hmac.new(SECRET.encode(), STAGES["complete"], hashlib.sha256).hexdigest(),
                "X-Webhook-Timestamp": str(NOW),
            },
            "does not match",
        ),
    ],
    ids=["stale", "wrong-secret", "no-timestamp", "timestamp-not-signed"],
)
def test_the_timestamped_signature_is_checked_before_the_body_is_read(
    staged: ModuleType, headers: dict[str, str], problem: str
) -> None:
    with pytest.raises(staged.CallbackSignatureError, match=problem):
        staged.parse_callback(STAGES["complete"], headers, secret=SECRET, now=NOW)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_polling_reports_the_same_stages_and_stream_urls_as_the_callbacks(staged: ModuleType, mode: str) -> None:
    def record(status: str, clips: list[dict[str, Any]] | None) -> httpx.Response:
        return httpx.Response(200, json={"code": 200, "data": {"status": status, "response": {"sunoData": clips}}})

    answers = [
        record("PENDING", None),
        record("TEXT_SUCCESS", None),
        record("FIRST_SUCCESS", [clip("a", finished=True), clip("b", finished=False)]),
        record("SUCCESS", [clip("a", finished=True), clip("b", finished=True)]),
    ]
    seen: list[Any] = []
    cls = staged.Client if mode == "sync" else staged.AsyncClient
    client = cls(api_key="sk-staged-0123456789", clock=FakeClock())
    with respx.mock(assert_all_mocked=True) as router:
        router.get(RECORD).mock(side_effect=answers)
        result = client.wait("k-1", on_progress=seen.append)
        result = await result if inspect.isawaitable(result) else result
    closed = client.close()
    if inspect.isawaitable(closed):
        await closed
    first = staged.parse_callback(STAGES["first"], signed(STAGES["first"]), secret=SECRET, now=NOW)
    assert [(p.stage, p.status) for p in seen] == [
        ("pending", "PENDING"),
        ("partial", "TEXT_SUCCESS"),
        ("partial", "FIRST_SUCCESS"),
    ]
    assert seen[-1].clips == first.clips
    complete = staged.parse_callback(STAGES["complete"], signed(STAGES["complete"]), secret=SECRET, now=NOW)
    assert result.clips == complete.clips


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_create_and_wait_reports_progress_to_on_progress_too(staged: ModuleType, mode: str) -> None:
    created = httpx.Response(200, json={"code": 200, "data": {"taskId": "k-1"}})
    partial = [clip("a", finished=True), clip("b", finished=False)]
    answers = [
        httpx.Response(200, json={"code": 200, "data": {"status": "FIRST_SUCCESS", "response": {"sunoData": partial}}}),
        httpx.Response(
            200,
            json={"code": 200, "data": {"status": "SUCCESS", "response": {"sunoData": [clip("a", finished=True)]}}},
        ),
    ]
    seen: list[Any] = []
    cls = staged.Client if mode == "sync" else staged.AsyncClient
    client = cls(api_key="sk-staged-0123456789", clock=FakeClock())
    with respx.mock(assert_all_mocked=True) as router:
        router.post("https://staged.invalid/api/v1/generate").mock(created)
        router.get(RECORD).mock(side_effect=answers)
        result = client.create_and_wait(prompt="a calm piano piece", on_progress=seen.append)
        result = await result if inspect.isawaitable(result) else result
    closed = client.close()
    if inspect.isawaitable(closed):
        await closed
    assert [(p.stage, p.status, len(p.clips)) for p in seen] == [("partial", "FIRST_SUCCESS", 2)]
    assert result.audio_urls == ("https://cdn.staged.invalid/a.mp3",)
