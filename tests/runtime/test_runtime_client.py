"""SyncAPIClient construction and request building: auth, key source, base_url, params, body, lifecycle."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
import respx

from sunogen.runtime.exceptions import ConfigurationError, RequestValidationError
from sunogen.runtime.violations import Violation

from .support import (
    KEY,
    AcmeClient,
    AsyncAcmeClient,
    BalanceResponse,
    CreateResponse,
    FakeClock,
    RelayClient,
    RelayResponse,
    TaskResponse,
    acme_task,
    json_response,
)

BALANCE = {"code": 200, "data": {"available": 950, "frozen": 10, "total": 960}}


def test_api_key_travels_in_the_x_api_key_header(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    with AcmeClient(KEY) as client:
        client._call("get_balance", response_model=BalanceResponse)
    request = route.calls.last.request
    assert request.headers["x-api-key"] == KEY
    assert "authorization" not in request.headers
    assert request.headers["accept"] == "application/json"


def test_bearer_vendor_sends_authorization_bearer(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("https://relay.test/suno/submit/music").mock(
        json_response(200, {"code": "success", "message": "", "data": "r-1"})
    )
    with RelayClient(KEY, base_url="https://relay.test") as client:
        client._call("submit_music", body={"prompt": ""}, response_model=RelayResponse)
    assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"


def test_api_key_is_read_from_the_vendor_environment_variable(
    respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNOGEN_ACME_API_KEY", "env-key-123456")
    route = respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    with AcmeClient() as client:
        client._call("get_balance", response_model=BalanceResponse)
    assert route.calls.last.request.headers["x-api-key"] == "env-key-123456"


def test_api_key_argument_wins_over_the_environment(
    respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNOGEN_ACME_API_KEY", "env-key-123456")
    route = respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    with AcmeClient(KEY) as client:
        client._call("get_balance", response_model=BalanceResponse)
    assert route.calls.last.request.headers["x-api-key"] == KEY


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_api_key_is_a_clear_error_at_construction(value: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUNOGEN_ACME_API_KEY", raising=False)
    if value is not None:
        monkeypatch.setenv("SUNOGEN_ACME_API_KEY", value)
    with pytest.raises(ConfigurationError, match="SUNOGEN_ACME_API_KEY") as caught:
        AcmeClient()
    assert caught.value.vendor == "acme"


def test_relay_style_vendor_without_a_default_host_requires_base_url() -> None:
    with pytest.raises(ConfigurationError, match="base_url") as caught:
        RelayClient(KEY)
    assert caught.value.vendor == "relayish"


@pytest.mark.parametrize("base_url", ["relay.test", "ftp://relay.test", "https://"])
def test_base_url_that_is_not_an_http_url_is_rejected(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        RelayClient(KEY, base_url=base_url)


def test_base_url_argument_overrides_the_spec_server_and_keeps_its_path(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://proxy.test/acme/api/v1/account/balance").mock(json_response(200, BALANCE))
    with AcmeClient(KEY, base_url="https://proxy.test/acme/") as client:
        assert client.base_url == "https://proxy.test/acme"
        client._call("get_balance", response_model=BalanceResponse)
    assert route.called


def test_a_base_url_changed_after_a_call_is_where_the_next_call_goes(respx_mock: respx.MockRouter) -> None:
    first = respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    second = respx_mock.get("https://proxy.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    with AcmeClient(KEY) as client:
        client._call("get_balance", response_model=BalanceResponse)
        client.base_url = "https://proxy.test"
        client._call("get_balance", response_model=BalanceResponse)
    assert (first.call_count, second.call_count) == (1, 1)


def test_each_path_parameter_value_reaches_its_own_url(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(url__regex=r"https://api\.acme\.test/api/v1/task/t-\d").mock(
        json_response(200, acme_task("pending"))
    )
    with AcmeClient(KEY) as client:
        for task_id in ("t-1", "t-2", "t-3"):
            client._call("get_task", params={"task_id": task_id}, response_model=TaskResponse)
    assert [call.request.url.path for call in route.calls] == [f"/api/v1/task/t-{n}" for n in (1, 2, 3)]


def test_path_parameter_is_formatted_and_percent_escaped(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://api.acme.test/api/v1/task/a%2F..%2Fb%20c").mock(
        json_response(200, acme_task("pending"))
    )
    with AcmeClient(KEY) as client:
        client._call("get_task", params={"task_id": "a/../b c"}, response_model=TaskResponse)
    assert route.calls.last.request.url.raw_path == b"/api/v1/task/a%2F..%2Fb%20c"


def test_query_parameters_are_sent_and_an_omitted_optional_one_is_left_out(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://api.acme.test/api/v1/client/job/TaskInfo").mock(
        json_response(200, acme_task("running"))
    )
    with AcmeClient(KEY) as client:
        client._call("task_info", params={"task_id": "t-1", "verbose": None}, response_model=TaskResponse)
        client._call("task_info", params={"task_id": "t-2", "verbose": True}, response_model=TaskResponse)
    first, second = (call.request.url for call in route.calls)
    assert dict(first.params) == {"task_id": "t-1"}
    assert dict(second.params) == {"task_id": "t-2", "verbose": "true"}


@pytest.mark.parametrize("task_id", [None, "", "  "])
def test_missing_path_parameter_is_rejected_before_any_request(
    task_id: str | None, respx_mock: respx.MockRouter
) -> None:
    # No route is mocked: a request reaching the transport would fail the test with respx's own error.
    with AcmeClient(KEY) as client, pytest.raises(RequestValidationError, match="taskId") as caught:
        client._call("get_task", params={"task_id": task_id}, response_model=TaskResponse)
    assert not respx_mock.calls
    assert caught.value.operation == "get_task"
    # a missing parameter is a Violation like any other, so code reading `violations` needs one shape
    assert caught.value.violations == (Violation("taskId", "required", "a value is required (path parameter)"),)


def test_unknown_parameter_is_a_programming_error() -> None:
    with AcmeClient(KEY) as client, pytest.raises(TypeError, match="task"):
        client._call("get_balance", params={"task": "x"}, response_model=BalanceResponse)


def test_unknown_operation_is_a_configuration_error() -> None:
    with AcmeClient(KEY) as client, pytest.raises(ConfigurationError, match="no_such_op"):
        client._call("no_such_op", response_model=BalanceResponse)


def test_json_body_is_sent_exactly_as_given(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("https://api.acme.test/api/v1/task").mock(
        json_response(202, {"code": 202, "data": {"task_id": "t-1", "status": "pending"}})
    )
    body = {"model": "suno", "task_type": "music", "input": {"prompt": "été à Paris", "make_instrumental": False}}
    with AcmeClient(KEY) as client:
        created = client._call("create_task", body=body, response_model=CreateResponse)
    request = route.calls.last.request
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == body
    assert request.content == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    assert created.data is not None
    assert created.data.task_id == "t-1"


@pytest.mark.parametrize("depth", [10, 300], ids=["shallow", "deeper than pydantic's encoder goes"])
def test_a_free_form_member_nested_deep_is_sent_as_the_validators_accepted_it(
    respx_mock: respx.MockRouter, depth: int
) -> None:
    route = respx_mock.post("https://api.acme.test/api/v1/task").mock(
        json_response(202, {"code": 202, "data": {"task_id": "t-1", "status": "pending"}})
    )
    deep: object = "leaf"
    for _ in range(depth):
        deep = {"a": [deep]}
    body = {"model": "suno", "input": {"metadata": deep}}
    with AcmeClient(KEY) as client:
        client._call("create_task", body=body, response_model=CreateResponse)
    assert route.calls.last.request.content == json.dumps(body, separators=(",", ":")).encode()


def test_response_model_keeps_unknown_fields(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(
        json_response(200, {**BALANCE, "brand_new": {"x": 1}})
    )
    with AcmeClient(KEY) as client:
        balance = client._call("get_balance", response_model=BalanceResponse)
    assert balance.data.available == 950
    assert balance.model_extra == {"brand_new": {"x": 1}}


def test_unwrap_validates_the_envelope_data_field(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    from .support import Balance

    with AcmeClient(KEY) as client:
        balance = client._call("get_balance", response_model=Balance, unwrap=True)
    assert (balance.available, balance.frozen) == (950, 10)


def test_default_headers_are_sent_but_never_replace_the_key(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    headers = {"X-Trace": "abc", "x-api-key": "someone-else"}
    with AcmeClient(KEY, default_headers=headers) as client:
        client._call("get_balance", response_model=BalanceResponse)
    request = route.calls.last.request
    assert request.headers["x-trace"] == "abc"
    assert request.headers.get_list("x-api-key") == [KEY]


def test_default_timeout_is_sixty_seconds_with_ten_to_connect() -> None:
    with AcmeClient(KEY) as client:
        assert client.timeout == httpx.Timeout(60.0, connect=10.0)
        assert client._client.timeout == httpx.Timeout(60.0, connect=10.0)


def test_injected_http_client_is_used_keeps_its_timeout_and_is_not_closed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, BALANCE)

    http_client = httpx.Client(transport=httpx.MockTransport(handler), timeout=5.0)
    with AcmeClient(KEY, http_client=http_client) as client:
        client._call("get_balance", response_model=BalanceResponse)
    assert len(seen) == 1
    assert seen[0].extensions["timeout"]["read"] == 5.0
    assert not http_client.is_closed
    http_client.close()


def test_explicit_timeout_applies_to_an_injected_http_client() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, BALANCE)

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http_client,
        AcmeClient(KEY, http_client=http_client, timeout=12.0) as client,
    ):
        client._call("get_balance", response_model=BalanceResponse)
    assert seen[0].extensions["timeout"] == {"connect": 12.0, "read": 12.0, "write": 12.0, "pool": 12.0}


async def test_async_http_client_is_refused_by_the_sync_client() -> None:
    async with httpx.AsyncClient() as async_client:
        with pytest.raises(ConfigurationError, match=r"httpx\.Client"):
            AcmeClient(KEY, http_client=async_client)  # type: ignore[arg-type]


async def test_sync_http_client_is_refused_by_the_async_client() -> None:
    with httpx.Client() as sync_client, pytest.raises(ConfigurationError, match=r"httpx\.AsyncClient"):
        AsyncAcmeClient(KEY, http_client=sync_client)  # type: ignore[arg-type]


def test_context_manager_closes_the_client_it_created() -> None:
    with AcmeClient(KEY) as client:
        assert not client.is_closed
    assert client.is_closed


@pytest.mark.parametrize("max_retries", [-1, True, 1.5])
def test_max_retries_must_be_a_non_negative_integer(max_retries: object) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        AcmeClient(KEY, max_retries=max_retries)  # type: ignore[arg-type]


def test_repr_shows_the_base_url_and_not_the_key() -> None:
    with AcmeClient(KEY, clock=FakeClock()) as client:
        assert repr(client) == "<AcmeClient vendor='acme' base_url='https://api.acme.test'>"
        assert KEY not in repr(vars(client))


def test_a_client_class_without_a_vendor_is_a_type_error() -> None:
    from sunogen.runtime.sync_client import SyncAPIClient

    with pytest.raises(TypeError, match="vendor"):
        SyncAPIClient(KEY)


def test_a_call_with_debug_logging_off_hands_logging_no_line_at_all(
    respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    handed: list[tuple[object, ...]] = []
    monkeypatch.setattr(logging.getLogger("suno_clients"), "debug", lambda *args, **kwargs: handed.append(args))
    caplog.set_level(logging.INFO, logger="suno_clients")
    with AcmeClient(KEY) as client:
        client._call("get_balance", response_model=BalanceResponse)
        assert handed == []  # the level is looked at once per line; its arguments are never gathered
        caplog.set_level(logging.DEBUG, logger="suno_clients")
        client._call("get_balance", response_model=BalanceResponse)
    assert [args[0] for args in handed] == ["%s %s (%s, attempt %d)", "%s %s -> HTTP %d"]


async def test_an_async_call_with_debug_logging_off_hands_logging_no_line_at_all(
    respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    respx_mock.get("https://api.acme.test/api/v1/account/balance").mock(json_response(200, BALANCE))
    handed: list[tuple[object, ...]] = []
    monkeypatch.setattr(logging.getLogger("suno_clients"), "debug", lambda *args, **kwargs: handed.append(args))
    caplog.set_level(logging.INFO, logger="suno_clients")
    async with AsyncAcmeClient(KEY) as client:
        await client._call("get_balance", response_model=BalanceResponse)
        assert handed == []
        caplog.set_level(logging.DEBUG, logger="suno_clients")
        await client._call("get_balance", response_model=BalanceResponse)
    assert [args[0] for args in handed] == ["%s %s (%s, attempt %d)", "%s %s -> HTTP %d"]
