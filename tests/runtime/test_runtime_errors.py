"""Error mapping: HTTP statuses and failure envelopes to typed exceptions; malformed bodies; transport failures."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
import respx

from sunogen.runtime.exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    FeatureDisabledError,
    GenerationFailedError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServiceUnavailableError,
    SunoError,
    UnprocessableEntityError,
)

from .support import (
    ACME,
    KEY,
    AcmeClient,
    BalanceResponse,
    RelayClient,
    RelayResponse,
    TaskResponse,
    json_response,
)

BALANCE_URL = "https://api.acme.test/api/v1/account/balance"
CREATE_URL = "https://api.acme.test/api/v1/task"

STATUS_CLASSES: list[tuple[int, type[APIStatusError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (402, PaymentRequiredError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (418, APIStatusError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (455, ServiceUnavailableError),
    (500, InternalServerError),
    (501, GenerationFailedError),
    (502, InternalServerError),
    (503, InternalServerError),
    (505, FeatureDisabledError),
]


@pytest.mark.parametrize(("status", "error_class"), STATUS_CLASSES)
def test_each_http_status_raises_its_exception(
    status: int, error_class: type[APIStatusError], respx_mock: respx.MockRouter
) -> None:
    # A create call, so nothing but 429 is retried; 429 gets max_retries=0 to answer at once.
    respx_mock.post(CREATE_URL).mock(json_response(status, {"code": status, "message": "Task not found"}))
    with AcmeClient(KEY, max_retries=0) as client, pytest.raises(APIStatusError) as caught:
        client._call("create_task", body={}, response_model=BalanceResponse)
    error = caught.value
    assert type(error) is error_class
    assert (error.status_code, error.http_status, error.code) == (status, status, status)
    assert error.vendor == "acme"
    assert error.operation == "create_task"
    assert "Task not found" in str(error)
    assert error.body == f'{{"code": {status}, "message": "Task not found"}}'
    assert error.response.status_code == status


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (402, PaymentRequiredError),
        (422, UnprocessableEntityError),
        (455, ServiceUnavailableError),
        (501, GenerationFailedError),
        (505, FeatureDisabledError),
        (500, InternalServerError),
    ],
)
def test_envelope_failure_with_http_200_raises_the_typed_error_of_its_code(
    code: int, error_class: type[APIStatusError], respx_mock: respx.MockRouter
) -> None:
    # crun: code 200 means "processed", any other code is the error, whatever the HTTP status says.
    respx_mock.post(CREATE_URL).mock(json_response(200, {"code": code, "message": "maintenance", "data": None}))
    with AcmeClient(KEY) as client, pytest.raises(APIStatusError) as caught:
        client._call("create_task", body={}, response_model=BalanceResponse)
    assert type(caught.value) is error_class
    assert (caught.value.status_code, caught.value.http_status, caught.value.code) == (code, 200, code)
    assert "maintenance" in str(caught.value)


def test_string_envelope_failure_with_http_200_raises_a_generic_status_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("https://relay.test/suno/submit/music").mock(
        json_response(200, {"code": "error", "data": None, "message": "Invalid prompt: prompt cannot be empty"})
    )
    with RelayClient(KEY, base_url="https://relay.test") as client, pytest.raises(APIStatusError) as caught:
        client._call("submit_music", body={}, response_model=RelayResponse)
    assert type(caught.value) is APIStatusError
    assert caught.value.code == "error"
    assert caught.value.status_code == 200
    assert "Invalid prompt: prompt cannot be empty" in str(caught.value)


def test_string_envelope_code_on_an_error_status_maps_by_the_http_status(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("https://relay.test/suno/submit/music").mock(
        json_response(400, {"code": "invalid_request", "message": "task_id is empty", "data": None})
    )
    with RelayClient(KEY, base_url="https://relay.test") as client, pytest.raises(BadRequestError) as caught:
        client._call("submit_music", body={}, response_model=RelayResponse)
    assert caught.value.code == "invalid_request"
    assert "task_id is empty" in str(caught.value)


def test_success_envelope_is_not_an_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("https://relay.test/suno/submit/music").mock(
        json_response(200, {"code": "success", "message": "", "data": "r-1"})
    )
    with RelayClient(KEY, base_url="https://relay.test") as client:
        assert client._call("submit_music", body={}, response_model=RelayResponse).data == "r-1"


def test_a_boolean_code_never_counts_as_a_numeric_success(respx_mock: respx.MockRouter) -> None:
    class OneClient(AcmeClient):
        vendor = replace(ACME, envelope=replace(ACME.envelope, success=(1,)))

    respx_mock.get(BALANCE_URL).mock(json_response(200, {"code": True, "data": {"available": 1, "frozen": 0}}))
    with OneClient(KEY) as client, pytest.raises(APIStatusError):
        client._call("get_balance", response_model=BalanceResponse)


def test_a_numeric_string_code_equal_to_a_success_value_is_not_an_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(json_response(200, {"code": "202", "data": {"available": 1, "frozen": 0}}))
    with AcmeClient(KEY) as client:
        assert client._call("get_balance", response_model=BalanceResponse).code == 202


def test_an_integer_code_that_is_no_success_value_is_an_error_even_in_the_2xx_range(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.get(BALANCE_URL).mock(json_response(200, {"code": 201, "data": {"available": 1, "frozen": 0}}))
    with AcmeClient(KEY) as client, pytest.raises(APIStatusError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.code == 201


def test_html_error_page_on_an_error_status_keeps_the_page_as_body(respx_mock: respx.MockRouter) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    respx_mock.post(CREATE_URL).mock(httpx.Response(502, text=page, headers={"content-type": "text/html"}))
    with AcmeClient(KEY) as client, pytest.raises(InternalServerError) as caught:
        client._call("create_task", body={}, response_model=BalanceResponse)
    assert caught.value.body == page
    assert "502 Bad Gateway" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        ("<html><body>Cloudflare: please wait</body></html>", "text/html", "HTML page"),
        ('{"code": 200, "data": {"available": 9', "application/json", "truncated"),
        ("", "application/json", "empty"),
        ('{"code": 200, "data": {"available": "lots", "frozen": []}}', "application/json", "data.available"),
        ('{"code": 200, "data": []}', "application/json", "BalanceResponse"),
    ],
)
def test_malformed_success_body_raises_response_validation_error_with_the_raw_body(
    body: str, content_type: str, problem: str, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(BALANCE_URL).mock(httpx.Response(200, text=body, headers={"content-type": content_type}))
    with AcmeClient(KEY) as client, pytest.raises(ResponseValidationError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    error = caught.value
    assert problem in str(error)
    assert error.body == body
    assert error.response.status_code == 200
    assert error.response.text == body
    assert error.vendor == "acme"


def test_wrong_types_list_pydantic_errors_without_the_input(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(json_response(200, {"code": 200, "data": {"available": "lots", "frozen": 0}}))
    with AcmeClient(KEY) as client, pytest.raises(ResponseValidationError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    (error,) = caught.value.errors
    assert error["loc"] == ("data", "available")
    assert "input" not in error


def test_unwrap_without_the_data_field_is_a_response_validation_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(json_response(200, {"code": 200}))
    with AcmeClient(KEY) as client, pytest.raises(ResponseValidationError, match="'data'"):
        client._call("get_balance", response_model=BalanceResponse, unwrap=True)


def test_connect_error_becomes_api_connection_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(side_effect=httpx.ConnectError("connection refused"))
    with AcmeClient(KEY, max_retries=0) as client, pytest.raises(APIConnectionError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    assert type(caught.value) is APIConnectionError
    assert "connection refused" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.request.url == BALANCE_URL


def test_read_timeout_becomes_api_timeout_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(BALANCE_URL).mock(side_effect=httpx.ReadTimeout("timed out"))
    with AcmeClient(KEY, max_retries=0) as client, pytest.raises(APITimeoutError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    assert isinstance(caught.value, APIConnectionError)
    assert caught.value.vendor == "acme"


def test_every_runtime_exception_is_a_suno_error_that_names_its_vendor(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://api.acme.test/api/v1/task/t-1").mock(json_response(404, {"code": 404}))
    with AcmeClient(KEY) as client, pytest.raises(SunoError) as caught:
        client._call("get_task", params={"task_id": "t-1"}, response_model=TaskResponse)
    assert isinstance(caught.value, NotFoundError)
    assert caught.value.vendor == "acme"
