"""gptge conformance: suno_clients.gptge against specs/gptge.yaml (Bearer, {code: "success", message, data})."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
import respx

import suno_clients.gptge as gptge

from .submit_protocol import LYRICS, MUSIC, SUBMITTED, submit_case, task
from .support import MP3, ConformanceSuite, VendorCase, call, reply

BASE = "https://api.gpt.ge"
CASE = submit_case("gptge", gptge, BASE)


class TestGptgeConformance(ConformanceSuite):
    """The shared suite, plus gptge's string envelope codes and lyrics tasks."""

    case: ClassVar[VendorCase] = CASE

    @pytest.mark.parametrize("code", ["error", "invalid_request", "fail"])
    async def test_an_http_200_whose_code_is_not_success_raises_an_api_status_error(
        self, code: str, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.post(f"{BASE}/suno/submit/music").mock(
            reply(200, {"code": code, "message": "insufficient quota", "data": None})
        )
        with pytest.raises(gptge.APIStatusError) as caught:
            await call(make(), "submit_music", **MUSIC)
        assert caught.value.code == code
        assert caught.value.http_status == 200
        assert "insufficient quota" in str(caught.value)
        assert route.call_count == 1

    async def test_the_status_unknown_is_a_failure(self, make: Callable[..., Any], router: respx.MockRouter) -> None:
        router.get(CASE.poll_url).mock(reply(200, task("UNKNOWN", reason="upstream lost the task")))
        with pytest.raises(gptge.TaskFailedError) as caught:
            await call(make(), "wait", "t-1", timeout=60, poll_interval=5)
        assert caught.value.status == "UNKNOWN"
        assert caught.value.reason == "upstream lost the task"

    async def test_a_clip_in_error_fails_the_task_even_when_the_task_says_success(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        broken = {"id": "clip-a", "status": "error", "audio_url": MP3.format("clip-a")}
        router.get(CASE.poll_url).mock(reply(200, task("SUCCESS", clips=[broken])))
        with pytest.raises(gptge.TaskFailedError):
            await call(make(), "wait", "t-1", timeout=60, poll_interval=5)

    async def test_submit_lyrics_and_wait_returns_the_finished_lyrics_task(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        created = router.post(f"{BASE}/suno/submit/lyrics").mock(reply(200, SUBMITTED))
        lyrics = {
            "code": "success",
            "message": "",
            "data": {
                "task_id": "t-1",
                "action": "LYRICS",
                "status": "SUCCESS",
                "data": {"id": "l-1", "title": "Rain", "text": "[Verse]\nrain", "status": "complete"},
            },
        }
        router.get(CASE.poll_url).mock(side_effect=[reply(200, task("IN_PROGRESS")), reply(200, lyrics)])
        result = await call(make(), "submit_lyrics_and_wait", **LYRICS, timeout=60, poll_interval=5)
        assert created.call_count == 1
        assert result.status == "SUCCESS"
        assert result.clips == ()
        assert result.raw["data"]["data"]["text"] == "[Verse]\nrain"
