"""Every call ends by its deadline, however slowly the server answers (real sockets on loopback), sync and async.

No test here measures time: each server would go on for tens of seconds, and the test asserts that the client
gave up (a timeout error) and hung up while the server still had bytes to send.
"""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import threading
import time
import weakref

import httpx
import pytest
import respx

from sunogen.runtime import alarms, watchdog
from sunogen.runtime.exceptions import APITimeoutError, InternalServerError, TaskTimeoutError
from tests.runtime.support import (
    KEY,
    AcmeClient,
    AsyncAcmeClient,
    BalanceResponse,
    FakeClock,
    TaskResponse,
    json_response,
)

from .loopback import Connection, response, serve

BALANCE = json.dumps({"code": 200, "data": {"available": 950, "frozen": 10}}).encode()
# JSON allows trailing whitespace: a valid body that takes 0.1 s a byte, 30 s in all, to drip out
SLOW_BODY = BALANCE + b" " * 300
DRIP = 0.1
TIMEOUT = 0.5
BALANCE_URL = "https://api.acme.test/api/v1/account/balance"


def drip_body(conn: Connection) -> None:
    """Status line and headers at once, then the body one byte every 0.1 s."""
    conn.read_request()
    head, _, body = response(SLOW_BODY).partition(b"\r\n\r\n")
    conn.send(head + b"\r\n\r\n")
    conn.drip(body, DRIP)


def drip_everything(conn: Connection) -> None:
    """The whole answer, status line included, one byte every 0.1 s."""
    conn.read_request()
    conn.drip(response(SLOW_BODY), DRIP)


def never_answer(conn: Connection) -> None:
    """Read the request and say nothing until the client hangs up."""
    conn.read_request()
    conn.wait_for_hang_up()


def answer_then_drip_everything(conn: Connection) -> None:
    """A good answer on a keep-alive connection, then the next answer dripped on the same connection."""
    conn.read_request()
    conn.send(response(BALANCE))
    drip_everything(conn)


SLOW_SERVERS = [drip_body, drip_everything]


@pytest.mark.parametrize("script", SLOW_SERVERS, ids=lambda s: s.__name__)
def test_a_server_that_drips_its_answer_cannot_hold_a_sync_call_past_its_timeout(script: object) -> None:
    with serve(script) as (url, log), AcmeClient(KEY, base_url=url, timeout=TIMEOUT, max_retries=0) as client:  # type: ignore[arg-type]
        with pytest.raises(APITimeoutError, match="before the deadline"):
            client._call("get_balance", response_model=BalanceResponse)
        assert log.hung_up.wait(10)
        assert not log.finished.is_set()


@pytest.mark.parametrize("script", SLOW_SERVERS, ids=lambda s: s.__name__)
async def test_a_server_that_drips_its_answer_cannot_hold_an_async_call_past_its_timeout(script: object) -> None:
    with serve(script) as (url, log):  # type: ignore[arg-type]
        async with AsyncAcmeClient(KEY, base_url=url, timeout=TIMEOUT, max_retries=0) as client:
            with pytest.raises(APITimeoutError, match="before the deadline"):
                await client._call("get_balance", response_model=BalanceResponse)
        assert log.hung_up.wait(10)
        assert not log.finished.is_set()


def answer_then_drip_endless_headers(conn: Connection) -> None:
    """A good answer on a keep-alive connection, then a status line and headers that never end (a byte a tenth)."""
    conn.read_request()
    conn.send(response(BALANCE))
    conn.read_request()
    conn.drip(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 3000, DRIP)


def test_a_sync_reused_connection_that_trickles_its_headers_is_cut_at_the_deadline() -> None:
    outcome: list[BaseException | None] = []

    def second_call(client: AcmeClient) -> None:
        try:
            client._call("get_balance", response_model=BalanceResponse)
            outcome.append(None)
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    with serve(answer_then_drip_endless_headers) as (url, log):
        client = AcmeClient(KEY, base_url=url, timeout=TIMEOUT, max_retries=0)
        assert client._call("get_balance", response_model=BalanceResponse).data.available == 950
        caller = threading.Thread(target=second_call, args=(client,), daemon=True)
        caller.start()
        # the headers would take five minutes to drip: only the deadline can end the call this side of that
        caller.join(15)
        assert not caller.is_alive(), "the sync call was still reading the dripped headers"
        assert isinstance(outcome[0], APITimeoutError)
        assert len(log.requests) == 2  # the second call went over the first call's connection
        assert log.hung_up.wait(10)
        client.close()


async def test_an_async_reused_connection_that_trickles_its_headers_is_cut_at_the_deadline() -> None:
    with serve(answer_then_drip_everything) as (url, log):
        async with AsyncAcmeClient(KEY, base_url=url, timeout=TIMEOUT, max_retries=0) as client:
            first = await client._call("get_balance", response_model=BalanceResponse)
            assert first.data.available == 950
            with pytest.raises(APITimeoutError):
                await client._call("get_balance", response_model=BalanceResponse)
        assert len(log.requests) == 2
        assert log.hung_up.wait(10)


def test_the_callers_deadline_ends_a_sync_call_long_before_the_clients_timeout() -> None:
    with serve(never_answer) as (url, log), AcmeClient(KEY, base_url=url, timeout=60.0, max_retries=0) as client:
        with pytest.raises(APITimeoutError):
            client._request(
                "get_balance", body=None, params=None, response_model=BalanceResponse, deadline=time.monotonic() + 0.3
            )
        assert log.hung_up.wait(10)


async def test_the_callers_deadline_ends_an_async_call_long_before_the_clients_timeout() -> None:
    with serve(never_answer) as (url, log):
        async with AsyncAcmeClient(KEY, base_url=url, timeout=60.0, max_retries=0) as client:
            with pytest.raises(APITimeoutError):
                await client._request(
                    "get_balance",
                    body=None,
                    params=None,
                    response_model=BalanceResponse,
                    deadline=time.monotonic() + 0.3,
                )
        assert log.hung_up.wait(10)


def test_a_deadline_already_past_sends_nothing(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("https://api.acme.test/api/v1/task").mock(json_response(200, {"code": 200}))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client, pytest.raises(APITimeoutError) as caught:
        client._request(
            "create_task", body={}, params=None, response_model=BalanceResponse, deadline=clock.monotonic() - 1
        )
    assert route.call_count == 0
    assert caught.value.task_may_exist is False


def test_a_retry_that_could_not_start_before_the_deadline_is_not_made(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(json_response(503, {"code": 503}, **{"Retry-After": "30"}))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client, pytest.raises(InternalServerError):
        client._request(
            "get_balance", body=None, params=None, response_model=BalanceResponse, deadline=clock.monotonic() + 10
        )
    assert route.call_count == 1
    assert clock.sleeps == []


def test_a_retry_that_fits_before_the_deadline_is_made(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(
        side_effect=[json_response(503, {"code": 503}, **{"Retry-After": "3"}), httpx.Response(200, content=BALANCE)]
    )
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client:
        result = client._request(
            "get_balance", body=None, params=None, response_model=BalanceResponse, deadline=clock.monotonic() + 10
        )
    assert result.model.data.available == 950
    assert route.call_count == 2
    assert clock.sleeps == [3.0]


def test_each_timeout_sent_to_httpx_is_capped_by_the_callers_deadline(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(httpx.Response(200, content=BALANCE))
    clock = FakeClock()
    with AcmeClient(KEY, clock=clock) as client:
        client._request(
            "get_balance", body=None, params=None, response_model=BalanceResponse, deadline=clock.monotonic() + 4
        )
    assert route.calls.last.request.extensions["timeout"] == {"connect": 4.0, "read": 4.0, "write": 4.0, "pool": 4.0}


class _Socket(socket.socket):
    """A socket whose shutdown is only recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.shut = threading.Event()

    def shutdown(self, how: int) -> None:
        self.shut.set()


class _Stream:
    def __init__(self) -> None:
        self.sock = _Socket()

    def get_extra_info(self, name: str) -> object:
        return self.sock if name == "socket" else None


def test_the_watchdog_shuts_down_the_socket_of_an_exchange_still_running_at_its_deadline() -> None:
    stream = _Stream()
    watch = watchdog.Watch()
    watch.track(stream)
    watchdog.watch(time.monotonic(), watch)
    assert stream.sock.shut.wait(10)
    assert watch.expired
    stream.sock.close()


def test_the_watchdog_never_touches_the_socket_of_a_finished_exchange() -> None:
    # finish() comes before the connection goes back to the pool: shutting it down then would kill another call
    stream = _Stream()
    watch = watchdog.Watch()
    watch.track(stream)
    watch.finish()
    with watchdog.LOCK:
        watch.expire()
    assert not stream.sock.shut.is_set()
    assert not watch.expired
    stream.sock.close()


async def test_a_cancellation_from_elsewhere_stays_a_cancellation_and_is_not_called_a_timeout() -> None:
    with serve(never_answer) as (url, log):
        async with AsyncAcmeClient(KEY, base_url=url, timeout=60.0, max_retries=0) as client:
            call = asyncio.ensure_future(client._call("get_balance", response_model=BalanceResponse))
            while not log.requests:  # the request has reached the server: the call is waiting for its answer
                await asyncio.sleep(0.01)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
        assert log.hung_up.wait(10)


async def test_alarms_of_finished_calls_do_not_pile_up(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(httpx.Response(200, content=BALANCE))
    async with AsyncAcmeClient(KEY) as client:
        for _ in range(200):
            await client._call("get_balance", response_model=BalanceResponse)
    pending = alarms._LOOPS[asyncio.get_running_loop()]._heap
    assert len(pending) <= 1  # each call's alarm is taken off the heap when the call ends


async def test_an_alarm_that_rang_cancels_only_its_own_task() -> None:
    async def sleeper() -> str:
        alarm = alarms.set_alarm(0.0)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            return "timed out" if alarm.rang_for() else "cancelled"
        return "slept"

    other = asyncio.ensure_future(asyncio.sleep(0.05, result="untouched"))
    assert await sleeper() == "timed out"
    assert await other == "untouched"


def test_a_poll_that_never_answers_cannot_hold_a_sync_wait_past_its_timeout() -> None:
    # the client's own timeout is a minute: only the wait's deadline, given to the poll, can end it sooner
    with serve(never_answer) as (url, log), AcmeClient(KEY, base_url=url, timeout=60.0) as client:
        with pytest.raises(TaskTimeoutError) as caught:
            client._wait("t-1", response_model=TaskResponse, timeout=TIMEOUT)
        assert log.hung_up.wait(10)
    assert caught.value.task_id == "t-1"


async def test_a_poll_that_never_answers_cannot_hold_an_async_wait_past_its_timeout() -> None:
    with serve(never_answer) as (url, log):
        async with AsyncAcmeClient(KEY, base_url=url, timeout=60.0) as client:
            with pytest.raises(TaskTimeoutError) as caught:
                await client._wait("t-1", response_model=TaskResponse, timeout=TIMEOUT)
        assert log.hung_up.wait(10)
    assert caught.value.task_id == "t-1"


async def _an_alarm_stopped() -> None:
    alarms.set_alarm(60.0).stop()


def test_an_event_loop_that_set_alarms_is_freed_once_closed() -> None:
    # the alarms of a loop (its heap, its timer) must not keep the loop alive: a program runs loop after loop
    loop = asyncio.new_event_loop()
    loop.run_until_complete(_an_alarm_stopped())
    loop.close()
    freed = weakref.ref(loop)
    del loop
    gc.collect()
    assert freed() is None


async def test_a_stopped_alarm_holds_no_task_and_never_rings() -> None:
    alarm = alarms.set_alarm(0.0)
    alarm.stop()
    assert alarm.task is None
    await asyncio.sleep(0.01)  # its timer has come and gone
    assert not alarm.rang
