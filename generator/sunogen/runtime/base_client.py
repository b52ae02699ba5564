"""Base client: configuration, request building, envelope checks and error mapping shared by sync and async."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar

import httpx
from pydantic_core import PydanticSerializationError, to_json

from .calls import NOT_GIVEN, CallResult, NotGiven, RequestHeaders, check_base_url, render_params
from .clock import Clock, SystemClock
from .exceptions import APIConnectionError, APIStatusError, ConfigurationError
from .exchange import DEFAULT_MAX_RESPONSE_BYTES, Exchange, Received
from .outcomes import Outcomes
from .outgoing import Outgoing
from .paths import MISSING, first_present, format_paths, lookup
from .redaction import Redactor, key_problem
from .retries import may_retry_error, parse_retry_after, retry_delay
from .spec_data import Operation, Poll, TaskRef, Vendor
from .tasks import NewTask

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "BaseClient",
    "CallResult",
    "NotGiven",
    "log",
    "remember_task",
]

log = logging.getLogger("suno_clients")

M = TypeVar("M", bound="BaseModel")
HttpxClientT = TypeVar("HttpxClientT", httpx.Client, httpx.AsyncClient)

DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2


def body_bytes(body: dict[str, Any]) -> bytes:
    """A request body as compact UTF-8 JSON; the validators refused any value JSON has no word for.

    pydantic_core's encoder writes it: a create call takes about a tenth less than with json.dumps (bench figure
    7), which builds a new encoder on every call. It stops at 255 levels of nesting, which a free-form
    member may pass: json.dumps writes those. It also writes NaN and Infinity as those words, which are not JSON: a
    body holding either word goes to json.dumps too, which refuses a number JSON cannot say (ValueError) and writes a
    string that merely contains the word exactly as pydantic_core did. Every body reaches here through
    prepare_body's validation, which refuses the values JSON has no word for (a Decimal, a date, bytes, a set, a
    key that is not a string): pydantic_core would write those as text where json.dumps raises.
    """
    try:
        encoded = to_json(body)
    except PydanticSerializationError:  # nested past 255 levels
        return _json_dumps(body)
    if b"NaN" in encoded or b"Infinity" in encoded:
        return _json_dumps(body)
    return encoded


def _json_dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def remember_task(error: BaseException, task_id: str) -> None:
    """Mark an exception that is not ours (a cancellation, a timeout around the call, one raised by on_progress)
    with the task that was created before it: as `task_id`, and in a note its traceback shows."""
    with contextlib.suppress(AttributeError, TypeError):  # an exception type that takes no attributes keeps the note
        error.task_id = task_id  # type: ignore[attr-defined]
    error.add_note(f"task {task_id} was created; resume with client.wait({task_id!r}) instead of creating it again")


@functools.lru_cache(maxsize=64)
def parsed_url(url: str) -> httpx.URL:
    """`url` parsed, once per distinct URL: httpx parses a URL string on every request (a tenth of a call, bench/
    RESULTS.md's figure "what each kept optimisation buys"), and a fixed path's URL is the same every time."""
    return httpx.URL(url)


class BaseClient(Generic[HttpxClientT]):
    """State and pure logic shared by SyncAPIClient and AsyncAPIClient; generated clients set `vendor`."""

    vendor: ClassVar[Vendor]

    base_url: str
    max_retries: int
    max_response_bytes: int
    timeout: httpx.Timeout | None
    _client: HttpxClientT
    _owns_client: bool
    _outgoing: Outgoing

    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str | None,
        timeout: float | httpx.Timeout | NotGiven | None,
        max_retries: int,
        injected_client: bool,
        default_headers: Mapping[str, str] | None,
        clock: Clock | None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        vendor = getattr(type(self), "vendor", None)
        if not isinstance(vendor, Vendor):
            raise TypeError(f"{type(self).__name__} must set the class attribute `vendor` to a Vendor")
        key = api_key if api_key is not None else os.environ.get(vendor.env_key)
        if not key or not key.strip():
            raise ConfigurationError(
                f"{vendor.id}: no API key: pass api_key=... or set the {vendor.env_key} environment variable",
                vendor=vendor.id,
            )
        problem = key_problem(key.strip())
        if problem is not None:
            where = "api_key" if api_key is not None else vendor.env_key
            raise ConfigurationError(f"{vendor.id}: the API key in {where} cannot be sent: {problem}", vendor=vendor.id)
        self._redactor = Redactor(key.strip(), vendor.auth.header)
        # where a create's body carries a webhook signing secret: once sent, it is scrubbed like the key
        self._body_secrets = vendor.callback.secret if vendor.callback is not None else ()
        self.base_url = check_base_url(vendor, base_url if base_url is not None else vendor.base_url)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigurationError(f"{vendor.id}: max_retries must be an integer >= 0", vendor=vendor.id)
        self.max_retries = max_retries
        if isinstance(max_response_bytes, bool) or not isinstance(max_response_bytes, int) or max_response_bytes < 1:
            raise ConfigurationError(f"{vendor.id}: max_response_bytes must be an integer >= 1", vendor=vendor.id)
        self.max_response_bytes = max_response_bytes
        if isinstance(timeout, NotGiven):
            # An injected httpx client keeps its own timeout unless one is passed here explicitly.
            self.timeout = None if injected_client else DEFAULT_TIMEOUT
            self._per_request_timeout = False
        else:
            self.timeout = timeout if isinstance(timeout, httpx.Timeout) or timeout is None else httpx.Timeout(timeout)
            self._per_request_timeout = injected_client
        # Built once (in this order: defaults may replace Accept, nothing replaces the key). Held by an object whose
        # repr hides them, so vars(client) or a debugger's locals view never shows the key.
        auth = vendor.auth
        secret = f"Bearer {key.strip()}" if auth.kind == "bearer" else key.strip()
        self._headers = RequestHeaders({"Accept": "application/json", **(default_headers or {}), auth.header: secret})
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._operations = {operation.id: operation for operation in vendor.operations}
        self._tasks = dict(vendor.tasks)
        self._outcomes = Outcomes(vendor, self._tasks, self._redactor, max_response_bytes)
        self._polls = dict(vendor.polls)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} vendor={self.vendor.id!r} base_url={self.base_url!r}>"

    def _use_http_client(self, client: HttpxClientT, *, owned: bool) -> None:
        """Send every request through `client` (closed by close() when `owned`)."""
        self._client = client
        self._owns_client = owned
        self._outgoing = Outgoing(client, self._headers)

    # -- requests -----------------------------------------------------------------------------------------------

    def _operation(self, operation_id: str) -> Operation:
        try:
            return self._operations[operation_id]
        except KeyError:
            raise ConfigurationError(
                f"{self.vendor.id}: no operation {operation_id!r} in the spec", vendor=self.vendor.id
            ) from None

    def _build_request(
        self, operation: Operation, body: Mapping[str, object] | None, params: Mapping[str, object] | None
    ) -> httpx.Request:
        """The request for one call: path formatted, query added, body as compact JSON, auth header set."""
        if params or operation.params:
            path, query = render_params(self.vendor.id, operation, dict(params or {}))
        else:
            path, query = operation.path, {}
        content: bytes | None = None
        if body is not None:
            if not operation.has_body:
                raise TypeError(f"{operation.id} takes no request body")
            content = body_bytes(dict(body))
            for secret_path in self._body_secrets:
                secret = lookup(body, secret_path)
                if isinstance(secret, str):
                    self._redactor.learn(secret)
        url = self.base_url + path
        # params=None when there is no query: an empty dict makes httpx parse and merge the URL again
        return self._outgoing.build(
            operation.method,
            parsed_url(url) if "{" not in operation.path else url,
            query=query or None,
            content=content,
            timeout=self.timeout if self._per_request_timeout else NOT_GIVEN,
        )

    def _exchange(
        self, request: httpx.Request, timeouts: dict[str, float | None], deadline: float | None, *, asynchronous: bool
    ) -> Exchange:
        """One attempt at sending `request`: `timeouts` (as the request was built) bound it as a whole."""
        return Exchange(request, timeouts, self._clock, deadline, asynchronous=asynchronous)

    def _time_left(self, deadline: float | None, pause: float) -> bool:
        """Whether a retry after `pause` seconds would still start before the caller's deadline."""
        return deadline is None or self._clock.monotonic() + pause < deadline

    def _received(self, request: httpx.Request, received: Received) -> None:
        """Log the answer (never headers). Redaction waits for an error: a success keeps no response around."""
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s -> HTTP %d", request.method, request.url, received.response.status_code)

    # -- responses ----------------------------------------------------------------------------------------------

    def _handle_response(
        self, operation: Operation, received: Received, response_model: type[M], *, unwrap: bool
    ) -> CallResult[M]:
        """The checked result of an answer, or the typed error it means (outcomes.py)."""
        return self._outcomes.result(operation, received, response_model, unwrap=unwrap, base_url=self.base_url)

    def _invalid_response(self, operation: Operation, response: httpx.Response, problem: str) -> Exception:
        """The ResponseValidationError for a response that is not what the spec says."""
        return self._outcomes.invalid_response(operation, response, problem)

    def _connection_error(
        self, operation: Operation, exchange: Exchange, exc: httpx.RequestError
    ) -> APIConnectionError:
        """The error for a failed exchange; for a paid create, it says whether the task may exist."""
        return self._outcomes.connection_error(operation, exchange, exc)

    # -- retries ------------------------------------------------------------------------------------------------

    def _pause_after_error(
        self,
        operation: Operation,
        exc: httpx.RequestError,
        retries_taken: int,
        max_retries: int,
        deadline: float | None = None,
    ) -> float | None:
        """Seconds to wait before retrying a transport failure, or None to give up."""
        if retries_taken >= max_retries or not may_retry_error(operation, exc):
            return None
        pause = retry_delay(retries_taken, None)
        if not self._time_left(deadline, pause):
            return None
        self._log_retry(operation, type(exc).__name__, pause, retries_taken, max_retries)
        return pause

    def _pause_after_status(
        self,
        operation: Operation,
        error: APIStatusError,
        retries_taken: int,
        max_retries: int,
        deadline: float | None = None,
    ) -> float | None:
        """Seconds to wait before retrying an error status the spec calls retryable (Retry-After honoured), or None.

        None too when the pause would end past the caller's `deadline`.
        """
        if retries_taken >= max_retries or not error.retryable:
            return None
        after = parse_retry_after(error.response.headers, now=self._clock.time())
        pause = retry_delay(retries_taken, after)
        if not self._time_left(deadline, pause):
            return None
        self._log_retry(operation, f"status {error.status_code}", pause, retries_taken, max_retries)
        return pause

    def _log_retry(self, operation: Operation, cause: str, pause: float, retries_taken: int, max_retries: int) -> None:
        log.debug(
            "%s %s failed (%s); retry %d of %d in %.2fs",
            operation.method,
            operation.path,
            cause,
            retries_taken + 1,
            max_retries,
            pause,
        )

    # -- tasks --------------------------------------------------------------------------------------------------

    def _task_ref(self, operation_id: str) -> TaskRef:
        try:
            return self._tasks[operation_id]
        except KeyError:
            raise ConfigurationError(
                f"{self.vendor.id}: {operation_id} does not create a task (no x-sunogen-task)", vendor=self.vendor.id
            ) from None

    def _poll_target(self, operation_id: str | None) -> tuple[Operation, Poll, str]:
        """The query operation that follows a task, its Poll descriptor and the parameter that takes the task id."""
        if operation_id is None:
            if len(self._polls) != 1:
                raise ConfigurationError(
                    f"{self.vendor.id}: say which operation polls the task ({', '.join(sorted(self._polls))})",
                    vendor=self.vendor.id,
                )
            operation_id = next(iter(self._polls))
        if operation_id not in self._polls:
            raise ConfigurationError(f"{self.vendor.id}: {operation_id} has no x-sunogen-poll", vendor=self.vendor.id)
        operation = self._operation(operation_id)
        required = [param for param in operation.params if param.required]
        if operation.has_body or len(required) != 1:
            raise ConfigurationError(
                f"{self.vendor.id}: {operation_id} must take the task id as its one required parameter",
                vendor=self.vendor.id,
            )
        return operation, self._polls[operation_id], required[0].python_name

    def _new_task(self, operation_id: str, result: CallResult[Any]) -> NewTask[Any]:
        """A create call's NewTask: the task id by its TaskRef paths, and the envelope's data (or the whole body)."""
        field = self.vendor.envelope.data
        data = result.model if field is None else _field_value(result.model, field)
        return NewTask(self._task_id_of(operation_id, result), data)

    def _task_id_of(self, operation_id: str, result: CallResult[Any]) -> str:
        """The new task's id from a create call's body, by the TaskRef paths (first present wins)."""
        ref = self._task_ref(operation_id)
        value = first_present(result.data, ref.id, skip_empty=True)
        if value is MISSING or isinstance(value, bool) or not isinstance(value, str | int):
            raise self._invalid_response(
                self._operation(operation_id), result.response, f"no task id at {format_paths(ref.id)}"
            )
        return str(value)


def _field_value(model: Any, name: str) -> Any:
    """The value of the field a model reads from the JSON key `name` (its alias, or its own name); None if unset."""
    for attribute, field in type(model).model_fields.items():
        if (field.alias or attribute) == name:
            return getattr(model, attribute)
    return (model.model_extra or {}).get(name)
