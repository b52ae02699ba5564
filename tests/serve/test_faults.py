"""Each fault the emulator stages drives the client exception it stands for, on every gateway's create call.

A fault is asked for per request (X-Sunogen-Fault, sent here as a default header of the client) or per server
(--fault). Requests are counted on the client's own transport, so a create that the server may have acted on is
seen to be sent once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import suno_clients
from suno_clients._runtime import exceptions as errors

from .harness import (
    Create,
    Running,
    auth_headers,
    client_kwargs,
    create_raw,
    creates,
    emulator,
    vendor_ir,
    vendors,
    wait_for,
)

Serve = Callable[[str], Running]
FIRST_CREATES = [creates(vendor)[0] for vendor in vendors()]
IDS = [create.vendor for create in FIRST_CREATES]


def _client(create: Create, running: Running, fault: str, sent: list[httpx.Request], **extra: Any) -> Any:
    module = suno_clients.vendor_module(create.vendor)
    http = httpx.Client(event_hooks={"request": [sent.append]}, timeout=extra.pop("timeout", 30))
    kwargs = client_kwargs(running, http_client=http, default_headers={"X-Sunogen-Fault": fault}, **extra)
    return module.Client(**kwargs), http


def _create(create: Create, running: Running, fault: str, **extra: Any) -> tuple[BaseException, list[httpx.Request]]:
    """Call the create once with the fault; the exception it raised and the requests that went out."""
    sent: list[httpx.Request] = []
    client, http = _client(create, running, fault, sent, **extra)
    with http, client, pytest.raises(errors.SunoError) as caught:
        getattr(client, create.operation.id)(**create.payload)
    return caught.value, sent


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_fail_task_ends_the_wait_with_task_failed_and_the_emulators_reason(create: Create, serve: Serve) -> None:
    sent: list[httpx.Request] = []
    client, http = _client(create, serve(create.vendor), "fail-task", sent)
    with http, client, pytest.raises(errors.TaskFailedError) as caught:
        getattr(client, create.method)(**create.payload, poll_interval=0.05, timeout=30)
    assert "fail-task" in str(caught.value)


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_429_is_a_rate_limit_error_with_retry_after(create: Create, serve: Serve) -> None:
    error, sent = _create(create, serve(create.vendor), "429")
    assert isinstance(error, errors.RateLimitError)
    assert error.response.headers["Retry-After"] == "1"
    assert error.status_code == 429
    assert len(sent) == 1


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_a_rate_limited_create_is_sent_again_after_retry_after_as_a_refusal_is_safe_to_repeat(
    create: Create, serve: Serve
) -> None:
    error, sent = _create(create, serve(create.vendor), "429=0", max_retries=1)
    assert isinstance(error, errors.RateLimitError)
    assert len(sent) == 2


@pytest.mark.parametrize("status", ["500", "503"])
@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_a_server_error_is_an_internal_server_error_and_the_create_is_not_sent_again(
    create: Create, status: str, serve: Serve
) -> None:
    error, sent = _create(create, serve(create.vendor), status, max_retries=2)
    assert isinstance(error, errors.InternalServerError)
    assert error.status_code == int(status)
    assert len(sent) == 1


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_slow_is_a_timeout_and_the_create_is_not_sent_again(create: Create, serve: Serve) -> None:
    running = serve(create.vendor)
    hang_up = f"{create.operation.method} {create.operation.path} -> 499, fault slow, the client hung up"

    def hang_ups() -> int:
        return sum(hang_up in line for line in running.lines)

    before = hang_ups()  # the emulator may be shared with other tests: this call's line is the one that is new
    error, sent = _create(create, running, "slow=10", max_retries=2, timeout=0.5)
    assert isinstance(error, errors.APITimeoutError)
    assert len(sent) == 1
    # the emulator notices the hang-up and says so in its log, without a traceback
    assert wait_for(lambda: hang_ups() > before), running.output
    assert "Traceback" not in running.output


@pytest.mark.parametrize("form", ["malformed", "malformed=html"])
@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_malformed_is_a_response_validation_error_carrying_the_raw_body(
    create: Create, form: str, serve: Serve
) -> None:
    error, _ = _create(create, serve(create.vendor), form)
    assert isinstance(error, errors.ResponseValidationError)
    assert error.body
    assert ("<html>" in error.body) == (form == "malformed=html")


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_drop_is_a_connection_error_and_the_create_is_not_sent_again(create: Create, serve: Serve) -> None:
    error, sent = _create(create, serve(create.vendor), "drop", max_retries=2)
    assert type(error) is errors.APIConnectionError
    assert len(sent) == 1


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_a_query_under_a_server_error_is_sent_again_and_then_raised(create: Create, serve: Serve) -> None:
    running = serve(create.vendor)
    task_id = create_raw(running, create)
    query = next(op for op in vendor_ir(create.vendor).operations if op.id == create.operation.task.poll)  # type: ignore[union-attr]
    param = next(p.python_name for p in query.params if p.required)
    sent: list[httpx.Request] = []
    client, http = _client(create, running, "503", sent, max_retries=1)
    with http, client, pytest.raises(errors.InternalServerError):
        getattr(client, query.id)(**{param: task_id})
    assert len(sent) == 2  # a query may be repeated: answering it changes nothing on the server


@pytest.fixture(scope="module")
def failing_server() -> Iterator[Running]:
    """An emulator whose every request fails with 500 unless it names a fault of its own."""
    with emulator(vendors()[0], "--fault", "500", "--task-seconds", "0.3") as running:
        yield running


def test_the_server_wide_fault_applies_to_a_request_that_names_none(failing_server: Running) -> None:
    create = creates(vendors()[0])[0]
    module = suno_clients.vendor_module(create.vendor)
    with module.Client(**client_kwargs(failing_server)) as client, pytest.raises(errors.InternalServerError):
        getattr(client, create.operation.id)(**create.payload)


def test_a_request_that_names_no_fault_escapes_the_server_wide_one(failing_server: Running) -> None:
    create = creates(vendors()[0])[0]
    module = suno_clients.vendor_module(create.vendor)
    kwargs = client_kwargs(failing_server, default_headers={"X-Sunogen-Fault": "none"})
    with module.Client(**kwargs) as client:
        result = getattr(client, create.method)(**create.payload, poll_interval=0.05, timeout=30)
    assert result.clips


@pytest.mark.parametrize("fault", ["explode", "slow=soon", "drop=1", "malformed=xml"])
def test_an_unknown_fault_is_answered_400_naming_the_known_ones(fault: str, serve: Serve) -> None:
    running = serve(vendors()[0])
    create = creates(vendors()[0])[0]
    headers = {"X-Sunogen-Fault": fault, **auth_headers(create.vendor)}
    response = httpx.post(running.url + create.operation.path, json=create.payload, headers=headers)
    assert response.status_code == 400
    assert "X-Sunogen-Fault" in response.text
