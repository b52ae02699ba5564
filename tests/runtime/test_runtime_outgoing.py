"""Outgoing requests: each is the request httpx's build_request makes, though the client's headers are merged once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from sunogen.runtime.calls import NOT_GIVEN, NotGiven, RequestHeaders
from sunogen.runtime.outgoing import Outgoing

from .support import KEY, AcmeClient, AsyncAcmeClient, BalanceResponse, CreateResponse, json_response

BALANCE = {"code": 200, "data": {"available": 950, "frozen": 10}}
CREATED = {"code": 200, "data": {"task_id": "t-1"}}
OURS = {"Accept": "application/json", "X-Trace": "abc", "x-api-key": KEY}


def recording(seen: list[httpx.Request], body: object = BALANCE) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, body)

    return httpx.MockTransport(handler)


def sent(request: httpx.Request) -> tuple[Any, ...]:
    """Everything of a request that reaches the transport."""
    return request.method, str(request.url), request.headers.raw, request.content, request.extensions


class HeaderAddingClient(httpx.Client):
    """A subclass whose build_request does more than httpx's: its requests must still be built by it."""

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        request = super().build_request(*args, **kwargs)
        request.headers["X-Signed"] = "yes"
        return request


HTTP_CLIENTS: dict[str, Callable[[], httpx.Client]] = {
    "plain": httpx.Client,
    "with default headers": lambda: httpx.Client(headers={"User-Agent": "mine/1", "Accept": "text/plain"}),
    "with cookies": lambda: httpx.Client(cookies={"session": "s1"}),
    "with default query parameters": lambda: httpx.Client(params={"tenant": "t1"}),
    "with a timeout": lambda: httpx.Client(timeout=7.0),
    "with a base_url": lambda: httpx.Client(base_url="https://elsewhere.test/v2"),
    "a subclass": HeaderAddingClient,
}
CALLS: dict[str, dict[str, Any]] = {
    "GET, no query": {"method": "GET", "url": "https://api.acme.test/v1/balance", "query": None, "content": None},
    "GET with a query": {"method": "GET", "url": "https://api.acme.test/v1/t", "query": {"id": "a b"}, "content": None},
    "POST JSON": {"method": "POST", "url": httpx.URL("https://api.acme.test/v1/task"), "query": None, "content": b"{}"},
}
TIMEOUTS: dict[str, httpx.Timeout | NotGiven | None] = {
    "the httpx client's": NOT_GIVEN,
    "a timeout": httpx.Timeout(3.0, connect=1.0),
    "none": None,
}


@pytest.fixture(params=list(HTTP_CLIENTS))
def http_client(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    with HTTP_CLIENTS[request.param]() as client:
        yield client


@pytest.mark.parametrize("timeout", list(TIMEOUTS))
@pytest.mark.parametrize("call", list(CALLS))
def test_each_request_is_the_one_httpx_build_request_makes(http_client: httpx.Client, call: str, timeout: str) -> None:
    headers = RequestHeaders(dict(OURS))
    outgoing = Outgoing(http_client, headers)
    given = CALLS[call]
    wanted = TIMEOUTS[timeout]
    expected = http_client.build_request(
        given["method"],
        given["url"],
        params=given["query"],
        content=given["content"],
        headers=headers.plain if given["content"] is None else headers.with_json,
        timeout=httpx.USE_CLIENT_DEFAULT if isinstance(wanted, NotGiven) else wanted,
    )
    for _ in range(2):  # the first merges the httpx client's headers, the second reuses the merge
        assert sent(outgoing.build(**given, timeout=wanted)) == sent(expected)


def test_headers_set_on_the_httpx_client_after_a_call_go_with_the_next_one() -> None:
    seen: list[httpx.Request] = []
    with (
        httpx.Client(transport=recording(seen), headers={"X-Team": "a"}) as http,
        AcmeClient(KEY, http_client=http) as client,
    ):
        client._call("get_balance", response_model=BalanceResponse)
        http.headers["X-Team"] = "b"
        http.headers["X-Added"] = "yes"
        client._call("get_balance", response_model=BalanceResponse)
        del http.headers["X-Added"]
        http.headers = {"X-Replaced": "all"}
        client._call("get_balance", response_model=BalanceResponse)
    first, second, third = (request.headers for request in seen)
    assert (first["x-team"], "x-added" in first) == ("a", False)
    assert (second["x-team"], second["x-added"]) == ("b", "yes")
    assert ("x-team" in third, "x-added" in third, third["x-replaced"]) == (False, False, "all")
    assert [headers.get_list("x-api-key") for headers in (first, second, third)] == [[KEY]] * 3


def test_an_httpx_client_header_named_as_ours_is_replaced_and_the_key_always_wins() -> None:
    seen: list[httpx.Request] = []
    with (
        httpx.Client(
            transport=recording(seen, CREATED), headers={"x-api-key": "not-mine", "Content-Type": "text/plain"}
        ) as http,
        AcmeClient(KEY, http_client=http) as client,
    ):
        client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    headers = seen[0].headers
    assert headers.get_list("x-api-key") == [KEY]
    assert headers.get_list("content-type") == ["application/json"]
    assert headers.get_list("accept") == ["application/json"]


def test_cookies_the_gateway_set_go_with_the_next_call() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, BALANCE, **{"set-cookie": "session=s2; Path=/"})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http, AcmeClient(KEY, http_client=http) as client:
        client._call("get_balance", response_model=BalanceResponse)
        client._call("get_balance", response_model=BalanceResponse)
    assert "cookie" not in seen[0].headers
    assert seen[1].headers["cookie"] == "session=s2"


async def test_an_async_client_sends_the_httpx_clients_headers_and_its_changes() -> None:
    seen: list[httpx.Request] = []
    async with (
        httpx.AsyncClient(transport=recording(seen), headers={"X-Team": "a"}) as http,
        AsyncAcmeClient(KEY, http_client=http) as client,
    ):
        await client._call("get_balance", response_model=BalanceResponse)
        http.headers["X-Team"] = "b"
        await client._call("get_balance", response_model=BalanceResponse)
    assert [request.headers["x-team"] for request in seen] == ["a", "b"]
    assert [request.headers.get_list("x-api-key") for request in seen] == [[KEY], [KEY]]


def test_the_outgoing_requests_repr_never_shows_the_key() -> None:
    with AcmeClient(KEY) as client:
        client._outgoing.build("GET", "https://api.acme.test/x", query=None, content=None, timeout=NOT_GIVEN)
        assert KEY not in repr(client._outgoing)
        assert KEY not in repr(vars(client))
