"""Base client: configuration, request building, envelope checks and error mapping shared by sync and async."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar

import httpx
from pydantic_core import ValidationError  # pydantic's own ValidationError, without importing pydantic's models

from .calls import NOT_GIVEN, CallResult, NotGiven, RequestHeaders, check_base_url, render_params
from .clock import Clock, SystemClock
from .errors import error_class, match_error
from .exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    ResponseValidationError,
)
from .exchange import DEFAULT_MAX_RESPONSE_BYTES, Exchange, Received
from .paths import MISSING, first_present, format_paths, lookup
from .redaction import Redactor, key_problem
from .responses import decode_or_missing, describe_non_json, numeric_code, redirect_note, same_code, snippet
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
]

log = logging.getLogger("suno_clients")

M = TypeVar("M", bound="BaseModel")
HttpxClientT = TypeVar("HttpxClientT", httpx.Client, httpx.AsyncClient)

DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2
_MAX_PARSED_URLS = 64
# Bodies are encoded with one encoder: json.dumps with options builds a new JSONEncoder on every call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class BaseClient(Generic[HttpxClientT]):
    """State and pure logic shared by SyncAPIClient and AsyncAPIClient; generated clients set `vendor`."""

    vendor: ClassVar[Vendor]

    base_url: str
    max_retries: int
    max_response_bytes: int
    timeout: httpx.Timeout | None
    _client: HttpxClientT

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
        success = vendor.envelope.success
        self._success_ints = frozenset(s for s in success if isinstance(s, int) and not isinstance(s, bool))
        self._urls: dict[str, httpx.URL] = {}
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._operations = {operation.id: operation for operation in vendor.operations}
        self._tasks = dict(vendor.tasks)
        self._polls = dict(vendor.polls)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} vendor={self.vendor.id!r} base_url={self.base_url!r}>"

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
        headers = self._headers.plain
        content: bytes | None = None
        if body is not None:
            if not operation.has_body:
                raise TypeError(f"{operation.id} takes no request body")
            content = _ENCODER.encode(body if type(body) is dict else dict(body)).encode()
            headers = self._headers.with_json
            for secret_path in self._body_secrets:
                secret = lookup(body, secret_path)
                if isinstance(secret, str):
                    self._redactor.learn(secret)
        extra: dict[str, Any] = {"timeout": self.timeout} if self._per_request_timeout else {}
        url = self.base_url + path
        parsed = self._urls.get(url)
        if parsed is None and "{" not in operation.path and len(self._urls) < _MAX_PARSED_URLS:
            # httpx parses a URL string on every request (about a third of building one); a fixed path's URL is
            # parsed once, keyed by the whole URL so a changed base_url is never sent to the old host.
            parsed = self._urls[url] = httpx.URL(url)
        # params=None when there is no query: an empty dict makes httpx parse and merge the URL again
        return self._client.build_request(
            operation.method,
            url if parsed is None else parsed,
            params=query or None,
            content=content,
            headers=headers,
            **extra,
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
        log.debug("%s %s -> HTTP %d", request.method, request.url, received.response.status_code)

    # -- responses ----------------------------------------------------------------------------------------------

    def _handle_response(
        self, operation: Operation, received: Received, response_model: type[M], *, unwrap: bool
    ) -> CallResult[M]:
        """Check the HTTP status and the envelope, then validate the body (or its data field) into the model.

        Every error is raised outside the `except` that found it: a chained parse error would hold the raw body.
        """
        response = received.response
        if not response.is_success:
            raise self._status_error(operation, response, MISSING if received.oversize else decode_or_missing(response))
        problem: str | None = None
        if received.oversize is not None:
            problem = (
                f"the body is larger than max_response_bytes ({self.max_response_bytes} bytes); "
                f"stopped reading after {received.oversize} bytes"
            )
            raise self._invalid_response(operation, response, problem)
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            problem = describe_non_json(response, exc)
        except RecursionError:
            problem = "the body is nested too deeply to read"
        if problem is not None:
            raise self._invalid_response(operation, response, problem)
        if self._envelope_failed(data):
            raise self._status_error(operation, response, data)
        payload = data
        envelope = self.vendor.envelope
        if unwrap and envelope.data is not None:
            if not isinstance(data, dict) or envelope.data not in data:
                raise self._invalid_response(operation, response, f"the body has no {envelope.data!r} field")
            payload = data[envelope.data]
        errors: Any = ()
        try:
            model = response_model.model_validate(payload)
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False)
            summary = "; ".join(
                f"{'.'.join(str(part) for part in e['loc']) or '(body)'}: {e['msg']}" for e in errors[:5]
            )
            more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
            problem = f"the body does not match {response_model.__name__}: {summary}{more}"
        except RecursionError:
            problem = f"the body is nested too deeply to read as {response_model.__name__}"
        if problem is not None:
            error = self._invalid_response(operation, response, problem, errors=errors)
            # a paid create whose answer names its task but breaks the model: the task exists, say which
            ref = self._tasks.get(operation.id)
            task_id = MISSING if ref is None else first_present(data, ref.id, skip_empty=True)
            if isinstance(task_id, str | int) and not isinstance(task_id, bool):
                error.attach_task(str(task_id))
            raise error
        return CallResult(model, data, response, self._redactor)

    def _envelope_failed(self, data: Any) -> bool:
        """True when a 2xx body's envelope code is present and not a success value (bools never match numbers)."""
        envelope = self.vendor.envelope
        if envelope.code is None or not isinstance(data, dict) or data.get(envelope.code) is None:
            return False
        code = data[envelope.code]
        if type(code) is int:  # the common case, decided by a set lookup (a bool is not an int here)
            return code not in self._success_ints
        return not any(same_code(code, success) for success in envelope.success)

    def _status_error(self, operation: Operation, response: httpx.Response, data: Any) -> APIStatusError:
        """The typed error for an error response or a 2xx body that reports failure.

        The operation's and then the gateway's error table (x-sunogen-errors) decide its kind by HTTP status,
        envelope code and message; what no entry matches means what HTTP says of the effective status (the
        envelope's numeric code when it is 400-599, else the HTTP status). A 2xx body with an unmatched string
        code has no kind: the generic APIStatusError, whose `code` says which.
        """
        response = self._redact(response)
        envelope = self.vendor.envelope
        code = data.get(envelope.code) if envelope.code and isinstance(data, dict) else None
        numeric = numeric_code(code)
        status = numeric if numeric is not None and 400 <= numeric < 600 else response.status_code
        message_field = data.get(envelope.message) if envelope.message and isinstance(data, dict) else None
        rule = match_error(
            operation.errors + self.vendor.errors, status=response.status_code, code=code, message=message_field
        )
        text = response.text
        detail = message_field if isinstance(message_field, str) and message_field.strip() else snippet(text)
        detail = redirect_note(response, self.base_url) or detail
        shown_code = f", code {code!r}" if code is not None else ""
        if response.is_success:
            head = f"the body reports failure (HTTP {response.status_code}{shown_code})"
        else:
            head = f"HTTP {response.status_code} {response.reason_phrase}".rstrip() + (
                f" (code {code!r})" if code is not None else ""
            )
        message = self._redactor.text(f"{self.vendor.id} {operation.id}: {head}: {detail}")
        kind = None if rule is None else rule.kind
        retryable = rule is not None and (rule.retry_create if operation.creates_task else rule.retry_query)
        return error_class(kind)(
            message,
            response=response,
            body=text,
            vendor=self.vendor.id,
            operation=operation.id,
            status_code=status,
            code=code,
            kind=kind,
            retryable=retryable,
        )

    def _invalid_response(
        self, operation: Operation, response: httpx.Response, problem: str, *, errors: Any = ()
    ) -> ResponseValidationError:
        response = self._redact(response)
        message = self._redactor.text(f"{self.vendor.id} {operation.id}: malformed response: {problem}")
        return ResponseValidationError(
            message, response=response, body=response.text, vendor=self.vendor.id, operation=operation.id, errors=errors
        )

    def _redact(self, response: httpx.Response) -> httpx.Response:
        """The copy of a response an error carries: request redacted, headers and body scrubbed, body an excerpt."""
        return self._redactor.response(response)

    def _connection_error(
        self, operation: Operation, exchange: Exchange, exc: httpx.RequestError
    ) -> APIConnectionError:
        """The error for a failed exchange; for a paid create, it says whether the task may exist."""
        # The chained cause is printed in tracebacks: neither it nor what it chains may carry the key.
        self._redactor.exception_chain(exc)
        redacted = self._redactor.request(exchange.request)
        error_class = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        what = "timed out" if error_class is APITimeoutError else "connection error"
        reason = self._redactor.text(str(exc)) or type(exc).__name__
        message = f"{self.vendor.id} {operation.id}: {what} ({type(exc).__name__}: {reason})"
        may_exist = operation.creates_task and exchange.may_have_reached_server(exc)
        if may_exist:
            message += (
                ". The request may have reached the gateway, so the task may exist and be charged: do not send it"
                " again blindly; look for the task (the gateway's task list or your balance) first"
            )
        return error_class(
            message, request=redacted, vendor=self.vendor.id, operation=operation.id, task_may_exist=may_exist
        )

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
