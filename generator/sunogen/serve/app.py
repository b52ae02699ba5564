"""The ASGI app: one route per operation of the spec, at its path and method, plus the media the clips point to.

Every API request goes the same way: its fault (if any) is looked up first, then its key (the gateway's 401), a
rate-limit or server-error fault, its parameters and body (the generated validators; an invalid one gets the
gateway's own bad-request answer), and only then what the operation does: a create keeps a new task, a poll
reports one where it stands, any other operation gives its documented answer.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from sunogen import ir
from sunogen.runtime.paths import MISSING, lookup

from .answers import Answers
from .deliveries import Deliveries
from .faults import DroppedResponse, Fault, UnknownFault, linger, malformed, parse_fault, requested
from .instances import Shapes
from .media import png, seed_of, wav
from .options import FAULT_HEADER, Options
from .spec import Served
from .store import TaskStore
from .task_bodies import MEDIA_PREFIX, STREAM_PREFIX, Bodies, request_details
from .timeline import CLIPS_PER_TASK, Task, Timeline

log = logging.getLogger("sunogen.serve")

Endpoint = Callable[[Request], Awaitable[Response]]


class Emulator:
    """One gateway's behaviour: its answers, tasks, faults and callbacks."""

    def __init__(self, served: Served, options: Options, store: TaskStore) -> None:
        self.served = served
        self.vendor = served.vendor
        self.options = options
        self.store = store
        self.server_fault: Fault | None = parse_fault(options.fault) if options.fault else None
        shapes = Shapes(served.components)
        self.answers = Answers(self.vendor, shapes)
        self.bodies = Bodies(self.vendor, shapes)
        self.timelines = {op.id: Timeline(op.poll, self.vendor.clips) for op in self.vendor.operations if op.poll}
        callback_poll = self.vendor.callback.read if self.vendor.callback else None
        self.callback_timeline = Timeline(callback_poll, self.vendor.clips) if callback_poll else None
        self.deliveries = (
            Deliveries(
                self.vendor,
                self.bodies,
                self.callback_timeline,
                store,
                webhook_secret=options.webhook_secret,
                remote=options.remote_callbacks,
            )
            if self.callback_timeline is not None
            else None
        )

    # -- the app ------------------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        """The Starlette app: the spec's operations, then the media routes."""
        routes = [Route(op.path, self._endpoint(op), methods=[op.method]) for op in self.vendor.operations]
        routes.append(Route(MEDIA_PREFIX + "/{task_id}/{name}", self._media, methods=["GET"]))
        routes.append(Route(STREAM_PREFIX + "/{task_id}/{name}", self._media, methods=["GET"]))
        return Starlette(routes=routes, lifespan=self._lifespan)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        if self.deliveries is not None:
            await self.deliveries.start()
        try:
            yield
        finally:
            if self.deliveries is not None:
                await self.deliveries.stop()

    def _endpoint(self, op: ir.Operation) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            started = time.monotonic()
            try:
                response, note = await self._handle(op, request)
            except ClientDisconnect:  # gone while its body was read: a client that gave up, not the emulator's fault
                response, note = Response(status_code=499), ", the client hung up"
            if not self.options.quiet:
                took = (time.monotonic() - started) * 1000
                log.info("%s %s -> %d%s, %.0f ms", op.method, request.url.path, response.status_code, note, took)
            return response

        return endpoint

    # -- one API request ----------------------------------------------------------------------------------------

    async def _handle(self, op: ir.Operation, request: Request) -> tuple[Response, str]:
        try:
            fault = requested(request, self.server_fault)
        except UnknownFault as exc:
            return PlainTextResponse(f"{FAULT_HEADER}: {exc}\n", status_code=400), ", unknown fault"
        # fail-task acts on a create alone: a poll that carries it (a client's default header) is not noted
        acts = fault is not None and (fault.name != "fail-task" or op.creates_task)
        note = f", fault {fault.name}" if fault is not None and acts else ""
        if fault is not None and fault.name == "slow":
            # the body first: watching for a hang-up reads the request's messages, and would drop an unread body
            await request.body()
            await linger(request, fault.seconds)
            if await request.is_disconnected():  # the client timed out: there is no one left to answer
                return Response(status_code=499), f"{note}, the client hung up"
        if not self._authorised(request):
            return self._error(op, ("authentication",)), note
        if fault is not None and fault.name in ("429", "500", "503"):
            status = int(fault.name)
            kind = "rate-limit" if status == 429 else "server-error"
            response = self._error(op, (kind,), status=status, detail=f"the {fault.name} fault")
            if status == 429:
                response.headers["Retry-After"] = f"{fault.seconds:g}"
            return response, note
        params, problems = self._params(op, request)
        payload: object = None
        if op.request is not None:
            payload, problem = await self._payload(request)
            if problem is None:
                problems += [str(v) for v in self.served.validators[op.id](payload) if v.severity == "error"]
            else:
                problems.append(problem)
        if problems:
            return self._error(op, ("bad-request", "unprocessable"), detail="; ".join(problems)), note
        if op.creates_task and op.task is not None:
            status, body, note = self._create(op, request, payload, fault, note)
        elif op.poll is not None:
            found = self._poll(op, request, params)
            if found is None:
                return self._error(op, ("not-found",), detail=repr(_task_param(op, params))), note
            status, body = found
        else:
            status, body = self.bodies.answer(op)
        content = json.dumps(body, ensure_ascii=False).encode()
        if fault is not None and fault.name == "malformed":
            return malformed(fault, content), note
        if fault is not None and fault.name == "drop":
            return DroppedResponse(content, status), note
        return Response(content, status_code=status, media_type="application/json"), note

    def _authorised(self, request: Request) -> bool:
        """Whether the request carries the key (any non-empty key without --api-key) where the spec says."""
        auth = self.vendor.auth
        given = request.headers.get(auth.header, "")
        if auth.kind == "bearer":
            scheme, _, given = given.partition(" ")
            if scheme.lower() != "bearer":
                return False
        given = given.strip()
        expected = self.options.api_key
        return bool(given) and (expected is None or hmac.compare_digest(given.encode(), expected.encode()))

    def _params(self, op: ir.Operation, request: Request) -> tuple[dict[str, str], list[str]]:
        values: dict[str, str] = {}
        problems = []
        for param in op.params:
            source = request.path_params if param.location == "path" else request.query_params
            value = source.get(param.name)
            if value is None:  # an empty value is a value (`task_id=`): the spec's string schema allows it
                if param.required:
                    problems.append(f"{param.name}: a value is required ({param.location} parameter)")
                continue
            values[param.name] = str(value)
        return values, problems

    async def _payload(self, request: Request) -> tuple[object, str | None]:
        from suno_clients._runtime.jsontext import MalformedJSON, parse_json

        raw = await request.body()
        try:
            return parse_json(raw), None
        except MalformedJSON as exc:
            where = "" if exc.lineno is None else f" at line {exc.lineno}, column {exc.colno}"
            return None, f"the body is not JSON{where}: {exc.msg}"

    def _error(
        self, op: ir.Operation, kinds: tuple[str, ...], *, status: int | None = None, detail: str | None = None
    ) -> Response:
        answer = self.answers.choose(op, kinds, status=status, detail=detail)
        body = json.dumps(self.answers.body(op, answer), ensure_ascii=False).encode()
        return Response(body, status_code=answer.status, media_type="application/json")

    # -- what the operations do ---------------------------------------------------------------------------------

    def _create(
        self, op: ir.Operation, request: Request, payload: object, fault: Fault | None, note: str
    ) -> tuple[int, Any, str]:
        assert op.task is not None
        callback = self.vendor.callback
        task = Task(
            id=str(uuid.uuid4()),
            operation=op.id,
            created=time.time(),
            seconds=self.options.task_seconds,
            fails=fault is not None and fault.name == "fail-task",
            type=_task_type(op.task, payload),
            base_url=str(request.base_url).rstrip("/"),
            callback_url=_text_at(payload, callback.url) if callback else None,
            secret=_text_at(payload, callback.secret) if callback else None,
            details=request_details(self.vendor, payload),
        )
        self.store.add(task)
        if self.deliveries is not None:
            self.deliveries.schedule(task)
        status, body = self.bodies.created(op, task.id)
        return status, body, f", task {task.id}{note}"

    def _poll(self, op: ir.Operation, request: Request, params: dict[str, str]) -> tuple[int, Any] | None:
        task = self.store.get(_task_param(op, params))
        if task is None:
            return None
        moment = self.timelines[op.id].at(task, time.time())
        return self.bodies.polled(op, task, moment, str(request.base_url).rstrip("/"))

    async def _media(self, request: Request) -> Response:
        """A clip's audio (`<n>.wav`) or cover (`<n>.png`), for any clip of a stored task."""
        task = self.store.get(request.path_params["task_id"])
        index, _, extension = str(request.path_params["name"]).partition(".")
        if task is None or not index.isdigit() or int(index) >= CLIPS_PER_TASK or extension not in ("wav", "png"):
            return PlainTextResponse("no such media\n", status_code=404)
        seed = seed_of(task.clip_id(int(index)))
        if extension == "wav":
            return Response(wav(seed), media_type="audio/wav")
        return Response(png(seed), media_type="image/png")


def _task_param(op: ir.Operation, params: dict[str, str]) -> str:
    """The task id a poll was given: its one required parameter."""
    required = [p for p in op.params if p.required]
    return params.get(required[0].name, "") if required else ""


def _task_type(task: ir.TaskRef, payload: object) -> str | None:
    if task.type is not None:
        return task.type
    if task.type_field is not None:
        value = lookup(payload, task.type_field)
        return value if isinstance(value, str) else None
    return None


def _text_at(payload: object, paths: tuple[ir.JsonPath, ...]) -> str | None:
    """The first non-empty string at one of the paths in the request body."""
    for path in paths:
        value = lookup(payload, path)
        if value is not MISSING and isinstance(value, str) and value.strip():
            return value.strip()
    return None


def build_app(served: Served, options: Options, store: TaskStore) -> Starlette:
    """The emulator's ASGI app for one served spec."""
    return Emulator(served, options, store).app()
