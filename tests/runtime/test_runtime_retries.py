"""Retries: queries retry transient failures with backoff and Retry-After; paid creates only when provably safe."""

from __future__ import annotations

import email.utils

import httpx
import pytest
import respx

from sunogen.runtime.errors import http_rule, match_error
from sunogen.runtime.exceptions import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    GenerationFailedError,
    InternalServerError,
    RateLimitError,
)
from sunogen.runtime.retries import MAX_RETRY_AFTER, may_retry_error, parse_retry_after, retry_delay
from sunogen.runtime.spec_data import ErrorRule, Operation

from .support import KEY, AcmeClient, BalanceResponse, CreateResponse, FakeClock, json_response

CREATE_URL = "https://api.acme.test/api/v1/task"
BALANCE_URL = "https://api.acme.test/api/v1/account/balance"
CREATED = {"code": 202, "data": {"task_id": "t-1", "status": "pending"}}
BALANCE = {"code": 200, "data": {"available": 950, "frozen": 10}}
CREATE = Operation(id="create", method="POST", path="/c", creates_task=True, has_body=True)
QUERY = Operation(id="query", method="GET", path="/q")


def make_client(max_retries: int = 2) -> tuple[AcmeClient, FakeClock]:
    clock = FakeClock()
    return AcmeClient(KEY, max_retries=max_retries, clock=clock), clock


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.WriteTimeout("write timed out"),
        httpx.ReadError("connection reset"),
        httpx.RemoteProtocolError("server disconnected without sending a response"),
    ],
)
def test_create_call_is_not_retried_after_the_request_may_have_reached_the_server(
    failure: httpx.RequestError, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(CREATE_URL).mock(side_effect=[failure, json_response(202, CREATED)])
    client, clock = make_client()
    with client, pytest.raises(APIConnectionError):
        client._call("create_task", body={"model": "suno"}, response_model=CreateResponse)
    assert route.call_count == 1
    assert clock.sleeps == []


def test_create_call_is_not_retried_after_a_read_timeout(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(CREATE_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
    client, _ = make_client()
    with client, pytest.raises(APITimeoutError):
        client._call("create_task", body={"model": "suno"}, response_model=CreateResponse)
    assert route.call_count == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_create_call_is_not_retried_after_a_5xx(status: int, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(CREATE_URL).mock(
        side_effect=[json_response(status, {"code": status, "message": "busy"}, **{"Retry-After": "1"})]
    )
    client, clock = make_client()
    with client, pytest.raises(InternalServerError):
        client._call("create_task", body={"model": "suno"}, response_model=CreateResponse)
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("connect timed out")])
def test_create_call_is_retried_after_a_connect_error(
    failure: httpx.RequestError, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(CREATE_URL).mock(side_effect=[failure, json_response(202, CREATED)])
    client, clock = make_client()
    with client:
        created = client._call("create_task", body={"model": "suno"}, response_model=CreateResponse)
    assert created.data is not None
    assert created.data.task_id == "t-1"
    assert route.call_count == 2
    assert len(clock.sleeps) == 1
    assert 0.375 <= clock.sleeps[0] <= 0.5
    first, second = (call.request for call in route.calls)
    assert first.content == second.content == b'{"model":"suno"}'


def test_create_call_is_retried_after_a_429_honouring_retry_after(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(CREATE_URL).mock(
        side_effect=[
            json_response(429, {"code": 429, "message": "Rate limit exceeded."}, **{"Retry-After": "7"}),
            json_response(202, CREATED),
        ]
    )
    client, clock = make_client()
    with client:
        client._call("create_task", body={"model": "suno"}, response_model=CreateResponse)
    assert route.call_count == 2
    assert clock.sleeps == [7.0]


def test_envelope_429_with_http_200_is_a_refusal_and_is_retried(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(CREATE_URL).mock(
        side_effect=[json_response(200, {"code": 429, "message": "concurrency"}), json_response(202, CREATED)]
    )
    client, _ = make_client()
    with client:
        client._call("create_task", body={}, response_model=CreateResponse)
    assert route.call_count == 2


def test_query_call_is_retried_on_503_honouring_retry_after(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(
        side_effect=[
            json_response(503, {"code": 503, "message": "busy"}, **{"Retry-After": "3"}),
            json_response(200, BALANCE),
        ]
    )
    client, clock = make_client()
    with client:
        balance = client._call("get_balance", response_model=BalanceResponse)
    assert balance.data.available == 950
    assert route.call_count == 2
    assert clock.sleeps == [3.0]


def test_retry_after_as_an_http_date_is_honoured(respx_mock: respx.MockRouter) -> None:
    clock = FakeClock()
    date = email.utils.formatdate(clock.time() + 12, usegmt=True)
    route = respx_mock.get(BALANCE_URL).mock(
        side_effect=[json_response(503, {"code": 503}, **{"Retry-After": date}), json_response(200, BALANCE)]
    )
    with AcmeClient(KEY, clock=clock) as client:
        client._call("get_balance", response_model=BalanceResponse)
    assert route.call_count == 2
    assert clock.sleeps == [pytest.approx(12.0, abs=1.0)]


def test_a_huge_retry_after_is_capped(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(
        side_effect=[json_response(429, {"code": 429}, **{"Retry-After": "86400"}), json_response(200, BALANCE)]
    )
    client, clock = make_client()
    with client:
        client._call("get_balance", response_model=BalanceResponse)
    assert clock.sleeps == [MAX_RETRY_AFTER]


@pytest.mark.parametrize(
    "outcome",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("peer closed"),
        json_response(408, {"code": 408}),
        json_response(500, {"code": 500}),
        json_response(502, {"code": 502}),
    ],
)
def test_query_call_is_retried_on_transient_failures(
    outcome: httpx.Response | httpx.RequestError, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(BALANCE_URL).mock(side_effect=[outcome, json_response(200, BALANCE)])
    client, _ = make_client()
    with client:
        client._call("get_balance", response_model=BalanceResponse)
    assert route.call_count == 2


def test_query_call_gives_up_after_max_retries_with_growing_backoff(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(json_response(503, {"code": 503, "message": "down"}))
    client, clock = make_client(max_retries=3)
    with client, pytest.raises(InternalServerError, match="down"):
        client._call("get_balance", response_model=BalanceResponse)
    assert route.call_count == 4
    assert len(clock.sleeps) == 3
    for sleep, base in zip(clock.sleeps, [0.5, 1.0, 2.0], strict=True):
        assert 0.75 * base <= sleep <= base


def test_max_retries_zero_disables_retries(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(json_response(503, {"code": 503}))
    client, clock = make_client(max_retries=0)
    with client, pytest.raises(InternalServerError):
        client._call("get_balance", response_model=BalanceResponse)
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(("status", "error_class"), [(400, BadRequestError), (501, GenerationFailedError)])
def test_query_call_is_not_retried_on_a_permanent_error(
    status: int, error_class: type[Exception], respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(BALANCE_URL).mock(json_response(status, {"code": status}))
    client, _ = make_client()
    with client, pytest.raises(error_class):
        client._call("get_balance", response_model=BalanceResponse)
    assert route.call_count == 1


def test_query_call_gives_up_on_a_rate_limit_after_its_retries(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(json_response(429, {"code": 429}, **{"Retry-After": "1"}))
    client, clock = make_client(max_retries=1)
    with client, pytest.raises(RateLimitError):
        client._call("get_balance", response_model=BalanceResponse)
    assert route.call_count == 2
    assert clock.sleeps == [1.0]


def test_policy_table_for_creates_and_queries() -> None:
    assert may_retry_error(CREATE, httpx.ConnectError("x"))
    assert may_retry_error(CREATE, httpx.ConnectTimeout("x"))
    assert not may_retry_error(CREATE, httpx.ReadTimeout("x"))
    assert not may_retry_error(CREATE, httpx.WriteError("x"))
    assert may_retry_error(QUERY, httpx.ReadTimeout("x"))
    assert not may_retry_error(QUERY, httpx.TooManyRedirects("x"))


def test_http_alone_lets_a_create_retry_only_a_429_and_a_query_also_408_and_5xx() -> None:
    rules = {status: http_rule(status) for status in (400, 408, 418, 429, 500, 501, 503, 505)}
    assert {s: r.retry_create for s, r in rules.items() if r} == {
        400: False, 408: False, 429: True, 500: False, 501: False, 503: False, 505: False
    }  # fmt: skip
    assert {s: r.retry_query for s, r in rules.items() if r} == {
        400: False, 408: True, 429: True, 500: True, 501: True, 503: True, 505: True
    }  # fmt: skip
    assert rules[418] is None


def test_the_specs_table_decides_retries_before_http_does() -> None:
    table = (ErrorRule("generation-failed", code=501), ErrorRule("rate-limit", code=430, retry_query=True))
    assert match_error(table, status=200, code=501, message=None) == table[0]
    assert match_error(table, status=501, code=None, message=None) == http_rule(501)
    assert match_error(table, status=200, code="430", message="slow down") == table[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5.0), ("0.5", 0.5), ("-3", 0.0), ("999", MAX_RETRY_AFTER), ("soon", None), ("nan", None)],
)
def test_retry_after_header_values(value: str, expected: float | None) -> None:
    assert parse_retry_after(httpx.Headers({"Retry-After": value}), now=0.0) == expected


def test_retry_after_absent_means_backoff() -> None:
    assert parse_retry_after(httpx.Headers(), now=0.0) is None
    assert retry_delay(0, None, jitter=0.0) == 0.5
    assert retry_delay(2, None, jitter=1.0) == 1.5
    assert retry_delay(10, None, jitter=0.0) == 8.0
    assert retry_delay(3, 2.5) == 2.5
