"""The API key never shows: not in repr(client), not in any exception's str/repr/args, not in DEBUG logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
import respx

from sunogen.runtime.exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    ConfigurationError,
    ResponseValidationError,
    SunoError,
    TaskFailedError,
    TaskTimeoutError,
)
from sunogen.runtime.redaction import REDACTED
from sunogen.runtime.sync_client import SyncAPIClient

from .support import (
    KEY,
    AcmeClient,
    BalanceResponse,
    CreateResponse,
    FakeClock,
    RelayClient,
    RelayResponse,
    TaskResponse,
    acme_task,
    json_response,
)

BALANCE_URL = "https://api.acme.test/api/v1/account/balance"
CREATE_URL = "https://api.acme.test/api/v1/task"
TASK_URL = "https://api.acme.test/api/v1/task/t-1"
ECHO = f"Invalid API key {KEY}"


def texts(error: BaseException) -> Iterator[str]:
    """Everything a traceback, a log formatter or an error tracker would print of an exception chain."""
    seen: BaseException | None = error
    while seen is not None:
        yield str(seen)
        yield repr(seen)
        yield repr(seen.args)
        if isinstance(seen, APIError):
            yield repr(seen.request)
            yield str(seen.request.headers)
            yield repr(dict(seen.request.headers))
            yield seen.body or ""
        if isinstance(seen, httpx.RequestError):
            yield repr(dict(seen.request.headers))
        if isinstance(seen, APIStatusError | ResponseValidationError):
            yield repr(seen.response)
            yield repr(dict(seen.response.request.headers))
        if isinstance(seen, TaskFailedError | TaskTimeoutError):
            yield seen.reason if isinstance(seen, TaskFailedError) and seen.reason else ""
        seen = seen.__cause__ or seen.__context__


def assert_no_key(error: BaseException) -> None:
    for text in texts(error):
        assert KEY not in text


def raised(client: SyncAPIClient, call: str, **kwargs: object) -> SunoError:
    with pytest.raises(SunoError) as caught:
        getattr(client, call)(**kwargs)
    return caught.value


def test_repr_of_client_shows_base_url_not_the_key() -> None:
    for client in (AcmeClient(KEY), RelayClient(KEY, base_url="https://relay.test")):
        with client:
            assert "https://" in repr(client)
            assert KEY not in repr(client)
            assert KEY not in str(vars(client))


@pytest.mark.parametrize("status", [400, 401, 402, 404, 429, 455, 500, 501, 503])
def test_status_errors_never_carry_the_key_even_when_the_server_echoes_it(
    status: int, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(BALANCE_URL).mock(json_response(status, {"code": status, "message": ECHO}))
    with AcmeClient(KEY, max_retries=0) as client:
        error = raised(client, "_call", operation_id="get_balance", response_model=BalanceResponse)
    assert isinstance(error, APIStatusError)
    assert REDACTED in str(error)
    assert error.request.headers["x-api-key"] == REDACTED
    assert error.response.request.headers["x-api-key"] == REDACTED
    assert_no_key(error)


def test_bearer_header_is_redacted_in_errors(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("https://relay.test/suno/submit/music").mock(
        json_response(401, {"code": "invalid_request", "message": f"bad token Bearer {KEY}"})
    )
    with RelayClient(KEY, base_url="https://relay.test") as client:
        error = raised(client, "_call", operation_id="submit_music", body={}, response_model=RelayResponse)
    assert isinstance(error, APIStatusError)
    assert error.request.headers["authorization"] == REDACTED
    assert_no_key(error)


def test_envelope_failure_with_http_200_does_not_carry_the_key(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(CREATE_URL).mock(json_response(200, {"code": 401, "message": ECHO}))
    with AcmeClient(KEY) as client:
        error = raised(client, "_call", operation_id="create_task", body={}, response_model=CreateResponse)
    assert_no_key(error)


@pytest.mark.parametrize("body", [f"<html>{KEY}</html>", f'{{"code": 200, "data": "{KEY}"', f'{{"code": "{KEY}"}}'])
def test_response_validation_errors_never_carry_the_key(body: str, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(httpx.Response(200, text=body))
    with AcmeClient(KEY) as client:
        error = raised(client, "_call", operation_id="get_balance", response_model=BalanceResponse)
    assert isinstance(error, APIError)
    assert_no_key(error)


@pytest.mark.parametrize("failure", [httpx.ConnectError(f"refused {KEY}"), httpx.ReadTimeout("timed out")])
def test_connection_errors_and_their_causes_never_carry_the_key(
    failure: httpx.RequestError, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(BALANCE_URL).mock(side_effect=failure)
    with AcmeClient(KEY, clock=FakeClock()) as client:
        error = raised(client, "_call", operation_id="get_balance", response_model=BalanceResponse)
    assert isinstance(error, APIConnectionError)
    assert isinstance(error.__cause__, httpx.RequestError)
    assert error.__cause__.request.headers["x-api-key"] == REDACTED
    assert_no_key(error)


def test_task_errors_never_carry_the_key(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(TASK_URL).mock(json_response(200, acme_task("failure", error=ECHO)))
    with AcmeClient(KEY, clock=FakeClock()) as client:
        failed = raised(client, "_wait", task_id="t-1", response_model=TaskResponse)
    assert isinstance(failed, TaskFailedError)
    assert_no_key(failed)


def test_configuration_errors_never_carry_the_key() -> None:
    with pytest.raises(ConfigurationError) as caught:
        RelayClient(KEY)
    assert_no_key(caught.value)


def test_debug_logs_show_method_url_status_and_retries_but_never_the_key(
    respx_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    respx_mock.get(BALANCE_URL).mock(
        side_effect=[
            httpx.ConnectError("refused"),
            json_response(503, {"code": 503, "message": ECHO}),
            json_response(200, {"code": 200, "data": {"available": 1, "frozen": 0}}),
        ]
    )
    respx_mock.get(TASK_URL).mock(json_response(401, {"code": 401, "message": ECHO}))
    caplog.set_level(logging.DEBUG)
    with AcmeClient(KEY, clock=FakeClock()) as client:
        client._call("get_balance", response_model=BalanceResponse)
        with pytest.raises(APIStatusError) as caught:
            client._call("get_task", params={"task_id": "t-1"}, response_model=TaskResponse)
        logging.getLogger("test").exception("request failed", exc_info=caught.value)
    assert f"GET {BALANCE_URL}" in caplog.text
    assert "HTTP 200" in caplog.text
    assert "retry 2 of 2" in caplog.text
    assert any(record.name == "suno_clients" for record in caplog.records)
    assert KEY not in caplog.text
