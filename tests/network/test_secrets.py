"""The API key never leaves: no exception, chained cause, request or response copy holds it, and no redirect carries it.

Each failure is provoked with the key echoed wherever a server could put it (message, body, header, an error from
below httpx) and with a five-character key too, which no length heuristic may spare.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from sunogen.runtime.base_client import CallResult
from sunogen.runtime.exceptions import APIError, APIStatusError, ConfigurationError, SunoError
from sunogen.runtime.redaction import REDACTED
from sunogen.runtime.spec_data import Callback
from tests.runtime.support import (
    ACME,
    KEY,
    AcmeClient,
    AsyncAcmeClient,
    BalanceResponse,
    CreateResponse,
    FakeClock,
    TaskResponse,
    acme_clip,
    acme_task,
    json_response,
)

SHORT_KEY = "k3y9Z"
BASE = "https://api.acme.test"
BALANCE_URL = f"{BASE}/api/v1/account/balance"
CREATE_URL = f"{BASE}/api/v1/task"
TASK_URL = f"{BASE}/api/v1/task/t-1"


def chain(error: BaseException) -> Iterator[BaseException]:
    """The exception and every exception chained to it, by cause and by context."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) not in seen:
            seen.add(id(current))
            yield current
            pending += [link for link in (current.__cause__, current.__context__) if link is not None]


def request_texts(request: httpx.Request) -> Iterator[str]:
    yield str(request.url)
    yield repr(request.headers.multi_items())
    with contextlib.suppress(httpx.RequestNotRead):
        yield request.content.decode("utf-8", "replace")


def texts(error: BaseException) -> Iterator[str]:
    """Everything of an exception chain a traceback, a log formatter or an error tracker could show."""
    for current in chain(error):
        yield str(current)
        yield repr(current)
        yield repr(current.args)
        yield repr(vars(current)) if hasattr(current, "__dict__") else ""
        request = getattr(current, "_request", None) or getattr(current, "request", None)
        if isinstance(request, httpx.Request):
            yield from request_texts(request)
        response = getattr(current, "response", None)
        if isinstance(response, httpx.Response):
            yield repr(response.headers.multi_items())
            yield response.content.decode("utf-8", "replace")
            yield from request_texts(response.request)


def assert_free_of(key: str, error: BaseException) -> None:
    leaks = [text for text in texts(error) if key in text]
    assert leaks == []
    if isinstance(error, APIError):
        assert error.request.headers["x-api-key"] == REDACTED
    if isinstance(error, APIStatusError):
        assert error.response.request.headers["x-api-key"] == REDACTED


def echoing(key: str) -> list[tuple[str, Callable[[httpx.Request], httpx.Response]]]:
    """Failing answers that each carry the key somewhere."""

    def reply(status: int, body: str, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
        return lambda request: httpx.Response(status, content=body.encode(), headers=headers)

    def reset(request: httpx.Request) -> httpx.Response:
        try:
            raise OSError(104, f"Connection reset by peer after sending {key}", f"/tmp/{key}")
        except OSError as inner:
            raise httpx.ReadError(f"read failed: {key}", request=request) from inner

    return [
        ("401 echoing the key", reply(401, json.dumps({"code": 401, "message": f"bad key {key}"}), **{"x-echo": key})),
        ("200 envelope failure", reply(200, json.dumps({"code": 401, "message": f"bad key {key}"}))),
        ("html page", reply(200, f"<html>{key}</html>", **{"content-type": "text/html"})),
        ("truncated json", reply(200, f'{{"code": 200, "data": "{key}')),
        ("wrong types", reply(200, json.dumps({"code": 200, "data": {"available": key, "frozen": key}}))),
        ("nested too deeply", reply(200, f'["{key}", ' + "[" * 100_000 + "]" * 100_000 + "]")),
        ("too large", reply(200, json.dumps({"code": 200, "data": key, "pad": "x" * 10_000}))),
        ("redirect to a url with the key", reply(302, "", location=f"https://elsewhere.test/?k={key}")),
        ("reset under httpx", reset),
    ]


CASES = [name for name, _ in echoing(KEY)]
KEYS = pytest.mark.parametrize("key", [KEY, SHORT_KEY], ids=["long key", "five-character key"])


@KEYS
@pytest.mark.parametrize("case", range(len(CASES)), ids=CASES)
def test_no_failed_call_carries_the_key_anywhere_in_its_exception_chain(key: str, case: int) -> None:
    # a MockTransport, not respx: respx replaces an exception's chain, and the chain is what is tested here
    transport = httpx.MockTransport(echoing(key)[case][1])
    with (
        httpx.Client(transport=transport) as http_client,
        AcmeClient(key, http_client=http_client, max_retries=0, max_response_bytes=5_000) as client,
        pytest.raises(SunoError) as caught,
    ):
        client._call("get_balance", response_model=BalanceResponse)
    assert_free_of(key, caught.value)


@KEYS
@pytest.mark.parametrize("case", range(len(CASES)), ids=CASES)
async def test_no_failed_async_call_carries_the_key_anywhere_in_its_exception_chain(key: str, case: int) -> None:
    transport = httpx.MockTransport(echoing(key)[case][1])
    async with (
        httpx.AsyncClient(transport=transport) as http_client,
        AsyncAcmeClient(key, http_client=http_client, max_retries=0, max_response_bytes=5_000) as client,
    ):
        with pytest.raises(SunoError) as caught:
            await client._call("get_balance", response_model=BalanceResponse)
    assert_free_of(key, caught.value)


def test_a_create_whose_body_has_no_task_id_raises_without_the_key(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(CREATE_URL).mock(httpx.Response(200, json={"code": 200, "message": f"ok {SHORT_KEY}"}))
    with AcmeClient(SHORT_KEY) as client:
        created = client._request("create_task", body={}, params=None, response_model=CreateResponse)
        with pytest.raises(SunoError) as caught:
            client._task_id_of("create_task", created)
    assert_free_of(SHORT_KEY, caught.value)


def test_a_wait_that_finds_a_finished_clip_without_an_id_raises_without_the_key(respx_mock: respx.MockRouter) -> None:
    clip = {**acme_clip("c1"), "id": None, "title": SHORT_KEY}
    respx_mock.get(TASK_URL).mock(httpx.Response(200, json=acme_task("success", result=[clip])))
    with AcmeClient(SHORT_KEY, clock=FakeClock()) as client, pytest.raises(SunoError) as caught:
        client._wait("t-1", response_model=TaskResponse)
    assert_free_of(SHORT_KEY, caught.value)


def test_a_successful_calls_response_carries_a_redacted_request(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(httpx.Response(200, json={"code": 200, "data": {"available": 1, "frozen": 0}}))
    with AcmeClient(KEY) as client:
        result: CallResult[Any] = client._request("get_balance", body=None, params=None, response_model=BalanceResponse)
    assert result.response.request.headers["x-api-key"] == REDACTED
    assert KEY not in repr(result)


# -- the key itself --------------------------------------------------------------------------------------------

BAD_KEYS = {
    "CR LF (header injection)": "sk-abc\r\nX-Injected: 1",
    "LF inside": "sk-abc\ndef",
    "NUL": "sk-abc\x00def",
    "escape sequence": "sk-abc\x1b[31mdef",
    "DEL": "sk-abc\x7fdef",
    "tab": "sk-abc\tdef",
    "non-ASCII letter": "sk-clé-secrète",
    "Cyrillic": "ключ-api-123",
    "line separator": "sk-abc\u2028def",
}


@pytest.mark.parametrize("key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_a_key_that_cannot_travel_in_a_header_is_refused_at_construction_without_showing_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        AcmeClient(key)
    message = str(caught.value)
    assert "api_key" in message
    assert key.strip() not in message
    assert "sk-abc" not in message
    assert "secr" not in message
    assert "ключ" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


ENVIRONMENT_KEYS = {name: key for name, key in BAD_KEYS.items() if "\x00" not in key}  # no NUL in an environment


@pytest.mark.parametrize("key", ENVIRONMENT_KEYS.values(), ids=ENVIRONMENT_KEYS.keys())
async def test_an_async_client_refuses_such_a_key_from_the_environment_too(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNOGEN_ACME_API_KEY", key)
    with pytest.raises(ConfigurationError, match="SUNOGEN_ACME_API_KEY") as caught:
        AsyncAcmeClient()
    assert key.strip() not in str(caught.value)


def test_a_key_read_from_a_file_with_its_trailing_newline_is_sent_without_it(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(BALANCE_URL).mock(
        httpx.Response(200, json={"code": 200, "data": {"available": 1, "frozen": 0}})
    )
    with AcmeClient(KEY + "\n") as client:
        client._call("get_balance", response_model=BalanceResponse)
    assert route.calls.last.request.headers["x-api-key"] == KEY


# -- redirects -------------------------------------------------------------------------------------------------


def redirecting(status: int, location: str, seen: list[httpx.Request]) -> httpx.MockTransport:
    """api.acme.test redirects everything to `location`; any other host answers 200 (and records what it got)."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.acme.test":
            return httpx.Response(status, headers={"location": location})
        return httpx.Response(200, json={"code": 200, "data": {"available": 1, "frozen": 0, "task_id": "t"}})

    return httpx.MockTransport(handler)


REDIRECTS = [
    (302, "https://collector.test/steal", "get_balance"),
    (301, "http://api.acme.test:8080/api/v1/account/balance", "get_balance"),
    (307, "https://collector.test/api/v1/task", "create_task"),
    (308, "/api/v2/task", "create_task"),
]


@pytest.mark.parametrize(("status", "location", "operation"), REDIRECTS)
def test_an_injected_client_that_follows_redirects_never_takes_the_key_anywhere(
    status: int, location: str, operation: str
) -> None:
    seen: list[httpx.Request] = []
    transport = redirecting(status, location, seen)
    with (
        httpx.Client(transport=transport, follow_redirects=True) as http_client,
        AcmeClient(KEY, http_client=http_client, max_retries=0) as client,
        pytest.raises(APIStatusError, match="not followed") as caught,
    ):
        client._call(operation, body={} if operation == "create_task" else None, response_model=BalanceResponse)
    assert [request.url.host for request in seen] == ["api.acme.test"]
    assert caught.value.status_code == status
    assert_free_of(KEY, caught.value)


@pytest.mark.parametrize(("status", "location", "operation"), REDIRECTS)
async def test_an_injected_async_client_that_follows_redirects_never_takes_the_key_anywhere(
    status: int, location: str, operation: str
) -> None:
    seen: list[httpx.Request] = []
    transport = redirecting(status, location, seen)
    async with (
        httpx.AsyncClient(transport=transport, follow_redirects=True) as http_client,
        AsyncAcmeClient(KEY, http_client=http_client, max_retries=0) as client,
    ):
        with pytest.raises(APIStatusError, match="not followed"):
            await client._call(
                operation, body={} if operation == "create_task" else None, response_model=BalanceResponse
            )
    assert [request.url.host for request in seen] == ["api.acme.test"]


@pytest.mark.parametrize("key", ["1", "127", "0", "local", "api"])
def test_a_short_key_that_also_spells_part_of_the_url_leaves_the_url_whole(
    key: str, respx_mock: respx.MockRouter
) -> None:
    # throwaway keys such as the emulator accepts: blanking them out of the host would make the URL unparsable
    respx_mock.get("http://127.0.0.1:8000/api/v1/account/balance").mock(
        json_response(401, {"code": 401, "message": "Invalid API key"})
    )
    with AcmeClient(key, base_url="http://127.0.0.1:8000") as client, pytest.raises(APIStatusError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.status_code == 401
    assert caught.value.request.url.host == "127.0.0.1"
    assert caught.value.request.headers["x-api-key"] == REDACTED


def test_a_key_echoed_in_a_path_or_query_is_blanked_out_of_the_url(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"https://api.acme.test/api/v1/task/{KEY}").mock(json_response(404, {"code": 404}))
    with AcmeClient(KEY) as client, pytest.raises(APIStatusError) as caught:
        client._call("get_task", params={"task_id": KEY}, response_model=TaskResponse)
    assert KEY not in str(caught.value.request.url)
    assert KEY not in str(caught.value.response.request.url)
    assert caught.value.request.url.host == "api.acme.test"


WEBHOOK_SECRET = "whsec-0123456789-DO-NOT-SHOW"


class SecretHookClient(AcmeClient):
    # a gateway whose create carries a webhook signing secret in its body, as sunoapi.com's `webhook_secret` does
    vendor = dataclasses.replace(
        ACME, callback=Callback(signature=None, read=ACME.polls[0][1], secret=(("webhook_secret",),))
    )


def test_a_webhook_secret_sent_in_a_create_never_shows_in_its_error(respx_mock: respx.MockRouter) -> None:
    echo = {"code": 500, "message": f"upstream rejected webhook_secret={WEBHOOK_SECRET}"}
    respx_mock.post(CREATE_URL).mock(json_response(500, echo))
    body = {"prompt": "x", "webhook_url": "https://example.com/hook", "webhook_secret": WEBHOOK_SECRET}
    with SecretHookClient(KEY, max_retries=0) as client, pytest.raises(APIStatusError) as caught:
        client._call("create_task", body=body, response_model=CreateResponse)
    error = caught.value
    shown = [str(error), repr(error), error.body or "", error.request.content.decode(), error.response.text]
    shown.append(error.response.request.content.decode())
    assert [WEBHOOK_SECRET in text for text in shown] == [False] * len(shown)
    assert REDACTED in error.request.content.decode()


def test_every_shipped_spec_that_sends_a_webhook_secret_says_where_so_the_client_can_scrub_it() -> None:
    import suno_clients

    for vendor in suno_clients.VENDORS:
        spec = suno_clients.vendor_module(vendor).VENDOR
        if spec.callback is not None and spec.callback.signature is not None:
            assert spec.callback.secret, f"{vendor} signs its callbacks: its spec must say where the secret travels"
