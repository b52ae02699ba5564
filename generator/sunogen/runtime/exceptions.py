"""Exceptions: the typed errors of every generated client (openai/httpx-style family), free of the API key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx  # annotations only: the models import these errors without importing httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CallbackError",
    "CallbackPayloadError",
    "CallbackSignatureError",
    "ConfigurationError",
    "FeatureDisabledError",
    "GenerationFailedError",
    "InternalServerError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseValidationError",
    "ServiceUnavailableError",
    "SunoError",
    "TaskFailedError",
    "TaskTimeoutError",
    "UnprocessableEntityError",
    "status_error_class",
]


class SunoError(Exception):
    """Root of every error a suno_clients client raises. `vendor` is the gateway id (`sunor`, `crun`, ...)."""

    message: str
    vendor: str

    def __init__(self, message: str, *, vendor: str) -> None:
        super().__init__(message)
        self.message = message
        self.vendor = vendor

    def __str__(self) -> str:
        return self.message


class ConfigurationError(SunoError, ValueError):
    """The client cannot be built or used as asked: no API key, no base_url, an unknown operation."""


class RequestValidationError(SunoError, ValueError):
    """The request breaks the vendor's rules; raised before anything is sent. `violations` lists each problem."""

    violations: tuple[object, ...]
    operation: str | None

    def __init__(self, violations: Sequence[object], *, vendor: str, operation: str | None = None) -> None:
        self.violations = tuple(violations)
        self.operation = operation
        where = f"{vendor} {operation}" if operation else vendor
        count = len(self.violations)
        lines = "".join(f"\n  {violation}" for violation in self.violations)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{where}: invalid request, nothing was sent ({count} {noun}):{lines}", vendor=vendor)


class APIError(SunoError):
    """An HTTP exchange went wrong. `request` is a copy whose auth header is redacted; `body` the raw text, if any."""

    request: httpx.Request
    body: str | None
    operation: str | None

    def __init__(
        self, message: str, request: httpx.Request, *, body: str | None, vendor: str, operation: str | None = None
    ) -> None:
        super().__init__(message, vendor=vendor)
        self.request = request
        self.body = body
        self.operation = operation


class APIStatusError(APIError):
    """The gateway answered with an error: a 4xx/5xx HTTP status, or a 2xx body whose envelope code says failure.

    `status_code` is the effective status: the envelope's numeric code when it carries one (crun answers
    HTTP 200 with `code: 455`), else the HTTP status. `http_status` is always the HTTP status, and `code`
    the envelope's raw code (`"invalid_request"`, `455`) or None.
    """

    response: httpx.Response
    status_code: int
    http_status: int
    code: object

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: str | None,
        vendor: str,
        operation: str | None = None,
        status_code: int | None = None,
        code: object = None,
    ) -> None:
        super().__init__(message, response.request, body=body, vendor=vendor, operation=operation)
        self.response = response
        self.http_status = response.status_code
        self.status_code = response.status_code if status_code is None else status_code
        self.code = code


class BadRequestError(APIStatusError):
    """400: the gateway rejected the request's content."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, malformed or unknown."""


class PaymentRequiredError(APIStatusError):
    """402: not enough credits for this call."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this (some gateways also use it for a lack of credits or moderation)."""


class NotFoundError(APIStatusError):
    """404: no such task or resource (or not this key's)."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but cannot be processed (crun: `task_id not found`)."""


class RateLimitError(APIStatusError):
    """429: too many requests or too many concurrent tasks; see the `Retry-After` header."""


class ServiceUnavailableError(APIStatusError):
    """455 (crun's family): the service is down for maintenance."""


class InternalServerError(APIStatusError):
    """5xx: the gateway or its upstream failed."""


class GenerationFailedError(APIStatusError):
    """501 (crun's family): the generation itself failed. Not an InternalServerError: retrying will not help."""


class FeatureDisabledError(APIStatusError):
    """505 (crun's family): the feature is disabled for this account or model."""


_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    455: ServiceUnavailableError,
    501: GenerationFailedError,
    505: FeatureDisabledError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP status or a numeric envelope code; APIStatusError when none is specific."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if 500 <= status < 600:
        return InternalServerError
    return APIStatusError


class APIConnectionError(APIError):
    """No usable response arrived: connection refused, reset, DNS or TLS failure, protocol error.

    `task_may_exist` is true when a call that creates a task may have reached the gateway before it failed (a
    read timeout, a dropped connection): the task may exist and be charged, so do not re-send it blindly.
    """

    task_may_exist: bool

    def __init__(
        self,
        message: str = "Connection error.",
        *,
        request: httpx.Request,
        vendor: str,
        operation: str | None = None,
        task_may_exist: bool = False,
    ) -> None:
        super().__init__(message, request, body=None, vendor=vendor, operation=operation)
        self.task_may_exist = task_may_exist


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, write, read or pool)."""


class ResponseValidationError(APIError):
    """A 2xx response whose body is not what the spec says: an HTML page, truncated JSON, wrong types.

    `response` is the raw response (its request redacted), `body` its text, `errors` pydantic's error
    list without the input values.
    """

    response: httpx.Response
    errors: tuple[Mapping[str, Any], ...]

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: str | None,
        vendor: str,
        operation: str | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message, response.request, body=body, vendor=vendor, operation=operation)
        self.response = response
        self.errors = tuple(errors)


class TaskFailedError(SunoError):
    """The task reached a failure status of the vendor's vocabulary (or a clip failed). `reason` is the vendor's."""

    task_id: str
    status: str | None
    reason: str | None
    raw: Any

    def __init__(self, task_id: str, reason: str | None, raw: Any, *, vendor: str, status: str | None = None) -> None:
        self.task_id = task_id
        self.status = status
        self.reason = reason
        self.raw = raw
        shown = f" (status {status})" if status else ""
        super().__init__(f"{vendor}: task {task_id} failed{shown}: {reason or 'no reason given'}", vendor=vendor)


class TaskTimeoutError(SunoError):
    """The task was not finished when the wait timed out; it may still finish later. Nothing partial is returned."""

    task_id: str
    last_status: str | None
    waited: float
    raw: Any

    def __init__(
        self,
        task_id: str,
        last_status: str | None,
        *,
        vendor: str,
        waited: float,
        detail: str | None = None,
        raw: Any = None,
    ) -> None:
        self.task_id = task_id
        self.last_status = last_status
        self.waited = waited
        self.raw = raw
        message = f"{vendor}: task {task_id} not finished after {waited:.0f}s (last status {last_status or 'unknown'})"
        super().__init__(f"{message}: {detail}" if detail else message, vendor=vendor)


class CallbackError(SunoError):
    """A callback (webhook) request cannot be trusted or read."""


class CallbackSignatureError(CallbackError):
    """The callback's signature header is missing or does not match the body and the secret."""


class CallbackPayloadError(CallbackError):
    """The callback body is not JSON or not the documented payload. `errors` is pydantic's list, without inputs."""

    errors: tuple[Mapping[str, Any], ...]

    def __init__(self, message: str, *, vendor: str, errors: Sequence[Mapping[str, Any]] = ()) -> None:
        super().__init__(message, vendor=vendor)
        self.errors = tuple(errors)
