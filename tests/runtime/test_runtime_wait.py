"""wait(): ends by its timeout whatever the gateway answers, rides out what the spec calls transient, reports."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from sunogen.runtime.exceptions import (
    APIConnectionError,
    AuthenticationError,
    GenerationFailedError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    SunoError,
    TaskFailedError,
    TaskTimeoutError,
)
from sunogen.runtime.tasks import TaskProgress

from .support import (
    KEY,
    MP3,
    STREAM,
    AcmeClient,
    AsyncAcmeClient,
    AsyncRelayClient,
    CreateResponse,
    FakeClock,
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
DONE = acme_task("success", result=[acme_clip("c1")])


@pytest.mark.parametrize(
    "refusal",
    [
        json_response(503, {"code": 503, "message": "busy"}, **{"Retry-After": "120"}),
        json_response(429, {"code": 429, "message": "slow down"}, **{"Retry-After": "120"}),
        json_response(200, {"code": 429, "message": "slow down"}, **{"Retry-After": "120"}),
    ],
    ids=["503", "429", "429-in-the-envelope"],
)
def test_a_retry_after_longer_than_the_time_left_ends_the_wait_at_once_with_task_timeout_error(
    refusal: httpx.Response, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(TASK_URL).mock(
        side_effect=[json_response(200, acme_task("running")), refusal, json_response(200, DONE)]
    )
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client, pytest.raises(TaskTimeoutError, match="Retry-After") as caught:
        client._wait("t-1", response_model=TaskResponse, timeout=30, poll_interval=5)
    assert clock.now - 1000.0 <= 30.0
    assert max(clock.sleeps) <= 30.0
    assert route.call_count == 2
    assert isinstance(caught.value.__cause__, InternalServerError | RateLimitError)
    assert caught.value.last_status == "running"


def test_a_retry_after_within_the_time_left_is_obeyed_even_past_the_per_call_cap(respx_mock: respx.MockRouter) -> None:
    busy = json_response(503, {"code": 503}, **{"Retry-After": "90"})
    respx_mock.get(TASK_URL).mock(side_effect=[busy, json_response(200, DONE)])
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client:
        client._wait("t-1", response_model=TaskResponse, timeout=600)
    assert clock.sleeps == [90.0]


def test_wait_rides_out_transient_poll_failures_instead_of_giving_up_after_three(respx_mock: respx.MockRouter) -> None:
    failures: list[Any] = [
        httpx.ConnectError("refused"),
        json_response(503, {"code": 503}),
        httpx.ReadTimeout("slow"),
        json_response(502, {"code": 502}),
        json_response(429, {"code": 429}),
        json_response(500, {"code": 500}),
    ]
    route = respx_mock.get(TASK_URL).mock(side_effect=[*failures, json_response(200, DONE)])
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock, max_retries=2) as client:
        result = client._wait("t-1", response_model=TaskResponse, timeout=600)
    assert result.audio_urls == (MP3.format("c1"),)
    assert route.call_count == 7
    # backoff: 0.5 s doubling up to 8 s, each less up to 25% jitter
    for sleep, base in zip(clock.sleeps, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0], strict=True):
        assert 0.75 * base <= sleep <= base


def test_a_failure_the_specs_table_lets_a_query_retry_is_ridden_out(respx_mock: respx.MockRouter) -> None:
    # Acme's table: code 455 is maintenance, which a query may retry.
    maintenance = json_response(200, {"code": 455, "message": "maintenance"})
    route = respx_mock.get(TASK_URL).mock(side_effect=[maintenance, maintenance, json_response(200, DONE)])
    with AcmeClient(KEY, clock=FakeClock()) as client:
        client._wait("t-1", response_model=TaskResponse)
    assert route.call_count == 3


def test_a_failure_the_specs_table_calls_permanent_ends_the_wait(respx_mock: respx.MockRouter) -> None:
    # Acme's table: code 501 is generation failed, which nobody retries.
    failed = respx_mock.get(TASK_URL).mock(json_response(200, {"code": 501, "message": "generation failed"}))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(GenerationFailedError):
        client._wait("t-1", response_model=TaskResponse)
    assert failed.call_count == 1


def test_transient_failures_until_the_deadline_end_in_task_timeout_error_by_the_timeout(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.get(TASK_URL).mock(json_response(503, {"code": 503, "message": "down"}))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client, pytest.raises(TaskTimeoutError, match="down") as caught:
        client._wait("t-1", response_model=TaskResponse, timeout=60)
    assert clock.now - 1000.0 == pytest.approx(60.0)
    assert isinstance(caught.value.__cause__, InternalServerError)


@pytest.mark.parametrize(
    ("status", "error_class"), [(401, AuthenticationError), (404, NotFoundError)], ids=["401", "404"]
)
def test_a_permanent_poll_failure_ends_the_wait_at_once(
    status: int, error_class: type[SunoError], respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(TASK_URL).mock(json_response(status, {"code": status, "message": "no"}))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client, pytest.raises(error_class):
        client._wait("t-1", response_model=TaskResponse)
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "poll",
    [
        json_response(404, {"code": 404, "message": "Task not found"}),
        json_response(200, {"code": 200, "data": {"status": "success", "output": {"result": [{"audio_url": MP3}]}}}),
        httpx.Response(200, text="<html>gateway</html>"),
        json_response(200, acme_task("running")),
        httpx.TooManyRedirects("loop"),
    ],
    ids=["not-found", "finished-clip-without-id", "html", "timeout", "transport"],
)
def test_every_error_after_the_create_carries_the_task_id_and_how_to_resume(
    poll: Any, respx_mock: respx.MockRouter
) -> None:
    create = respx_mock.post(CREATE_URL).mock(json_response(202, {"code": 202, "data": {"task_id": "t-1"}}))
    respx_mock.get(TASK_URL).mock(side_effect=poll if isinstance(poll, Exception) else [poll] * 50)
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(SunoError) as caught:
        client._create_and_wait(
            "create_task", body={}, response_model=CreateResponse, poll_response_model=TaskResponse, timeout=30
        )
    assert create.call_count == 1
    assert caught.value.task_id == "t-1"
    assert "client.wait('t-1')" in str(caught.value)
    assert KEY not in str(caught.value)


def test_a_malformed_task_from_wait_carries_no_key_in_its_request_or_response(respx_mock: respx.MockRouter) -> None:
    no_id = acme_task("success", result=[{"audio_url": MP3.format("c1")}])
    respx_mock.get(TASK_URL).mock(json_response(200, no_id))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(ResponseValidationError) as caught:
        client._wait("t-1", response_model=TaskResponse)
    error = caught.value
    assert "a finished clip has no id" in str(error)
    assert json.loads(error.body or "") == no_id
    assert KEY not in str(error.request.headers.raw)
    assert KEY not in str(error.response.request.headers.raw)


def test_a_poll_failure_that_is_no_transport_failure_ends_the_wait_as_a_connection_error(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.get(TASK_URL).mock(side_effect=httpx.TooManyRedirects("loop"))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(APIConnectionError):
        client._wait("t-1", response_model=TaskResponse)


# -- progress -------------------------------------------------------------------------------------------------------

STAGES = [
    relay_task("SUBMITTED", []),
    relay_task("SUBMITTED", []),
    relay_task("IN_PROGRESS", [relay_clip("a", "streaming", STREAM.format("a")), relay_clip("b", "queued", "")]),
    relay_task(
        "IN_PROGRESS",
        [relay_clip("a", "complete", MP3.format("a")), relay_clip("b", "streaming", STREAM.format("b"))],
    ),
    relay_task("SUCCESS", [relay_clip("a", "complete", MP3.format("a")), relay_clip("b", "complete", MP3.format("b"))]),
]


def seen(progress: list[TaskProgress[Any]]) -> list[tuple[str, str | None, list[tuple[str, str | None, str | None]]]]:
    return [(p.stage, p.status, [(c.id, c.audio_url, c.stream_url) for c in p.clips]) for p in progress]


EXPECTED = [
    ("pending", "SUBMITTED", []),
    ("partial", "IN_PROGRESS", [("a", None, STREAM.format("a")), ("b", None, None)]),
    ("partial", "IN_PROGRESS", [("a", MP3.format("a"), None), ("b", None, STREAM.format("b"))]),
]


def test_on_progress_receives_each_new_status_and_the_clips_so_far(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(RELAY_TASK_URL).mock(side_effect=[json_response(200, body) for body in STAGES])
    progress: list[TaskProgress[Any]] = []
    with RelayClient(KEY, base_url="https://relay.test", clock=FakeClock()) as client:
        result = client._wait("r-1", response_model=RelayResponse, on_progress=progress.append)
    assert seen(progress) == EXPECTED
    assert all(p.task_id == "r-1" and p.vendor == "relayish" for p in progress)
    assert result.audio_urls == (MP3.format("a"), MP3.format("b"))


async def test_async_on_progress_may_be_a_coroutine_function_or_a_plain_one(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(RELAY_TASK_URL).mock(side_effect=[json_response(200, body) for body in STAGES * 2])
    awaited: list[TaskProgress[Any]] = []
    called: list[TaskProgress[Any]] = []

    async def record(progress: TaskProgress[Any]) -> None:
        awaited.append(progress)

    async with AsyncRelayClient(KEY, base_url="https://relay.test", clock=FakeClock()) as client:
        await client._wait("r-1", response_model=RelayResponse, on_progress=record)
        await client._wait("r-1", response_model=RelayResponse, on_progress=called.append)
    assert seen(awaited) == seen(called) == EXPECTED


async def test_async_wait_rides_out_failures_and_stops_at_a_long_retry_after(respx_mock: respx.MockRouter) -> None:
    busy = json_response(503, {"code": 503}, **{"Retry-After": "600"})
    respx_mock.get(TASK_URL).mock(side_effect=[httpx.ConnectError("x"), json_response(502, {}), busy])
    clock = FakeClock()
    async with AsyncAcmeClient(KEY, clock=clock) as client:
        with pytest.raises(TaskTimeoutError):
            await client._wait("t-1", response_model=TaskResponse, timeout=120)
    assert clock.now - 1000.0 < 120


def test_a_clip_exposes_every_field_the_spec_maps(respx_mock: respx.MockRouter) -> None:
    clip = acme_clip("c1") | {"video_url": "https://cdn1.suno.ai/c1.mp4", "play_count": 3, "unmapped": True}
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("success", result=[clip])))
    with AcmeClient(KEY, clock=FakeClock()) as client:
        (got,) = client._wait("t-1", response_model=TaskResponse).clips
    assert (got.video_url, got.tags, got.extra) == ("https://cdn1.suno.ai/c1.mp4", "pop", {"play_count": 3})


# -- the paid task is never lost, whatever ends the call --------------------------------------------------------------

MALFORMED_CREATE = {"code": 202, "message": {"en": "accepted"}, "data": {"task_id": "t-1"}}


def test_a_create_whose_answer_names_its_task_but_breaks_the_model_says_which_task_exists(
    respx_mock: respx.MockRouter,
) -> None:
    create = respx_mock.post(CREATE_URL).mock(json_response(202, MALFORMED_CREATE))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(ResponseValidationError) as caught:
        client._create_and_wait("create_task", body={}, response_model=CreateResponse, poll_response_model=TaskResponse)
    assert create.call_count == 1
    assert caught.value.task_id == "t-1"
    assert "client.wait('t-1')" in str(caught.value)


def test_an_exception_raised_by_on_progress_carries_the_task_it_interrupted(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(CREATE_URL).mock(json_response(202, {"code": 202, "data": {"task_id": "t-1"}}))
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("running")))

    def give_up(progress: TaskProgress[Any]) -> None:
        raise KeyboardInterrupt

    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(KeyboardInterrupt) as caught:
        client._create_and_wait(
            "create_task", body={}, response_model=CreateResponse, poll_response_model=TaskResponse, on_progress=give_up
        )
    assert caught.value.task_id == "t-1"  # type: ignore[attr-defined]
    assert any("client.wait('t-1')" in note for note in caught.value.__notes__)


async def test_a_wait_cancelled_around_create_and_wait_carries_the_task_in_its_cancellation(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.post(CREATE_URL).mock(json_response(202, {"code": 202, "data": {"task_id": "t-1"}}))
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("running")))
    async with AsyncAcmeClient(KEY) as client:
        with pytest.raises(TimeoutError) as caught:
            async with asyncio.timeout(0.2):
                await client._create_and_wait(
                    "create_task",
                    body={},
                    response_model=CreateResponse,
                    poll_response_model=TaskResponse,
                    poll_interval=0.05,
                )
    cancelled = caught.value.__context__
    assert isinstance(cancelled, asyncio.CancelledError)
    assert cancelled.task_id == "t-1"  # type: ignore[attr-defined]


def test_a_failed_or_timed_out_task_keeps_no_echoed_key_in_its_raw_body(respx_mock: respx.MockRouter) -> None:
    failed = acme_task("failure", error=f"key {KEY} is not allowed to use this model")
    respx_mock.get(TASK_URL).mock(json_response(200, failed))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(TaskFailedError) as caught:
        client._wait("t-1", response_model=TaskResponse)
    assert KEY not in json.dumps(caught.value.raw)
    assert "not allowed" in json.dumps(caught.value.raw)

    running = acme_task("running")
    running["data"]["note"] = f"queued for {KEY}"
    respx_mock.get(TASK_URL).mock(json_response(200, running))
    with AcmeClient(KEY, clock=FakeClock()) as client, pytest.raises(TaskTimeoutError) as timed_out:
        client._wait("t-1", response_model=TaskResponse, timeout=10)
    assert KEY not in json.dumps(timed_out.value.raw)
