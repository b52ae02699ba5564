"""Callbacks: each task that names a callback URL is called back at the stages the spec says the gateway sends,
with the spec's payload, signed with the gateway's scheme when a secret is known.

A stage with several status words calls back at each (a status change); a task ends in one terminal stage. Only
loopback hosts are called unless --remote-callbacks: an emulator run in a test or on a laptop must not post to the
example URLs of a vendor document. Delivered callbacks are recorded in the store, so a restart does not repeat
them; one attempt each, logged with its outcome.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import time
from urllib.parse import urlsplit

import httpx

from sunogen import ir

from .store import TaskStore
from .task_bodies import Bodies
from .timeline import Moment, Task, Timeline

log = logging.getLogger("sunogen.serve")

_TIMEOUT = 10.0


def is_loopback(url: str) -> bool:
    """Whether the URL's host is this machine (127.0.0.0/8, ::1, localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def signature_headers(signature: ir.Signature, body: bytes, secret: str, now: float) -> dict[str, str]:
    """The headers that sign `body` by the spec's scheme: an HMAC-SHA256 hex digest with the scheme's first
    prefix, of the raw body or of the timestamped message (with the timestamp header)."""
    headers: dict[str, str] = {}
    message = body
    if signature.timestamp is not None:
        stamp = str(int(now))
        before, after = signature.timestamp.message.split("{body}")
        message = before.replace("{timestamp}", stamp).encode() + body + after.replace("{timestamp}", stamp).encode()
        headers[signature.timestamp.header] = stamp
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    headers[signature.header] = f"{signature.prefixes[0]}{digest}"
    return headers


def plan(callback: ir.Callback, timeline: Timeline, task: Task) -> list[tuple[float, str, Moment]]:
    """The callbacks a task gets: (unix time, key, moment) for each step of a stage the gateway calls back."""
    planned = []
    for due, moment in timeline.changes(task):
        if moment.stage in callback.stages:
            planned.append((due, f"{moment.stage}:{moment.step.index}", moment))
    return planned


class Deliveries:
    """Schedules and sends the callbacks of one emulator's tasks on its event loop."""

    def __init__(
        self,
        vendor: ir.Vendor,
        bodies: Bodies,
        timeline: Timeline,
        store: TaskStore,
        *,
        webhook_secret: str | None,
        remote: bool,
    ) -> None:
        self._callback = vendor.callback
        self._bodies = bodies
        self._timeline = timeline
        self._store = store
        self._webhook_secret = webhook_secret
        self._remote = remote
        self._running: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the HTTP client and resume the callbacks of stored tasks that are still due."""
        self._client = httpx.AsyncClient(timeout=_TIMEOUT, headers={"User-Agent": "sunogen-emulator"})
        for task in self._store.with_callbacks():
            self.schedule(task)

    async def stop(self) -> None:
        """Cancel the callbacks still waiting and close the client."""
        for running in list(self._running):
            running.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def schedule(self, task: Task) -> None:
        """Call the task back at its stages, if it has a callback URL and the spec a callback."""
        if self._callback is None or not task.callback_url:
            return
        if not self._remote and not is_loopback(task.callback_url):
            log.info(
                "task %s: callback to %s not sent: not a loopback host (--remote-callbacks)", task.id, task.callback_url
            )
            return
        running = asyncio.get_running_loop().create_task(self._run(self._callback, task))
        self._running.add(running)
        running.add_done_callback(self._finished)

    def _finished(self, running: asyncio.Task[None]) -> None:
        self._running.discard(running)
        if not running.cancelled() and running.exception() is not None:
            log.error("callbacks stopped by an error of the emulator", exc_info=running.exception())

    async def _run(self, callback: ir.Callback, task: Task) -> None:
        done = self._store.delivered(task.id)
        for due, key, moment in plan(callback, self._timeline, task):
            if key in done:
                continue
            await asyncio.sleep(max(0.0, due - time.time()))
            await self._send(callback, task, key, moment)
            self._store.mark_delivered(task.id, key)

    async def _send(self, callback: ir.Callback, task: Task, key: str, moment: Moment) -> None:
        assert self._client is not None
        assert task.callback_url is not None
        body = json.dumps(self._bodies.callback(callback, task, moment), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        secret = task.secret or self._webhook_secret
        if callback.signature is not None and secret:
            headers |= signature_headers(callback.signature, body, secret, time.time())
        try:
            response = await self._client.post(task.callback_url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("task %s: callback %s to %s failed: %s", task.id, key, task.callback_url, exc)
            return
        log.info("task %s: callback %s to %s: HTTP %d", task.id, key, task.callback_url, response.status_code)
