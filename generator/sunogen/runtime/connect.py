"""connect() and connect_async(): one client for every gateway, which takes a Song and gives the neutral result.

Each wraps the vendor's own generated client (its `client` attribute, for what only that gateway does): a song is
made into the vendor's body by its spec's mapping (song.py), sent by the vendor's create method, and waited for by
its wait(); the result is the runtime's TaskResult, whose clips read the same on every gateway.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypedDict, Unpack

from .exceptions import ConfigurationError, SunoError, TaskFailedError
from .song import PACKAGE, Song, song_mapping, to_request
from .tasks import DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT, AsyncProgressCallback, ProgressCallback, TaskResult

if TYPE_CHECKING:
    import httpx

    from .async_client import AsyncAPIClient
    from .base_client import NotGiven
    from .clock import Clock
    from .sync_client import SyncAPIClient

__all__ = [
    "AsyncClientOptions",
    "AsyncSongClient",
    "ClientOptions",
    "SongClient",
    "SongTask",
    "connect",
    "connect_async",
]


class ClientOptions(TypedDict, total=False):
    """The keyword options of every vendor's Client (its API key comes from SUNOGEN_<VENDOR>_API_KEY otherwise)."""

    api_key: str | None
    base_url: str | None
    timeout: float | httpx.Timeout | NotGiven | None
    max_retries: int
    max_response_bytes: int
    http_client: httpx.Client | None
    default_headers: Mapping[str, str] | None
    clock: Clock | None


class AsyncClientOptions(TypedDict, total=False):
    """The keyword options of every vendor's AsyncClient."""

    api_key: str | None
    base_url: str | None
    timeout: float | httpx.Timeout | NotGiven | None
    max_retries: int
    max_response_bytes: int
    http_client: httpx.AsyncClient | None
    default_headers: Mapping[str, str] | None
    clock: Clock | None


@dataclass(frozen=True, slots=True)
class SongTask:
    """A song being made: the gateway it was sent to and the task's id there (what `wait` takes)."""

    vendor: str
    id: str


def _vendor_module(vendor: str) -> Any:
    """The vendor's generated module; KeyError for an unknown vendor, ConfigurationError when it maps no Song."""
    module = importlib.import_module(PACKAGE).vendor_module(vendor)
    if song_mapping(vendor) is None:
        raise ConfigurationError(
            f"{vendor}: its spec maps no Song (no x-sunogen-song); use suno_clients.{vendor}.Client", vendor=vendor
        )
    return module


def _task_id(vendor: str, task: SongTask | str) -> str:
    if isinstance(task, str):
        return task
    if task.vendor != vendor:
        raise ConfigurationError(f"{vendor}: task {task.id} was sent to {task.vendor}, not here", vendor=vendor)
    return task.id


class SongClient:
    """A blocking client of one gateway that speaks Song: generate, wait, generate_and_wait. A context manager."""

    vendor: str
    client: SyncAPIClient
    """The vendor's own Client, for the calls only that gateway has."""

    def __init__(self, vendor: str, client: SyncAPIClient) -> None:
        self.vendor = vendor
        self.client = client

    def __repr__(self) -> str:
        return f"<SongClient vendor={self.vendor!r}>"

    def generate(self, song: Song) -> SongTask:
        """Send the song (never retried once the server may have acted: it costs credits). UnsupportedSongError,
        before anything is sent, if the gateway cannot honour it; the validator's warnings are logged."""
        request = to_request(song, self.vendor)
        create: Callable[..., Any] = getattr(self.client, request.operation)
        created = create(**request.body)
        return SongTask(self.vendor, created.task_id)

    def wait(
        self,
        task: SongTask | str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: ProgressCallback[Any] | None = None,
    ) -> TaskResult[Any]:
        """Wait for the task until it ends (as the vendor client's wait does): its finished clips, or a typed error."""
        wait: Callable[..., TaskResult[Any]] = self.client.wait  # type: ignore[attr-defined]  # generated per spec
        return wait(_task_id(self.vendor, task), timeout=timeout, poll_interval=poll_interval, on_progress=on_progress)

    def generate_and_wait(
        self,
        song: Song,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: ProgressCallback[Any] | None = None,
    ) -> TaskResult[Any]:
        """generate, then wait. An error after the task was made carries its id (`error.task_id`): resume with
        wait(task_id) rather than paying again."""
        task = self.generate(song)
        try:
            return self.wait(task, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress)
        except SunoError as error:
            if not isinstance(error, TaskFailedError):
                error.attach_task(task.id)
            raise

    def close(self) -> None:
        """Close the vendor client (and its httpx client, unless one was injected)."""
        self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncSongClient:
    """The asyncio twin of SongClient: the same methods, awaited. An async context manager."""

    vendor: str
    client: AsyncAPIClient
    """The vendor's own AsyncClient, for the calls only that gateway has."""

    def __init__(self, vendor: str, client: AsyncAPIClient) -> None:
        self.vendor = vendor
        self.client = client

    def __repr__(self) -> str:
        return f"<AsyncSongClient vendor={self.vendor!r}>"

    async def generate(self, song: Song) -> SongTask:
        """As SongClient.generate."""
        request = to_request(song, self.vendor)
        create: Callable[..., Any] = getattr(self.client, request.operation)
        created = await create(**request.body)
        return SongTask(self.vendor, created.task_id)

    async def wait(
        self,
        task: SongTask | str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: AsyncProgressCallback[Any] | None = None,
    ) -> TaskResult[Any]:
        """As SongClient.wait; `on_progress` may also be a coroutine function."""
        wait: Callable[..., Any] = self.client.wait  # type: ignore[attr-defined]  # generated per spec
        result: TaskResult[Any] = await wait(
            _task_id(self.vendor, task), timeout=timeout, poll_interval=poll_interval, on_progress=on_progress
        )
        return result

    async def generate_and_wait(
        self,
        song: Song,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_progress: AsyncProgressCallback[Any] | None = None,
    ) -> TaskResult[Any]:
        """As SongClient.generate_and_wait."""
        task = await self.generate(song)
        try:
            return await self.wait(task, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress)
        except SunoError as error:
            if not isinstance(error, TaskFailedError):
                error.attach_task(task.id)
            raise

    async def close(self) -> None:
        """Close the vendor client (and its httpx client, unless one was injected)."""
        await self.client.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def connect(vendor: str, **options: Unpack[ClientOptions]) -> SongClient:
    """A SongClient of `vendor` (any id of suno_clients.VENDORS whose spec maps a Song), built with the options
    its Client takes. KeyError for an unknown vendor; ConfigurationError as the Client raises it (no API key)."""
    client: SyncAPIClient = _vendor_module(vendor).Client(**options)
    return SongClient(vendor, client)


def connect_async(vendor: str, **options: Unpack[AsyncClientOptions]) -> AsyncSongClient:
    """The asyncio twin of connect: an AsyncSongClient over the vendor's AsyncClient."""
    client: AsyncAPIClient = _vendor_module(vendor).AsyncClient(**options)
    return AsyncSongClient(vendor, client)
