"""Conformance support: a VendorCase per gateway, a fake clock, and the suite every vendor's test class runs."""

from __future__ import annotations

import inspect
import json
import logging
import typing
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Literal

import httpx
import pytest
import respx
import yaml

from tests.runtime.support import FakeClock  # one fake clock for every test suite

from .spec_gateway import gateway

KEY = "sk-conformance-0123456789abcdef-TOPSECRET"
SPECS = Path(__file__).resolve().parents[2] / "specs"
MP3 = "https://cdn1.suno.ai/{}.mp3"
STREAM = "https://audiopipe.suno.ai/?item_id={}"
PLACEHOLDER = "https://cdn1.suno.ai/None.mp3"
HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
TRUNCATED = '{"code": 200, "data": {"task_id": "t-1", "sta'

Mode = Literal["sync", "async"]
Json = dict[str, Any]


@dataclass(frozen=True)
class OperationCase:
    """How to call one operation and what must go over the wire: method, full URL (with query), JSON body."""

    id: str
    method: str
    url: str
    kwargs: Json = field(default_factory=dict)
    body: Json | None = None
    ok: Any = None  # a 2xx body the return type accepts
    creates_task: bool = False


@dataclass(frozen=True)
class InvalidCall:
    """A call that breaks the spec's rules and so must never reach the transport."""

    name: str
    operation: str
    kwargs: Json


@dataclass(frozen=True)
class Example:
    """A documented example from the spec."""

    operation: str
    name: str
    status: int
    value: Any


@dataclass(frozen=True)
class VendorCase:
    """Everything the shared suite needs to know about one vendor, written out by hand from its spec."""

    vendor: str
    module: ModuleType
    auth_header: str
    auth_value: str
    operations: tuple[OperationCase, ...]
    invalid_calls: tuple[InvalidCall, ...]
    create: str
    query: str
    poll_url: str  # URL polled for task "t-1"
    created: Any  # create response naming task "t-1"
    task: Callable[..., Any]  # task(word, clips=None, reason=None) -> poll body for task "t-1"
    clip: Callable[[str, str], Json]  # clip(id, audio_url) in the vendor's shape, finished
    ok_code: object
    error_body: Callable[[int, str], Any]
    base_url: str | None = None

    @property
    def words(self) -> tuple[str, str, str, str]:
        """Pending, running (partial), success and failure in the vendor's vocabulary, read from its spec."""
        spec = gateway(self.vendor)
        pending, partial, success, failure = (spec.task_word(s) for s in ("pending", "partial", "success", "failure"))
        return pending, partial, success, failure

    def op(self, operation_id: str) -> OperationCase:
        """The OperationCase of an operation id."""
        return next(op for op in self.operations if op.id == operation_id)

    def request_examples(self) -> list[Example]:
        """Every requestBody example of the spec."""
        found: list[Example] = []
        for operation, spec in _operations(self.vendor):
            content = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
            for name, example in content.get("examples", {}).items():
                found.append(Example(operation, name, 0, example["value"]))
        return found

    def response_examples(self) -> list[Example]:
        """Every 2xx response example of the spec."""
        return [example for example in _response_examples(self.vendor) if 200 <= example.status < 300]

    def error_statuses(self) -> list[tuple[str, int]]:
        """Every documented error status of every operation."""
        return [
            (operation, int(status))
            for operation, spec in _operations(self.vendor)
            for status in spec["responses"]
            if int(status) >= 400
        ]

    def documented_error_body(self, operation: str, status: int) -> Any:
        """The spec's example for that error status, or a body in the vendor's error shape."""
        for example in _response_examples(self.vendor):
            if example.operation == operation and example.status == status:
                return example.value
        return self.error_body(status, "the gateway says no")

    def malformed_bodies(self) -> list[tuple[str, str]]:
        """Bodies no 2xx answer may have: an HTML page, truncated JSON, and the right envelope with wrong types."""
        wrong_types = json.dumps({"code": self.ok_code, "message": "", "data": 12345})
        return [("html-error-page", HTML_PAGE), ("truncated-json", TRUNCATED), ("wrong-types", wrong_types)]


@cache
def _spec(vendor: str) -> Json:
    with (SPECS / f"{vendor}.yaml").open(encoding="utf-8") as file:
        loaded: Json = yaml.safe_load(file)
    return loaded


def _operations(vendor: str) -> list[tuple[str, Json]]:
    return [
        (spec["operationId"], spec)
        for item in _spec(vendor)["paths"].values()
        for spec in item.values()
        if isinstance(spec, dict) and "operationId" in spec
    ]


def _response_examples(vendor: str) -> list[Example]:
    return [
        Example(operation, name, int(status), example["value"])
        for operation, spec in _operations(vendor)
        for status, response in spec["responses"].items()
        for name, example in response.get("content", {}).get("application/json", {}).get("examples", {}).items()
    ]


async def call(client: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a client method the same way for Client and AsyncClient."""
    result = getattr(client, method)(*args, **kwargs)
    if inspect.isawaitable(result):
        return await result
    return result


def reply(status: int, body: Any, headers: Mapping[str, str] | None = None) -> httpx.Response:
    """A JSON response."""
    return httpx.Response(status, json=body, headers=dict(headers or {}))


def return_type(case: VendorCase, operation: str) -> type[Any]:
    """The declared return type of Client.<operation> (the class of a generic one, such as NewTask[...])."""
    hints = typing.get_type_hints(getattr(case.module.Client, operation))
    result: type[Any] = typing.get_origin(hints["return"]) or hints["return"]
    return result


@cache
def and_wait_method(vendor: str, create: str) -> str:
    """The name the generator gave the method that runs `create` and waits: create_and_wait or <create>_and_wait."""
    from sunogen.build import build
    from sunogen.load import load

    path = SPECS / f"{vendor}.yaml"
    built = build(load(f"specs/{vendor}.yaml", path.read_text(encoding="utf-8")))
    return next(m.name for m in built.methods if m.kind == "create_and_wait" and m.operation.id == create)


def assert_key_absent(exc: BaseException) -> None:
    """Neither the exception nor anything chained to it shows the key in str or repr."""
    seen: BaseException | None = exc
    while seen is not None:
        assert KEY not in str(seen)
        assert KEY not in repr(seen)
        assert KEY not in repr(seen.args)
        seen = seen.__cause__ or seen.__context__
    request = getattr(exc, "request", None)
    if isinstance(request, httpx.Request):
        assert KEY not in str(request.headers.raw)


class ConformanceSuite:
    """The tests every vendor's client must pass; a vendor's test class sets `case` and inherits them all."""

    case: ClassVar[VendorCase]

    @pytest.fixture(params=["sync", "async"])
    def mode(self, request: pytest.FixtureRequest) -> Mode:
        """Every test runs with Client and with AsyncClient."""
        value: Mode = request.param
        return value

    @pytest.fixture
    def router(self) -> Iterator[respx.MockRouter]:
        """A respx router; unmatched requests fail the test, unused routes do not."""
        with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
            yield mock

    @pytest.fixture
    def clock(self) -> FakeClock:
        """The fake clock every client of a test shares."""
        return FakeClock()

    @pytest.fixture
    async def make(self, mode: Mode, clock: FakeClock) -> AsyncIterator[Callable[..., Any]]:
        """A factory of clients of the test's mode (key, base_url and fake clock set); all closed afterwards."""
        made: list[Any] = []

        def factory(**options: Any) -> Any:
            options.setdefault("api_key", KEY)
            options.setdefault("clock", clock)
            if self.case.base_url is not None:
                options.setdefault("base_url", self.case.base_url)
            cls = self.case.module.Client if mode == "sync" else self.case.module.AsyncClient
            client = cls(**options)
            made.append(client)
            return client

        yield factory
        for client in made:
            await call(client, "close")

    # -- requests -------------------------------------------------------------------------------------------------

    async def test_each_operation_sends_its_method_exact_url_auth_header_and_json_body(
        self, operation: OperationCase, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.route(method=operation.method, url=operation.url).mock(reply(200, operation.ok))
        await call(make(), operation.id, **operation.kwargs)
        assert route.call_count == 1
        sent = route.calls.last.request
        assert sent.method == operation.method
        assert str(sent.url) == operation.url
        assert sent.headers[self.case.auth_header] == self.case.auth_value
        if operation.body is None:
            assert sent.content == b""
        else:
            assert sent.headers["content-type"] == "application/json"
            assert json.loads(sent.content) == operation.body

    async def test_each_documented_request_example_is_sent_exactly_as_written(
        self, request_example: Example, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        operation = self.case.op(request_example.operation)
        route = router.route(method=operation.method, url=operation.url).mock(reply(200, operation.ok))
        await call(make(), operation.id, **request_example.value)
        assert json.loads(route.calls.last.request.content) == request_example.value

    async def test_a_request_model_instance_is_sent_like_its_keyword_fields(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        operation = self.case.op(self.case.create)
        assert operation.body is not None
        model = typing.get_type_hints(getattr(self.case.module.Client, operation.id))["request"]
        request_model = typing.get_args(model)[0]
        route = router.route(method=operation.method, url=operation.url).mock(reply(200, operation.ok))
        await call(make(), operation.id, request_model.model_validate(operation.body))
        assert json.loads(route.calls.last.request.content) == operation.body

    async def test_an_invalid_request_raises_before_anything_reaches_the_transport(
        self, invalid_call: InvalidCall, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.route().mock(reply(200, {}))
        with pytest.raises(self.case.module.RequestValidationError) as caught:
            await call(make(), invalid_call.operation, **invalid_call.kwargs)
        assert caught.value.violations
        assert not route.called

    # -- responses ------------------------------------------------------------------------------------------------

    async def test_each_documented_response_example_parses_with_the_methods_return_type(
        self, response_example: Example, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        operation = self.case.op(response_example.operation)
        router.route(method=operation.method, url=operation.url).mock(
            reply(response_example.status, response_example.value)
        )
        result = await call(make(), operation.id, **operation.kwargs)
        assert isinstance(result, return_type(self.case, operation.id))

    async def test_each_documented_error_status_raises_its_exception_class(
        self, error_status: tuple[str, int], make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        operation_id, status = error_status
        operation = self.case.op(operation_id)
        body = self.case.documented_error_body(operation_id, status)
        router.route(method=operation.method, url=operation.url).mock(reply(status, body))
        with pytest.raises(self.case.module.APIStatusError) as caught:
            await call(make(max_retries=0), operation.id, **operation.kwargs)
        assert type(caught.value) is gateway(self.case.vendor).expected_error_class(operation_id, status, body)
        assert caught.value.http_status == status
        assert caught.value.operation == operation_id

    async def test_a_malformed_success_body_raises_response_validation_error_carrying_the_raw_body(
        self, malformed: tuple[str, str], make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        _, text = malformed
        operation = self.case.op(self.case.query)
        router.route(method=operation.method, url=operation.url).mock(
            httpx.Response(200, text=text, headers={"content-type": "text/html"})
        )
        with pytest.raises(self.case.module.ResponseValidationError) as caught:
            await call(make(), operation.id, **operation.kwargs)
        assert caught.value.body == text
        assert caught.value.response.text == text
        assert caught.value.response.status_code == 200

    # -- retries --------------------------------------------------------------------------------------------------

    async def test_a_create_call_is_not_retried_after_a_read_timeout(
        self, make: Callable[..., Any], router: respx.MockRouter, clock: FakeClock
    ) -> None:
        operation = self.case.op(self.case.create)
        route = router.route(method=operation.method, url=operation.url).mock(
            side_effect=[httpx.ReadTimeout("read timed out"), reply(200, operation.ok)]
        )
        with pytest.raises(self.case.module.APITimeoutError):
            await call(make(max_retries=3), operation.id, **operation.kwargs)
        assert route.call_count == 1
        assert clock.sleeps == []

    async def test_a_create_call_is_not_retried_after_a_503(
        self, make: Callable[..., Any], router: respx.MockRouter, clock: FakeClock
    ) -> None:
        operation = self.case.op(self.case.create)
        route = router.route(method=operation.method, url=operation.url).mock(
            side_effect=[reply(503, self.case.error_body(503, "overloaded")), reply(200, operation.ok)]
        )
        with pytest.raises(self.case.module.InternalServerError):
            await call(make(max_retries=3), operation.id, **operation.kwargs)
        assert route.call_count == 1
        assert clock.sleeps == []

    async def test_a_create_call_is_retried_after_a_connect_error(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        operation = self.case.op(self.case.create)
        route = router.route(method=operation.method, url=operation.url).mock(
            side_effect=[httpx.ConnectError("connection refused"), reply(200, operation.ok)]
        )
        result = await call(make(max_retries=2), operation.id, **operation.kwargs)
        assert isinstance(result, return_type(self.case, operation.id))
        assert route.call_count == 2
        assert json.loads(route.calls[1].request.content) == operation.body

    async def test_a_create_call_is_retried_after_a_429_refusal_honouring_retry_after(
        self, make: Callable[..., Any], router: respx.MockRouter, clock: FakeClock
    ) -> None:
        operation = self.case.op(self.case.create)
        route = router.route(method=operation.method, url=operation.url).mock(
            side_effect=[
                reply(429, self.case.error_body(429, "slow down"), {"Retry-After": "3"}),
                reply(200, operation.ok),
            ]
        )
        await call(make(max_retries=2), operation.id, **operation.kwargs)
        assert route.call_count == 2
        assert clock.sleeps == [3.0]

    async def test_an_injected_httpx_client_is_used_and_left_open(
        self, mode: Mode, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        operation = self.case.op(self.case.query)
        route = router.route(method=operation.method, url=operation.url).mock(reply(200, operation.ok))
        http: httpx.Client | httpx.AsyncClient = httpx.Client() if mode == "sync" else httpx.AsyncClient()
        client = make(http_client=http)
        await call(client, operation.id, **operation.kwargs)
        await call(client, "close")
        assert route.call_count == 1
        assert not http.is_closed
        await call(http, "close" if mode == "sync" else "aclose")

    async def test_a_query_call_is_retried_on_503_and_honours_retry_after(
        self, make: Callable[..., Any], router: respx.MockRouter, clock: FakeClock
    ) -> None:
        operation = self.case.op(self.case.query)
        route = router.route(method=operation.method, url=operation.url).mock(
            side_effect=[
                reply(503, self.case.error_body(503, "overloaded"), {"Retry-After": "7"}),
                reply(200, operation.ok),
            ]
        )
        result = await call(make(max_retries=2), operation.id, **operation.kwargs)
        assert isinstance(result, return_type(self.case, operation.id))
        assert route.call_count == 2
        assert clock.sleeps == [7.0]

    # -- polling --------------------------------------------------------------------------------------------------

    def _clips(self) -> list[Json]:
        return [self.case.clip("clip-a", MP3.format("clip-a")), self.case.clip("clip-b", MP3.format("clip-b"))]

    async def test_wait_goes_from_pending_through_running_to_success_in_the_vendors_words(
        self, make: Callable[..., Any], router: respx.MockRouter, clock: FakeClock
    ) -> None:
        pending, running, success, _ = self.case.words
        route = router.get(self.case.poll_url).mock(
            side_effect=[
                reply(200, self.case.task(pending)),
                reply(200, self.case.task(running)),
                reply(200, self.case.task(success, clips=self._clips())),
            ]
        )
        result = await call(make(), "wait", "t-1", timeout=600, poll_interval=5)
        assert route.call_count == 3
        assert result.task_id == "t-1"
        assert result.status == success
        assert [clip.id for clip in result.clips] == ["clip-a", "clip-b"]
        assert result.audio_urls == (MP3.format("clip-a"), MP3.format("clip-b"))
        assert len(clock.sleeps) == 2
        assert all(route.calls[i].request.headers[self.case.auth_header] == self.case.auth_value for i in range(3))

    async def test_wait_raises_task_failed_error_with_the_vendors_reason(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        pending, _, _, failure = self.case.words
        router.get(self.case.poll_url).mock(
            side_effect=[
                reply(200, self.case.task(pending)),
                reply(200, self.case.task(failure, reason="lyrics rejected by moderation")),
            ]
        )
        with pytest.raises(self.case.module.TaskFailedError) as caught:
            await call(make(), "wait", "t-1", timeout=600, poll_interval=5)
        assert caught.value.task_id == "t-1"
        assert caught.value.reason == "lyrics rejected by moderation"

    async def test_wait_raises_task_timeout_error_when_the_task_never_finishes(
        self, make: Callable[..., Any], router: respx.MockRouter, clock: FakeClock
    ) -> None:
        _, running, _, _ = self.case.words
        route = router.get(self.case.poll_url).mock(reply(200, self.case.task(running)))
        with pytest.raises(self.case.module.TaskTimeoutError) as caught:
            await call(make(), "wait", "t-1", timeout=60, poll_interval=5)
        assert caught.value.task_id == "t-1"
        assert clock.now - 1000.0 == pytest.approx(60.0)
        assert route.call_count >= 2

    async def test_a_streaming_audio_url_is_not_returned_as_a_finished_clip(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        _, _, success, _ = self.case.words
        route = router.get(self.case.poll_url).mock(
            side_effect=[
                reply(200, self.case.task(success, clips=[self.case.clip("clip-a", STREAM.format("clip-a"))])),
                reply(200, self.case.task(success, clips=[self.case.clip("clip-a", STREAM.format("clip-a"))])),
                reply(200, self.case.task(success, clips=[self.case.clip("clip-a", MP3.format("clip-a"))])),
            ]
        )
        result = await call(make(), "wait", "t-1", timeout=600, poll_interval=5)
        assert route.call_count == 3
        assert result.audio_urls == (MP3.format("clip-a"),)

    async def test_a_placeholder_audio_url_fails_the_task_at_once(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        _, _, success, _ = self.case.words
        route = router.get(self.case.poll_url).mock(
            reply(200, self.case.task(success, clips=[self.case.clip("clip-a", PLACEHOLDER)]))
        )
        with pytest.raises(self.case.module.TaskFailedError, match="clip-a has no audio"):
            await call(make(), "wait", "t-1", timeout=600, poll_interval=5)
        assert route.call_count == 1

    async def test_wait_on_a_task_stuck_on_a_stream_url_times_out_instead_of_returning_it(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        _, _, success, _ = self.case.words
        router.get(self.case.poll_url).mock(
            reply(200, self.case.task(success, clips=[self.case.clip("clip-a", STREAM.format("clip-a"))]))
        )
        with pytest.raises(self.case.module.TaskTimeoutError):
            await call(make(), "wait", "t-1", timeout=30, poll_interval=5)

    async def test_create_and_wait_creates_once_then_polls_the_task_it_created(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        create = self.case.op(self.case.create)
        _, running, success, _ = self.case.words
        created = router.route(method=create.method, url=create.url).mock(reply(200, self.case.created))
        polled = router.get(self.case.poll_url).mock(
            side_effect=[reply(200, self.case.task(running)), reply(200, self.case.task(success, clips=self._clips()))]
        )
        and_wait = and_wait_method(self.case.vendor, self.case.create)
        result = await call(make(), and_wait, **create.kwargs, timeout=600, poll_interval=5)
        assert created.call_count == 1
        assert json.loads(created.calls.last.request.content) == create.body
        assert polled.call_count == 2
        assert result.task_id == "t-1"
        assert len(result.clips) == 2

    # -- configuration and secrets --------------------------------------------------------------------------------

    async def test_the_key_is_read_from_the_vendors_environment_variable(
        self, make: Callable[..., Any], router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        env_key = f"SUNOGEN_{self.case.vendor.upper()}_API_KEY"
        assert self.case.module.VENDOR.env_key == env_key
        monkeypatch.setenv(env_key, KEY)
        operation = self.case.op(self.case.query)
        route = router.route(method=operation.method, url=operation.url).mock(reply(200, operation.ok))
        await call(make(api_key=None), operation.id, **operation.kwargs)
        assert route.calls.last.request.headers[self.case.auth_header] == self.case.auth_value

    async def test_a_missing_key_is_a_clear_configuration_error_at_construction(
        self, make: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        env_key = f"SUNOGEN_{self.case.vendor.upper()}_API_KEY"
        monkeypatch.delenv(env_key, raising=False)
        with pytest.raises(self.case.module.ConfigurationError, match=env_key):
            make(api_key=None)

    async def test_the_key_never_appears_in_the_clients_repr(self, make: Callable[..., Any]) -> None:
        client = make()
        assert KEY not in repr(client)
        assert KEY not in str(client)

    async def test_the_key_never_appears_in_any_raised_exception(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        query = self.case.op(self.case.query)
        create = self.case.op(self.case.create)
        _, _, _, failure = self.case.words
        client = make(max_retries=0)
        failures: list[tuple[OperationCase, Any]] = [
            (query, reply(401, self.case.error_body(401, f"Invalid API key {KEY}"))),
            (query, httpx.Response(200, text=f"<html>bad key {KEY}</html>")),
            (create, httpx.ReadTimeout(f"timed out sending {KEY}")),
            (query, httpx.ConnectError("connection refused")),
            (query, reply(200, self.case.task(failure, reason=f"upstream rejected key {KEY}"))),
        ]
        for operation, outcome in failures:
            router.routes.clear()
            if isinstance(outcome, Exception):
                router.route(method=operation.method, url=operation.url).mock(side_effect=outcome)
            else:
                router.route(method=operation.method, url=operation.url).mock(outcome)
            method = "wait" if outcome is failures[-1][1] else operation.id
            args = ("t-1",) if method == "wait" else ()
            kwargs = {"timeout": 60, "poll_interval": 5} if method == "wait" else operation.kwargs
            with pytest.raises(self.case.module.SunoError) as caught:
                await call(client, method, *args, **kwargs)
            assert_key_absent(caught.value)
        invalid = self.case.invalid_calls[0]
        with pytest.raises(self.case.module.RequestValidationError) as rejected:
            await call(client, invalid.operation, **invalid.kwargs)
        assert_key_absent(rejected.value)

    async def test_the_key_never_appears_in_debug_logs(
        self, make: Callable[..., Any], router: respx.MockRouter, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        create = self.case.op(self.case.create)
        _, running, success, _ = self.case.words
        router.route(method=create.method, url=create.url).mock(
            side_effect=[httpx.ConnectError("refused"), reply(200, self.case.created)]
        )
        router.get(self.case.poll_url).mock(
            side_effect=[
                reply(503, self.case.error_body(503, f"echo {KEY}")),
                reply(200, self.case.task(running)),
                reply(200, self.case.task(success, clips=self._clips())),
            ]
        )
        and_wait = and_wait_method(self.case.vendor, self.case.create)
        await call(make(), and_wait, **create.kwargs, timeout=600, poll_interval=5)
        assert caplog.records, "the clients log at DEBUG"
        assert KEY not in caplog.text
        assert all(KEY not in record.getMessage() for record in caplog.records)
