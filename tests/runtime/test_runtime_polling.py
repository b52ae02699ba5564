"""Polling: wait() and create_and_wait() follow the spec's vocabulary to success, failure or timeout."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
import respx

from sunogen.runtime.exceptions import ConfigurationError, ResponseValidationError, TaskFailedError, TaskTimeoutError
from sunogen.runtime.reading import audio_kind, to_seconds
from sunogen.runtime.tasks import Clip

from .support import (
    CLIPS,
    KEY,
    MP3,
    STREAM,
    AcmeClient,
    CreateResponse,
    FakeClock,
    HookClient,
    HookResponse,
    Open,
    RelayClient,
    RelayResponse,
    TaskResponse,
    acme_clip,
    acme_task,
    json_response,
    relay_clip,
    relay_task,
)

TASK_URL = "https://api.acme.test/api/v1/task/t-1"
CREATE_URL = "https://api.acme.test/api/v1/task"
RELAY_TASK_URL = "https://relay.test/suno/fetch/r-1"


def responses(*bodies: dict[str, Any]) -> list[httpx.Response]:
    return [json_response(200, body) for body in bodies]


def test_wait_goes_pending_then_running_then_success(respx_mock: respx.MockRouter) -> None:
    done = acme_task("success", result=[acme_clip("c1", duration="104.88"), acme_clip("c2", duration=128)])
    route = respx_mock.get(TASK_URL).mock(side_effect=responses(acme_task("pending"), acme_task("running"), done))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client:
        result = client._wait("t-1", response_model=TaskResponse, poll_interval=5)
    assert route.call_count == 3
    assert clock.sleeps == [5.0, 6.25]
    assert result.task_id == "t-1"
    assert result.status == "success"
    assert result.clips == tuple(
        Clip(
            id=f"c{n}",
            audio_url=MP3.format(f"c{n}"),
            image_url=f"https://cdn2.suno.ai/image_c{n}.jpeg",
            title="Happy Weekend",
            duration=duration,
            tags="pop",
        )
        for n, duration in ((1, 104.88), (2, 128.0))
    )
    assert result.audio_urls == (MP3.format("c1"), MP3.format("c2"))
    assert result.raw == done
    assert isinstance(result.response, TaskResponse)
    assert result.response.data.status == "success"


def test_wait_returns_at_once_for_a_task_that_is_already_done(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("success", result=[acme_clip("c1")])))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client:
        result = client._wait("t-1", response_model=TaskResponse)
    assert clock.sleeps == []
    assert [clip.id for clip in result.clips] == ["c1"]


PLACEHOLDER = "https://cdn1.suno.ai/None.mp3"


@pytest.mark.parametrize("status", ["failure", "timeout"])
def test_wait_raises_task_failed_with_the_vendor_reason(status: str, respx_mock: respx.MockRouter) -> None:
    failed = acme_task(status, error="Content moderation: lyrics rejected")
    respx_mock.get(TASK_URL).mock(side_effect=responses(acme_task("running"), failed))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(TaskFailedError) as caught:
        client._wait("t-1", response_model=TaskResponse)
    error = caught.value
    assert (error.task_id, error.status, error.vendor) == ("t-1", status, "acme")
    assert error.reason == "Content moderation: lyrics rejected"
    assert "Content moderation" in str(error)
    assert error.raw == failed


def test_failure_reason_falls_back_to_the_next_reason_path(respx_mock: respx.MockRouter) -> None:
    failed = acme_task("failure")
    failed["data"]["output"] = {"status": "failed", "fail_reason": "upstream error"}
    respx_mock.get(TASK_URL).mock(json_response(200, failed))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(TaskFailedError, match="upstream error"):
        client._wait("t-1", response_model=TaskResponse)


def test_wait_raises_task_timeout_with_the_last_status(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(TASK_URL).mock(json_response(200, acme_task("running")))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client, pytest.raises(TaskTimeoutError) as caught:
        client._wait("t-1", response_model=TaskResponse, timeout=60, poll_interval=10)
    error = caught.value
    assert (error.task_id, error.last_status, error.vendor) == ("t-1", "running", "acme")
    assert error.waited == pytest.approx(60.0)
    assert sum(clock.sleeps) == pytest.approx(60.0)
    assert max(clock.sleeps) <= 60
    # the last pause ends at the deadline, so no poll is left to send: one poll before each pause
    assert route.call_count == len(clock.sleeps)
    assert "not finished after 60s" in str(error)
    assert "poll failed" not in str(error)


def test_poll_interval_backs_off_up_to_thirty_seconds(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("pending")))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client, pytest.raises(TaskTimeoutError):
        client._wait("t-1", response_model=TaskResponse, timeout=300, poll_interval=5)
    growth = [b / a for a, b in zip(clock.sleeps, clock.sleeps[1:4], strict=False)]
    assert growth == pytest.approx([1.25, 1.25, 1.25])
    assert max(clock.sleeps) == 30.0


def test_streaming_audio_url_is_not_accepted_as_a_finished_clip(respx_mock: respx.MockRouter) -> None:
    streaming = relay_task("SUCCESS", [relay_clip("c1", "streaming", STREAM.format("c1"))])
    stale = relay_task("SUCCESS", [relay_clip("c1", "complete", STREAM.format("c1"))])
    final = relay_task("SUCCESS", [relay_clip("c1", "complete", MP3.format("c1"))])
    route = respx_mock.get(RELAY_TASK_URL).mock(side_effect=responses(streaming, stale, final))
    with RelayClient(KEY, base_url="https://relay.test", clock=FakeClock()) as client:
        result = client._wait("r-1", response_model=RelayResponse)
    assert route.call_count == 3
    assert result.status == "SUCCESS"
    assert result.audio_urls == (MP3.format("c1"),)


def test_a_placeholder_audio_url_under_a_success_status_fails_the_task_at_once(respx_mock: respx.MockRouter) -> None:
    # the spec's placeholder pattern is what Suno writes once a clip failed: waiting out the timeout would not help
    body = relay_task(
        "SUCCESS", [relay_clip("c1", "complete", MP3.format("c1")), relay_clip("c2", "complete", PLACEHOLDER)]
    )
    route = respx_mock.get(RELAY_TASK_URL).mock(json_response(200, body))
    client = RelayClient(KEY, base_url="https://relay.test", clock=FakeClock())
    with client, pytest.raises(TaskFailedError, match="clip c2 has no audio") as caught:
        client._wait("r-1", response_model=RelayResponse, timeout=30)
    assert route.call_count == 1
    assert MP3.format("c1") in str(caught.value.raw)  # the finished clip is in the error's body


@pytest.mark.parametrize("audio_url", ["", STREAM.format("c1")], ids=["empty", "stream"])
def test_a_missing_or_streaming_audio_url_never_ends_a_wait_as_success(
    audio_url: str, respx_mock: respx.MockRouter
) -> None:
    body = relay_task("SUCCESS", [relay_clip("c1", "complete", audio_url)])
    respx_mock.get(RELAY_TASK_URL).mock(json_response(200, body))
    client = RelayClient(KEY, base_url="https://relay.test", clock=FakeClock())
    with client, pytest.raises(TaskTimeoutError, match="clip c1 is not finished") as caught:
        client._wait("r-1", response_model=RelayResponse, timeout=30)
    assert caught.value.last_status == "SUCCESS"


def test_a_failed_clip_fails_the_task_even_when_the_task_says_success(respx_mock: respx.MockRouter) -> None:
    body = relay_task(
        "SUCCESS",
        [relay_clip("c1", "complete", MP3.format("c1")), relay_clip("c2", "error", "https://cdn1.suno.ai/None.mp3")],
    )
    respx_mock.get(RELAY_TASK_URL).mock(json_response(200, body))
    client = RelayClient(KEY, base_url="https://relay.test", clock=FakeClock())
    with client, pytest.raises(TaskFailedError, match="clip c2 has status error"):
        client._wait("r-1", response_model=RelayResponse)


def test_relay_failure_carries_fail_reason(respx_mock: respx.MockRouter) -> None:
    body = relay_task("FAILURE", [], fail_reason="[Invalid parameter] Invalid value")
    respx_mock.get(RELAY_TASK_URL).mock(json_response(200, body))
    client = RelayClient(KEY, base_url="https://relay.test", clock=FakeClock())
    with client, pytest.raises(TaskFailedError) as caught:
        client._wait("r-1", response_model=RelayResponse)
    assert caught.value.reason == "[Invalid parameter] Invalid value"


def test_a_task_type_the_spec_lists_without_clips_succeeds_with_its_body_and_no_clips(
    respx_mock: respx.MockRouter,
) -> None:
    lyrics = relay_task("SUCCESS", [])
    lyrics["data"]["action"] = "LYRICS"
    lyrics["data"]["data"] = {"id": "l1", "text": "[Verse] ...", "title": "Electric", "status": "complete"}
    respx_mock.get(RELAY_TASK_URL).mock(json_response(200, lyrics))
    with RelayClient(KEY, base_url="https://relay.test", clock=FakeClock()) as client:
        result = client._wait("r-1", response_model=RelayResponse)
    assert result.clips == ()
    assert result.raw["data"]["data"]["text"] == "[Verse] ..."


@pytest.mark.parametrize("clips", [[], None, {"id": "l1", "text": "[Verse] ..."}], ids=["empty", "null", "object"])
def test_a_music_success_without_clips_is_a_malformed_response_never_an_empty_success(
    clips: Any, respx_mock: respx.MockRouter
) -> None:
    body = relay_task("SUCCESS", [])
    body["data"]["data"] = clips
    route = respx_mock.get(RELAY_TASK_URL).mock(json_response(200, body))
    client = RelayClient(KEY, base_url="https://relay.test", clock=FakeClock())
    with client, pytest.raises(ResponseValidationError, match=r"status SUCCESS but no clip at data\.data"):
        client._wait("r-1", response_model=RelayResponse)
    assert route.call_count == 1


def test_unknown_status_keeps_polling_and_times_out_naming_it(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("paused")))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(TaskTimeoutError, match="'paused'"):
        client._wait("t-1", response_model=TaskResponse, timeout=20)


def hook_clip(clip_id: str, state: str, audio_url: str | None = None, duration: Any = "104.88") -> dict[str, Any]:
    return {"clip_id": clip_id, "state": state, "audio_url": audio_url, "duration": duration, "title": "Starts"}


def test_task_status_is_derived_from_clip_states_when_the_vendor_has_none(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://hooky.test/api/v1/suno/task/h-1").mock(
        side_effect=responses(
            {"code": 200, "data": []},
            {"code": 200, "data": [hook_clip("a", "running"), hook_clip("b", "pending")]},
            {"code": 200, "data": [hook_clip("a", "succeeded", MP3.format("a")), hook_clip("b", "running")]},
            {
                "code": 200,
                "data": [hook_clip("a", "succeeded", MP3.format("a")), hook_clip("b", "succeeded", MP3.format("b"))],
            },
        )
    )
    with HookClient(KEY, clock=FakeClock()) as client:
        result = client._wait("h-1", response_model=HookResponse)
    assert route.call_count == 4
    assert result.status == "succeeded"
    assert [(clip.id, clip.duration, clip.status) for clip in result.clips] == [
        ("a", 104.88, "succeeded"),
        ("b", 104.88, "succeeded"),
    ]


def test_a_failed_clip_state_fails_a_task_without_status(respx_mock: respx.MockRouter) -> None:
    body = {"code": 200, "data": [hook_clip("a", "failed") | {"error_message": "copyrighted lyrics"}]}
    respx_mock.get("https://hooky.test/api/v1/suno/task/h-1").mock(json_response(200, body))
    with HookClient(KEY, clock=FakeClock()) as client, pytest.raises(TaskFailedError) as caught:
        client._wait("h-1", response_model=HookResponse)
    assert caught.value.status == "failed"
    assert caught.value.reason == "copyrighted lyrics"


def test_clips_that_are_not_objects_raise_response_validation_error(respx_mock: respx.MockRouter) -> None:
    body = relay_task("SUCCESS", [])
    body["data"]["data"] = ["c1", "c2"]
    respx_mock.get(RELAY_TASK_URL).mock(json_response(200, body))
    client = RelayClient(KEY, base_url="https://relay.test", clock=FakeClock())
    with client, pytest.raises(ResponseValidationError, match="not all objects") as caught:
        client._wait("r-1", response_model=RelayResponse)
    assert caught.value.body is not None
    assert '"c1"' in caught.value.body


def test_create_and_wait_creates_once_then_polls_the_task_it_created(respx_mock: respx.MockRouter) -> None:
    create = respx_mock.post(CREATE_URL).mock(json_response(202, {"code": 202, "data": {"task_id": "t-1"}}))
    poll = respx_mock.get(TASK_URL).mock(
        side_effect=responses(acme_task("pending"), acme_task("success", result=[acme_clip("c1")]))
    )
    with AcmeClient(KEY, clock=FakeClock()) as client:
        result = client._create_and_wait(
            "create_task", body={"model": "suno"}, response_model=CreateResponse, poll_response_model=TaskResponse
        )
    assert create.call_count == 1
    assert poll.call_count == 2
    assert result.audio_urls == (MP3.format("c1"),)


def test_create_and_wait_reads_the_task_id_from_its_alternative_path(respx_mock: respx.MockRouter) -> None:
    # sunoapi.com: task_id inside data (the document) or at the top level (integrators' code).
    respx_mock.post("https://hooky.test/api/v1/suno/create").mock(
        json_response(200, {"code": 200, "task_id": "h-1", "data": None})
    )
    respx_mock.get("https://hooky.test/api/v1/suno/task/h-1").mock(
        json_response(200, {"code": 200, "data": [hook_clip("a", "succeeded", MP3.format("a"))]})
    )
    with HookClient(KEY, clock=FakeClock()) as client:
        result = client._create_and_wait("create", body={}, response_model=Open, poll_response_model=HookResponse)
    assert result.task_id == "h-1"


def test_create_and_wait_without_a_task_id_raises_response_validation_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(CREATE_URL).mock(json_response(202, {"code": 202, "data": {"status": "pending"}}))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(ResponseValidationError, match=r"data\.task_id"):
        client._create_and_wait("create_task", body={}, response_model=Open, poll_response_model=TaskResponse)


def test_wait_rejects_nonsense_arguments() -> None:
    with AcmeClient(KEY, clock=FakeClock()) as client:
        with pytest.raises(ConfigurationError, match="poll_interval"):
            client._wait("t-1", response_model=TaskResponse, poll_interval=0)
        with pytest.raises(ConfigurationError, match="task id"):
            client._wait("", response_model=TaskResponse)
        with pytest.raises(ConfigurationError, match="x-sunogen-poll"):
            client._wait("t-1", response_model=TaskResponse, operation="get_balance")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://cdn1.suno.ai/3435e194.mp3", "file"),
        ("https://audiopipe.suno.ai/?item_id=3435e194", "stream"),
        ("HTTPS://AUDIOPIPE.suno.ai/?item_id=3435e194", "stream"),
        ("https://cdn1.suno.ai/None.mp3", "placeholder"),
        ("https://cdn1.suno.ai/undefined.mp3?x=1", "placeholder"),
        ("https://cdn1.suno.ai/nonesuch.mp3", "file"),
        ("", None),
        (None, None),
        ("not a url", None),
    ],
)
def test_an_audio_url_is_a_file_a_stream_or_a_placeholder_by_the_specs_patterns(url: object, kind: str | None) -> None:
    assert audio_kind(url, CLIPS) == kind


def test_without_patterns_every_http_url_is_a_file() -> None:
    assert audio_kind("https://audiopipe.suno.ai/?item_id=1", None) == "file"
    assert audio_kind("https://cdn1.suno.ai/None.mp3", replace(CLIPS, placeholders=())) == "file"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (128.92, 128.92),
        (240, 240.0),
        ("104.88", 104.88),
        (" 240 ", 240.0),
        ("2:05", 125.0),
        ("1:00:00", 3600.0),
        (None, None),
        (True, None),
        ("soon", None),
        (-1, None),
        ("nan", None),
    ],
)
def test_duration_is_normalised_to_float_seconds(value: object, seconds: float | None) -> None:
    assert to_seconds(value) == seconds
