"""AsyncAPIClient: the async twins of the main sync behaviours (same base, awaited transport and sleeps)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from sunogen.runtime.exceptions import (
    APITimeoutError,
    InternalServerError,
    PaymentRequiredError,
    ResponseValidationError,
    ServiceUnavailableError,
    SunoError,
    TaskFailedError,
    TaskTimeoutError,
)

from .support import (
    KEY,
    MP3,
    STREAM,
    AsyncAcmeClient,
    AsyncHookClient,
    AsyncRelayClient,
    BalanceResponse,
    CreateResponse,
    FakeClock,
    RelayResponse,
    TaskResponse,
    acme_clip,
    acme_task,
    json_response,
    relay_clip,
    relay_task,
)

BALANCE_URL = "https://api.acme.test/api/v1/account/balance"
CREATE_URL = "https://api.acme.test/api/v1/task"
TASK_URL = "https://api.acme.test/api/v1/task/t-1"
BALANCE = {"code": 200, "data": {"available": 950, "frozen": 10}}


async def test_async_auth_header_path_and_exact_body(respx_mock: respx.MockRouter) -> None:
    create = respx_mock.post(CREATE_URL).mock(json_response(202, {"code": 202, "data": {"task_id": "t-1"}}))
    body = {"model": "suno", "input": {"prompt": "x"}}
    async with AsyncAcmeClient(KEY) as client:
        created = await client._call("create_task", body=body, response_model=CreateResponse)
    request = create.calls.last.request
    assert request.headers["x-api-key"] == KEY
    assert json.loads(request.content) == body
    assert created.data is not None
    assert created.data.task_id == "t-1"


async def test_async_bearer_vendor_sends_authorization_bearer(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://relay.test/suno/fetch/r-1").mock(
        json_response(200, relay_task("SUCCESS", [relay_clip("c1", "complete", MP3.format("c1"))]))
    )
    async with AsyncRelayClient(KEY, base_url="https://relay.test") as client:
        await client._call("fetch_task", params={"task_id": "r-1"}, response_model=RelayResponse)
    assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"


async def test_async_context_manager_closes_the_client() -> None:
    async with AsyncAcmeClient(KEY) as client:
        assert not client.is_closed
    assert client.is_closed


@pytest.mark.parametrize(("code", "error_class"), [(402, PaymentRequiredError), (455, ServiceUnavailableError)])
async def test_async_envelope_failure_with_http_200_raises_the_typed_error(
    code: int, error_class: type[SunoError], respx_mock: respx.MockRouter
) -> None:
    respx_mock.post(CREATE_URL).mock(json_response(200, {"code": code, "message": "no", "data": None}))
    async with AsyncAcmeClient(KEY) as client:
        with pytest.raises(error_class):
            await client._call("create_task", body={}, response_model=CreateResponse)


async def test_async_malformed_body_raises_response_validation_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(httpx.Response(200, text="<html>oops</html>"))
    async with AsyncAcmeClient(KEY) as client:
        with pytest.raises(ResponseValidationError) as caught:
            await client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.body == "<html>oops</html>"


async def test_async_create_call_is_not_retried_after_a_read_timeout(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(CREATE_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
    async with AsyncAcmeClient(KEY, clock=FakeClock()) as client:
        with pytest.raises(APITimeoutError):
            await client._call("create_task", body={}, response_model=CreateResponse)
    assert route.call_count == 1


async def test_async_create_call_is_not_retried_after_a_503(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(CREATE_URL).mock(json_response(503, {"code": 503}))
    async with AsyncAcmeClient(KEY, clock=FakeClock()) as client:
        with pytest.raises(InternalServerError):
            await client._call("create_task", body={}, response_model=CreateResponse)
    assert route.call_count == 1


async def test_async_create_call_is_retried_after_a_connect_error_and_a_429(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(CREATE_URL).mock(
        side_effect=[
            httpx.ConnectError("refused"),
            json_response(429, {"code": 429}, **{"Retry-After": "2"}),
            json_response(202, {"code": 202, "data": {"task_id": "t-1"}}),
        ]
    )
    clock = FakeClock()
    async with AsyncAcmeClient(KEY, clock=clock) as client:
        await client._call("create_task", body={}, response_model=CreateResponse)
    assert route.call_count == 3
    assert clock.sleeps[1] == 2.0


async def test_async_query_call_is_retried_on_503_honouring_retry_after(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(
        side_effect=[json_response(503, {"code": 503}, **{"Retry-After": "4"}), json_response(200, BALANCE)]
    )
    clock = FakeClock()
    async with AsyncAcmeClient(KEY, clock=clock) as client:
        balance = await client._call("get_balance", response_model=BalanceResponse)
    assert balance.data.available == 950
    assert route.call_count == 2
    assert clock.sleeps == [4.0]


async def test_async_wait_goes_pending_then_running_then_success(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(TASK_URL).mock(
        side_effect=[
            json_response(200, acme_task("pending")),
            json_response(200, acme_task("running")),
            json_response(200, acme_task("success", result=[acme_clip("c1", duration="60")])),
        ]
    )
    clock = FakeClock()
    async with AsyncAcmeClient(KEY, clock=clock) as client:
        result = await client._wait("t-1", response_model=TaskResponse)
    assert clock.sleeps == [5.0, 6.25]
    assert [(clip.id, clip.duration) for clip in result.clips] == [("c1", 60.0)]


async def test_async_wait_raises_task_failed_and_task_timeout(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("failure", error="refunded")))
    respx_mock.get("https://api.acme.test/api/v1/task/t-2").mock(json_response(200, acme_task("running")))
    async with AsyncAcmeClient(KEY, clock=FakeClock()) as client:
        with pytest.raises(TaskFailedError, match="refunded"):
            await client._wait("t-1", response_model=TaskResponse)
        with pytest.raises(TaskTimeoutError) as caught:
            await client._wait("t-2", response_model=TaskResponse, timeout=30)
    assert caught.value.last_status == "running"


async def test_async_streaming_url_is_not_accepted(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://relay.test/suno/fetch/r-1").mock(
        side_effect=[
            json_response(200, relay_task("IN_PROGRESS", [relay_clip("c1", "streaming", STREAM.format("c1"))])),
            json_response(200, relay_task("SUCCESS", [relay_clip("c1", "complete", MP3.format("c1"))])),
        ]
    )
    async with AsyncRelayClient(KEY, base_url="https://relay.test", clock=FakeClock()) as client:
        result = await client._wait("r-1", response_model=RelayResponse)
    assert route.call_count == 2
    assert result.audio_urls == (MP3.format("c1"),)


async def test_async_create_and_wait(respx_mock: respx.MockRouter) -> None:
    from .support import HookResponse, Open

    respx_mock.post("https://hooky.test/api/v1/suno/create").mock(
        json_response(200, {"code": 200, "data": {"task_id": "h-1"}, "message": "success"})
    )
    respx_mock.get("https://hooky.test/api/v1/suno/task/h-1").mock(
        json_response(
            200, {"code": 200, "data": [{"clip_id": "a", "state": "succeeded", "audio_url": MP3.format("a")}]}
        )
    )
    async with AsyncHookClient(KEY, clock=FakeClock()) as client:
        result = await client._create_and_wait(
            "create", body={"prompt": "x"}, response_model=Open, poll_response_model=HookResponse
        )
    assert (result.task_id, result.status, result.audio_urls) == ("h-1", "succeeded", (MP3.format("a"),))


async def test_async_exceptions_never_carry_the_key(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(json_response(401, {"code": 401, "message": f"Invalid API key {KEY}"}))
    async with AsyncAcmeClient(KEY) as client:
        with pytest.raises(SunoError) as caught:
            await client._call("get_balance", response_model=BalanceResponse)
        assert KEY not in repr(client)
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)
