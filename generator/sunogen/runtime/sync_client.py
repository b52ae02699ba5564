"""The blocking client: SyncAPIClient, the httpx.Client loops (send, retry, poll) every generated Client subclasses."""

from __future__ import annotations

from collections.abc import Mapping
from logging import DEBUG
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from .base_client import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    NOT_GIVEN,
    BaseClient,
    CallResult,
    NotGiven,
    log,
    remember_task,
)
from .clock import Clock
from .exceptions import APIConnectionError, APIStatusError, ConfigurationError, SunoError, TaskFailedError
from .exchange import receive
from .tasks import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT, ProgressCallback, TaskResult

if TYPE_CHECKING:
    from pydantic import BaseModel  # a bound only: importing the client defines no model

    from .tasks import NewTask
__all__ = ["SyncAPIClient"]

M = TypeVar("M", bound="BaseModel")
P = TypeVar("P", bound="BaseModel")


class SyncAPIClient(BaseClient[httpx.Client]):
    """Blocking client over httpx.Client. Use as a context manager, or call close()."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        """Key from `api_key` or the vendor's SUNOGEN_<VENDOR>_API_KEY; `base_url` overrides the spec's server.

        `timeout` bounds each attempt of a call as a whole, from connecting to the body's last byte (for an
        httpx.Timeout, its largest value; its others cap each step): it defaults to 60 s (10 s to connect). A
        response body larger than `max_response_bytes` (default 4 MiB) is not read: ResponseValidationError. An
        injected `http_client` is used as given (its redirects are never followed) and is not closed by close().
        `clock` replaces real time and sleeps (tests).
        """
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            injected_client=http_client is not None,
            default_headers=default_headers,
            clock=clock,
            max_response_bytes=max_response_bytes,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise ConfigurationError(
                f"{self.vendor.id}: http_client must be an httpx.Client (AsyncClient goes to AsyncClient)",
                vendor=self.vendor.id,
            )
        if http_client is None:
            self._use_http_client(httpx.Client(timeout=self.timeout), owned=True)
        else:
            self._use_http_client(http_client, owned=False)

    def close(self) -> None:
        """Close the underlying httpx.Client, unless it was injected."""
        if self._owns_client:
            self._client.close()

    @property
    def is_closed(self) -> bool:
        """Whether the underlying httpx.Client is closed."""
        return self._client.is_closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _call(
        self,
        operation_id: str,
        *,
        body: Mapping[str, object] | None = None,
        params: Mapping[str, object] | None = None,
        response_model: type[M],
        unwrap: bool = False,
    ) -> M:
        """Send one operation and return its validated response model (the whole body, or its data with unwrap).

        Raises RequestValidationError before sending (missing path parameter), an APIStatusError subclass for an
        error status or a failure envelope, APIConnectionError/APITimeoutError, or ResponseValidationError.
        """
        return self._request(operation_id, body=body, params=params, response_model=response_model, unwrap=unwrap).model

    def _request(
        self,
        operation_id: str,
        *,
        body: Mapping[str, object] | None,
        params: Mapping[str, object] | None,
        response_model: type[M],
        unwrap: bool = False,
        max_retries: int | None = None,
        deadline: float | None = None,
    ) -> CallResult[M]:
        """Send one operation, retrying what the retry policy allows, and return its checked result.

        Each attempt ends by the client's `timeout`. `max_retries` replaces the client's for this call (wait()
        passes 0). `deadline`, a reading of the client's clock (`self._clock.monotonic()`), ends the whole call,
        pauses included: no attempt runs past it (one cut short raises APITimeoutError) and no retry starts that
        could not start before it (the last error is raised instead).
        """
        operation = self._operation(operation_id)
        request = self._build_request(operation, body, params)
        timeouts = request.extensions["timeout"]
        retries_taken = 0
        # wait() passes 0: it retries a failed poll itself, against its own deadline
        retries = self.max_retries if max_retries is None else max_retries
        while True:
            if log.isEnabledFor(DEBUG):  # a disabled log line costs one look, not a call with its arguments
                log.debug("%s %s (%s, attempt %d)", request.method, request.url, operation.id, retries_taken + 1)
            exchange = self._exchange(request, timeouts, deadline, asynchronous=False)
            try:
                received = receive(self._client, exchange, self.max_response_bytes)
            except httpx.RequestError as exc:
                pause = self._pause_after_error(operation, exc, retries_taken, retries, deadline)
                if pause is None:
                    raise self._connection_error(operation, exchange, exc) from exc
            else:
                self._received(request, received)
                try:
                    return self._handle_response(operation, received, response_model, unwrap=unwrap)
                except APIStatusError as error:
                    pause = self._pause_after_status(operation, error, retries_taken, retries, deadline)
                    if pause is None:
                        raise
            self._clock.sleep(pause)
            retries_taken += 1

    def _create(
        self,
        operation_id: str,
        *,
        body: Mapping[str, object] | None,
        params: Mapping[str, object] | None = None,
        response_model: type[BaseModel],
    ) -> NewTask[Any]:
        """Send a task-creating operation (never retried once it may have reached the server): the new task."""
        created = self._request(operation_id, body=body, params=params, response_model=response_model)
        return self._new_task(operation_id, created)

    def _wait(
        self,
        task_id: str,
        *,
        response_model: type[M],
        operation: str | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: ProgressCallback[M] | None = None,
    ) -> TaskResult[M]:
        """Poll the query operation until the task reaches a terminal status of the spec's vocabulary.

        Returns a TaskResult whose clips all have final audio; raises TaskFailedError with the vendor's reason, or
        TaskTimeoutError by `timeout` whatever the gateway answers. A failed poll that the spec's error table
        calls transient (or a transport failure) is polled again with backoff until the deadline; a permanent
        one (401, 404) is raised at once. `on_progress` receives each new status and the clips so far.
        `response_model` is the query's whole-body (envelope) model.
        """
        from .polling import MalformedTaskError, Waiter  # imported by the first wait: creating tasks never needs it

        query, poll, param = self._poll_target(operation)
        waiter: Waiter[M] = Waiter.for_client(self, task_id, poll, timeout=timeout, poll_interval=poll_interval)
        while True:
            try:
                result = self._request(
                    query.id,
                    body=None,
                    params={param: task_id},
                    response_model=response_model,
                    max_retries=0,
                    deadline=waiter.deadline,
                )
            except (APIStatusError, APIConnectionError) as error:
                pause = waiter.after_failure(query, error)
                if pause is None:
                    raise
                self._clock.sleep(pause)
                continue
            try:
                seen = waiter.observe(result)
            except MalformedTaskError as exc:
                raise self._invalid_response(query, result.response, f"malformed task: {exc}") from None
            if isinstance(seen, TaskResult):
                return seen
            if on_progress is not None and waiter.is_news(seen):
                on_progress(seen)
            self._clock.sleep(waiter.next_pause())

    def _create_and_wait(
        self,
        operation_id: str,
        *,
        body: Mapping[str, object] | None,
        params: Mapping[str, object] | None = None,
        response_model: type[BaseModel],
        poll_response_model: type[P],
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: ProgressCallback[P] | None = None,
    ) -> TaskResult[P]:
        """Create a task (never retried once it may have reached the server), then _wait for it by its TaskRef.

        Any error after the create carries the task's id (`error.task_id`, and in the message how to resume).
        """
        created = self._request(operation_id, body=body, params=params, response_model=response_model)
        task_id = self._task_id_of(operation_id, created)
        try:
            return self._wait(
                task_id,
                response_model=poll_response_model,
                operation=self._task_ref(operation_id).poll,
                timeout=timeout,
                poll_interval=poll_interval,
                on_progress=on_progress,
            )
        except SunoError as error:
            if not isinstance(error, TaskFailedError):
                error.attach_task(task_id)
            raise
        except BaseException as error:  # cancelled, interrupted, or raised by on_progress: the task still exists
            remember_task(error, task_id)
            raise
