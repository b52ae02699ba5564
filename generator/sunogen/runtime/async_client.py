"""The asyncio client: AsyncAPIClient, the httpx.AsyncClient loops (send, retry, poll) every AsyncClient subclasses."""

from __future__ import annotations

import inspect
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
from .exchange import receive_async
from .tasks import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT, AsyncProgressCallback, TaskResult

if TYPE_CHECKING:
    from pydantic import BaseModel  # a bound only: importing the client defines no model

    from .tasks import NewTask
__all__ = ["AsyncAPIClient"]

M = TypeVar("M", bound="BaseModel")
P = TypeVar("P", bound="BaseModel")


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Asyncio client over httpx.AsyncClient. Use as an async context manager, or await close()."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        """As SyncAPIClient, with an httpx.AsyncClient."""
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
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationError(
                f"{self.vendor.id}: http_client must be an httpx.AsyncClient (Client goes to the sync Client)",
                vendor=self.vendor.id,
            )
        if http_client is None:
            self._use_http_client(httpx.AsyncClient(timeout=self.timeout), owned=True)
        else:
            self._use_http_client(http_client, owned=False)

    async def close(self) -> None:
        """Close the underlying httpx.AsyncClient, unless it was injected."""
        if self._owns_client:
            await self._client.aclose()

    aclose = close

    @property
    def is_closed(self) -> bool:
        """Whether the underlying httpx.AsyncClient is closed."""
        return self._client.is_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _call(
        self,
        operation_id: str,
        *,
        body: Mapping[str, object] | None = None,
        params: Mapping[str, object] | None = None,
        response_model: type[M],
        unwrap: bool = False,
    ) -> M:
        """As SyncAPIClient._call."""
        result = await self._request(
            operation_id, body=body, params=params, response_model=response_model, unwrap=unwrap
        )
        return result.model

    async def _request(
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
        """As SyncAPIClient._request."""
        operation = self._operation(operation_id)
        request = self._build_request(operation, body, params)
        timeouts = request.extensions["timeout"]
        retries_taken = 0
        # wait() passes 0: it retries a failed poll itself, against its own deadline
        retries = self.max_retries if max_retries is None else max_retries
        while True:
            if log.isEnabledFor(DEBUG):  # a disabled log line costs one look, not a call with its arguments
                log.debug("%s %s (%s, attempt %d)", request.method, request.url, operation.id, retries_taken + 1)
            exchange = self._exchange(request, timeouts, deadline, asynchronous=True)
            try:
                received = await receive_async(self._client, exchange, self.max_response_bytes)
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
            await self._clock.async_sleep(pause)
            retries_taken += 1

    async def _create(
        self,
        operation_id: str,
        *,
        body: Mapping[str, object] | None,
        params: Mapping[str, object] | None = None,
        response_model: type[BaseModel],
    ) -> NewTask[Any]:
        """As SyncAPIClient._create."""
        created = await self._request(operation_id, body=body, params=params, response_model=response_model)
        return self._new_task(operation_id, created)

    async def _wait(
        self,
        task_id: str,
        *,
        response_model: type[M],
        operation: str | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: AsyncProgressCallback[M] | None = None,
    ) -> TaskResult[M]:
        """As SyncAPIClient._wait; `on_progress` may also be a coroutine function (it is awaited)."""
        from .polling import MalformedTaskError, Waiter  # imported by the first wait: creating tasks never needs it

        query, poll, param = self._poll_target(operation)
        waiter: Waiter[M] = Waiter.for_client(self, task_id, poll, timeout=timeout, poll_interval=poll_interval)
        while True:
            try:
                result = await self._request(
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
                await self._clock.async_sleep(pause)
                continue
            try:
                seen = waiter.observe(result)
            except MalformedTaskError as exc:
                raise self._invalid_response(query, result.response, f"malformed task: {exc}") from None
            if isinstance(seen, TaskResult):
                return seen
            if on_progress is not None and waiter.is_news(seen):
                reported = on_progress(seen)
                if inspect.isawaitable(reported):
                    await reported
            await self._clock.async_sleep(waiter.next_pause())

    async def _create_and_wait(
        self,
        operation_id: str,
        *,
        body: Mapping[str, object] | None,
        params: Mapping[str, object] | None = None,
        response_model: type[BaseModel],
        poll_response_model: type[P],
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: AsyncProgressCallback[P] | None = None,
    ) -> TaskResult[P]:
        """As SyncAPIClient._create_and_wait."""
        created = await self._request(operation_id, body=body, params=params, response_model=response_model)
        task_id = self._task_id_of(operation_id, created)
        try:
            return await self._wait(
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
