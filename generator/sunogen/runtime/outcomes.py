"""Outcomes: what a call's answer means, a checked result or the typed error that says what went wrong, key redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from pydantic_core import ValidationError  # pydantic's own ValidationError, without importing pydantic's models

from .calls import CallResult
from .errors import error_class, match_error
from .exceptions import APIConnectionError, APIStatusError, APITimeoutError, ResponseValidationError
from .jsontext import MalformedJSON
from .paths import MISSING, first_present
from .responses import (
    decode_body,
    decode_or_missing,
    describe_non_json,
    numeric_code,
    redirect_note,
    same_code,
    snippet,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic import BaseModel

    from .exchange import Exchange, Received
    from .redaction import Redactor
    from .spec_data import Operation, TaskRef, Vendor

__all__ = ["Outcomes"]

M = TypeVar("M", bound="BaseModel")


class Outcomes:
    """How one client reads its answers: its gateway's envelope and error tables, its key to redact, its body cap."""

    __slots__ = ("_redactor", "_tasks", "max_response_bytes", "vendor")

    def __init__(
        self, vendor: Vendor, tasks: Mapping[str, TaskRef], redactor: Redactor, max_response_bytes: int
    ) -> None:
        self.vendor = vendor
        self._tasks = tasks  # the client's: which create names its task where
        self._redactor = redactor
        self.max_response_bytes = max_response_bytes

    def result(
        self, operation: Operation, received: Received, response_model: type[M], *, unwrap: bool, base_url: str
    ) -> CallResult[M]:
        """Check the HTTP status and the envelope, then validate the body (or its data field) into the model.

        Every error is raised outside the `except` that found it: a chained parse error would hold the raw body.
        """
        response = received.response
        if not response.is_success:
            data = MISSING if received.oversize else decode_or_missing(response)
            raise self.status_error(operation, response, data, base_url)
        problem: str | None = None
        if received.oversize is not None:
            problem = (
                f"the body is larger than max_response_bytes ({self.max_response_bytes} bytes); "
                f"stopped reading after {received.oversize} bytes"
            )
            raise self.invalid_response(operation, response, problem)
        try:
            data = decode_body(response)
        except MalformedJSON as exc:
            problem = describe_non_json(response, exc)
        if problem is not None:
            raise self.invalid_response(operation, response, problem)
        if self.envelope_failed(data):
            raise self.status_error(operation, response, data, base_url)
        payload = data
        envelope = self.vendor.envelope
        if unwrap and envelope.data is not None:
            if not isinstance(data, dict) or envelope.data not in data:
                raise self.invalid_response(operation, response, f"the body has no {envelope.data!r} field")
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
            error = self.invalid_response(operation, response, problem, errors=errors)
            # a paid create whose answer names its task but breaks the model: the task exists, say which
            ref = self._tasks.get(operation.id)
            task_id = MISSING if ref is None else first_present(data, ref.id, skip_empty=True)
            if isinstance(task_id, str | int) and not isinstance(task_id, bool):
                error.attach_task(str(task_id))
            raise error
        return CallResult(model, data, response, self._redactor)

    def envelope_failed(self, data: Any) -> bool:
        """True when a 2xx body's envelope code is present and not a success value (bools never match numbers)."""
        envelope = self.vendor.envelope
        if envelope.code is None or not isinstance(data, dict) or data.get(envelope.code) is None:
            return False
        code = data[envelope.code]
        return not any(same_code(code, success) for success in envelope.success)

    def status_error(self, operation: Operation, response: httpx.Response, data: Any, base_url: str) -> APIStatusError:
        """The typed error for an error response or a 2xx body that reports failure.

        The operation's and then the gateway's error table (x-sunogen-errors) decide its kind by HTTP status,
        envelope code and message; what no entry matches means what HTTP says of the effective status (the
        envelope's numeric code when it is 400-599, else the HTTP status). A 2xx body with an unmatched string
        code has no kind: the generic APIStatusError, whose `code` says which.
        """
        response = self._redactor.response(response)
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
        detail = redirect_note(response, base_url) or detail
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

    def invalid_response(
        self, operation: Operation, response: httpx.Response, problem: str, *, errors: Any = ()
    ) -> ResponseValidationError:
        """The error for a response that is not what the spec says: its copy carries no key."""
        response = self._redactor.response(response)
        message = self._redactor.text(f"{self.vendor.id} {operation.id}: malformed response: {problem}")
        return ResponseValidationError(
            message, response=response, body=response.text, vendor=self.vendor.id, operation=operation.id, errors=errors
        )

    def connection_error(self, operation: Operation, exchange: Exchange, exc: httpx.RequestError) -> APIConnectionError:
        """The error for a failed exchange; for a paid create, it says whether the task may exist."""
        # The chained cause is printed in tracebacks: neither it nor what it chains may carry the key.
        self._redactor.exception_chain(exc)
        redacted = self._redactor.request(exchange.request)
        error_type = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        what = "timed out" if error_type is APITimeoutError else "connection error"
        reason = self._redactor.text(str(exc)) or type(exc).__name__
        message = f"{self.vendor.id} {operation.id}: {what} ({type(exc).__name__}: {reason})"
        may_exist = operation.creates_task and exchange.may_have_reached_server(exc)
        if may_exist:
            message += (
                ". The request may have reached the gateway, so the task may exist and be charged: do not send it"
                " again blindly; look for the task (the gateway's task list or your balance) first"
            )
        return error_type(
            message, request=redacted, vendor=self.vendor.id, operation=operation.id, task_may_exist=may_exist
        )
