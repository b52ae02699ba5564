"""A paid create that may have reached the gateway says so: the task may exist, do not send it again blindly.

Whether it may have reached the gateway is read from what failed and when: httpcore reports (real sockets) when the
request starts to leave; a mock transport reports nothing, and then only a failure to connect proves it did not.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import httpx
import pytest
import respx

from sunogen.runtime.exceptions import APIConnectionError, APITimeoutError
from tests.runtime.support import KEY, AcmeClient, AsyncAcmeClient, BalanceResponse, CreateResponse

from .loopback import Connection, serve

CREATE_URL = "https://api.acme.test/api/v1/task"
BALANCE_URL = "https://api.acme.test/api/v1/account/balance"
MAY_EXIST = "the task may exist"

# (failure, the error class raised, whether the task may exist)
FAILURES = [
    (httpx.ReadTimeout("timed out reading"), APITimeoutError, True),
    (httpx.WriteTimeout("timed out writing"), APITimeoutError, True),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."), APIConnectionError, True),
    (httpx.ReadError("connection reset"), APIConnectionError, True),
    (httpx.ConnectError("connection refused"), APIConnectionError, False),
    (httpx.ConnectTimeout("timed out connecting"), APITimeoutError, False),
    (httpx.PoolTimeout("no connection free"), APITimeoutError, False),
]
IDS = [type(failure).__name__ for failure, _, _ in FAILURES]


@pytest.mark.parametrize(("failure", "error_class", "may_exist"), FAILURES, ids=IDS)
def test_a_create_that_failed_after_it_may_have_been_sent_says_the_task_may_exist(
    failure: httpx.RequestError, error_class: type[APIConnectionError], may_exist: bool, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(CREATE_URL).mock(side_effect=failure)
    with AcmeClient(KEY, max_retries=0) as client, pytest.raises(error_class) as caught:
        client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert route.call_count == 1
    assert caught.value.task_may_exist is may_exist
    assert (MAY_EXIST in str(caught.value)) is may_exist
    if may_exist:
        assert "do not send it again blindly" in str(caught.value)


@pytest.mark.parametrize(("failure", "error_class", "may_exist"), FAILURES, ids=IDS)
async def test_an_async_create_that_failed_after_it_may_have_been_sent_says_the_task_may_exist(
    failure: httpx.RequestError, error_class: type[APIConnectionError], may_exist: bool, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post(CREATE_URL).mock(side_effect=failure)
    async with AsyncAcmeClient(KEY, max_retries=0) as client:
        with pytest.raises(error_class) as caught:
            await client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert caught.value.task_may_exist is may_exist


def test_a_query_that_timed_out_creates_nothing_and_says_nothing_of_tasks(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with AcmeClient(KEY, max_retries=0) as client, pytest.raises(APITimeoutError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.task_may_exist is False
    assert MAY_EXIST not in str(caught.value)


def hang_up_after_reading(conn: Connection) -> None:
    """Read the whole create request, then close the connection without a word (the task may well exist)."""
    conn.read_request()


def read_and_stall(conn: Connection) -> None:
    conn.read_request()
    conn.wait_for_hang_up()


def test_a_create_whose_connection_drops_after_sending_is_not_resent_and_may_exist() -> None:
    with (
        serve(hang_up_after_reading, hang_up_after_reading) as (url, log),
        AcmeClient(KEY, base_url=url) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert len(log.requests) == 1
    assert caught.value.task_may_exist is True
    assert MAY_EXIST in str(caught.value)


async def test_an_async_create_that_timed_out_reading_is_not_resent_and_may_exist() -> None:
    with serve(read_and_stall, read_and_stall) as (url, log):
        async with AsyncAcmeClient(KEY, base_url=url, timeout=0.3) as client:
            with pytest.raises(APITimeoutError) as caught:
                await client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert len(log.requests) == 1
    assert caught.value.task_may_exist is True


def test_a_sync_create_that_timed_out_reading_is_not_resent_and_may_exist() -> None:
    with (
        serve(read_and_stall, read_and_stall) as (url, log),
        AcmeClient(KEY, base_url=url, timeout=0.3) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert len(log.requests) == 1
    assert caught.value.task_may_exist is True


def test_a_create_to_a_closed_port_never_left_so_no_task_can_exist() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        AcmeClient(KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert caught.value.task_may_exist is False
    assert MAY_EXIST not in str(caught.value)


# -- transports that report no phases (ASGI, MockTransport): a timeout mid-exchange may hide a created task ----------


class SlowBody(httpx.SyncByteStream):
    """The gateway acted (it is answering) but the rest of its answer comes after the client's deadline."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"code": 200, "data": '
        time.sleep(1.0)
        yield b'{"task_id": "t-1"}}'


def test_a_sync_create_cut_mid_answer_on_an_untraced_transport_is_sent_once_and_may_exist() -> None:
    creates: list[httpx.Request] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        creates.append(request)
        return httpx.Response(200, stream=SlowBody(), headers={"content-type": "application/json"})

    http = httpx.Client(transport=httpx.MockTransport(gateway))
    with AcmeClient(KEY, http_client=http, timeout=0.3) as client, pytest.raises(APITimeoutError) as caught:
        client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert len(creates) == 1
    assert caught.value.task_may_exist is True
    assert MAY_EXIST in str(caught.value)


async def test_an_async_create_that_the_gateway_answers_too_late_on_an_untraced_transport_is_sent_once() -> None:
    creates = 0

    async def gateway(
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        nonlocal creates
        creates += 1
        await receive()
        await asyncio.sleep(1.0)  # the task exists by now; the answer comes after the client's deadline
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"code": 200, "data": {"task_id": "t-1"}}'})

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway))
    async with AsyncAcmeClient(KEY, base_url="http://gw.test", http_client=http, timeout=0.3) as client:
        with pytest.raises(APITimeoutError) as caught:
            await client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert creates == 1
    assert caught.value.task_may_exist is True
