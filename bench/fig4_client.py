"""Figure 4, client overhead: a generated client's create call against a hand-written httpx + pydantic client."""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bench import profiling
from bench.core import (
    PAIR_HEADER,
    ROOT,
    Figure,
    NoCollector,
    Pair,
    Series,
    Settings,
    Target,
    calibrate,
    make_timer,
    pair_rows,
    per_call,
    seconds,
    table,
)

TARGET = 1.05
VENDOR = "crun"
OPERATION = "create_task"
BUDGET = 0.05
"""Seconds per timed run of one side."""
DEADLINE = 60.0
"""The bound's deadline: the generated client's default timeout."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What the spec says about the create call: where it goes, the auth header, a body and the documented answer."""

    base_url: str
    method: str
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]
    response: bytes


def endpoint() -> Endpoint:
    """The crun create operation as specs/crun.yaml documents it (first request example, 200 example)."""
    import yaml

    spec = yaml.safe_load((ROOT / "specs" / f"{VENDOR}.yaml").read_text(encoding="utf-8"))
    scheme = next(iter(spec["components"]["securitySchemes"].values()))
    headers = {scheme["name"]: "k"} if scheme["type"] == "apiKey" else {"Authorization": "Bearer k"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == OPERATION:
                body = operation["requestBody"]["content"]["application/json"]
                answer = operation["responses"]["200"]["content"]["application/json"]
                return Endpoint(
                    spec["servers"][0]["url"],
                    method.upper(),
                    path,
                    headers,
                    next(iter(body["examples"].values()))["value"],
                    json.dumps(next(iter(answer["examples"].values()))["value"]).encode(),
                )
    raise LookupError(f"specs/{VENDOR}.yaml has no operation {OPERATION!r}")


def _transport(point: Endpoint, seen: list[Any] | None = None) -> Any:
    """A MockTransport answering every request with the documented 200 body (recording requests into `seen`)."""
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append((request.method, request.url.path, json.loads(request.content), dict(request.headers)))
        return httpx.Response(200, content=point.response, headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def _check_requests(point: Endpoint, seen: list[Any], who: str) -> None:
    """Both sides must send the same request, or the comparison means nothing."""
    if len(seen) != 1:
        raise RuntimeError(f"{who}: expected one request over the transport, saw {len(seen)}")
    method, path, body, headers = seen[0]
    if (method, path, body) != (point.method, point.path, point.payload):
        raise RuntimeError(f"{who}: sent {method} {path} {body}, expected {point.method} {point.path} the payload")
    missing = {k for k in point.headers if k.lower() not in headers}
    if missing:
        raise RuntimeError(f"{who}: request lacks the auth header(s) {sorted(missing)}")


class HandWritten:
    """What a person would write with httpx and pydantic for the same call, with the URL parsed once.

    It validates the same models the generated client does: the request model (whose validation runs the spec's
    compiled rules first, as every generated request model does) and the response model, from the body's bytes.
    """

    def __init__(self, point: Endpoint, models: Any, http: Any) -> None:
        import httpx

        self.url = httpx.URL(point.base_url + point.path)
        self.request_model = models.CreateTaskRequest
        self.response_model = models.CreateTaskResponse
        self.http = http
        self.headers = {"Content-Type": "application/json"}

    def _content(self, fields: dict[str, Any]) -> bytes:
        request = self.request_model.model_validate(fields)
        content: bytes = request.model_dump_json(by_alias=True, exclude_unset=True).encode()
        return content

    def create_task(self, **fields: Any) -> Any:
        """POST the request, raise for an error status, return the response's data."""
        response = self.http.post(self.url, content=self._content(fields), headers=self.headers)
        response.raise_for_status()
        return self.response_model.model_validate_json(response.content).data

    async def acreate_task(self, **fields: Any) -> Any:
        """The same, awaited."""
        response = await self.http.post(self.url, content=self._content(fields), headers=self.headers)
        response.raise_for_status()
        return self.response_model.model_validate_json(response.content).data

    async def acreate_task_by_a_deadline(self, **fields: Any) -> Any:
        """The same under one asyncio.timeout: the least an async call held to one deadline does (figure 4's bound)."""
        async with asyncio.timeout(DEADLINE):
            response = await self.http.post(self.url, content=self._content(fields), headers=self.headers)
        response.raise_for_status()
        return self.response_model.model_validate_json(response.content).data


HAND_WRITTEN = """\
url = httpx.URL("{url}")  # parsed once
http = httpx.Client(transport=transport, headers={headers})

def create_task(**fields):
    request = models.CreateTaskRequest.model_validate(fields)  # the same models: the spec's rules run first
    response = http.post(url, content=request.model_dump_json(by_alias=True, exclude_unset=True).encode(),
                         headers={{"Content-Type": "application/json"}})
    response.raise_for_status()
    return models.CreateTaskResponse.model_validate_json(response.content).data
"""


def run(settings: Settings) -> Figure:
    """The sync and the async client against the hand-written client on the same transport."""
    figure = Figure(4, "Client overhead")
    rounds = settings.rounds_or(11)
    module = importlib.import_module(f"suno_clients.{VENDOR}")
    models = importlib.import_module(f"suno_clients.{VENDOR}.models")
    point = endpoint()
    async_pair, bound, above = asyncio.run(_async(point, module.AsyncClient, models, rounds))
    pairs = [_sync(point, module.Client, models, rounds), async_pair]
    figure.body += [
        f"`{OPERATION}` on `suno_clients.{VENDOR}` with the spec's first request example, over an "
        "`httpx.MockTransport` answering the spec's 200 example, against a hand-written client on the same "
        "transport that parses its URL once and validates the same request and response models. Seconds per call, "
        f"{rounds} interleaved rounds of about {BUDGET * 1e3:.0f} ms each side (collector off during timing). Both "
        "send the same request (checked before timing: method, path, JSON body, auth header).",
        "",
        "Ours does more per call than the hand-written one: the spec's rules (compiled) on the body, one deadline "
        "for the whole exchange and a cap on the body's size, the envelope's code checked against the spec's "
        "success values, the task id read by the spec's paths into a NewTask, a debug log line each way.",
        "",
        *table(PAIR_HEADER, pair_rows([*pairs, bound, above])),
        "",
        "The last two rows are not targets; they bound the async one. An async call held to one deadline must, "
        "at the least, put the call under a timer that cancels it: the hand-written client under one "
        f"`asyncio.timeout({DEADLINE:.0f})` costs {bound.ratio:.2f}× the bare hand-written one (to a body the "
        "transport already holds, the size cap adds only a test of its length; the timers it cancels stay in the "
        "loop's heap until the run "
        "ends, which makes each new one a little dearer than where the loop runs between calls). Ours takes "
        f"{above.ratio:.2f}× that bound in the same rounds: its deadline is one timer per event loop "
        "(runtime/alarms.py), and the rest is what the paragraph above lists.",
        "",
        "```python",
        "transport = httpx.MockTransport(lambda request: httpx.Response(200, content=documented_200_body))",
        f'client = suno_clients.{VENDOR}.Client(api_key="k", http_client=httpx.Client(transport=transport))',
        f"client.{OPERATION}(**payload)",
        "# the reference",
        HAND_WRITTEN.format(url=point.base_url + point.path, headers=point.headers).rstrip(),
        "create_task(**payload)",
        "# async: the same with httpx.AsyncClient, AsyncClient and await, in one event loop",
        "```",
    ]
    for name, pair in zip(("sync", "async"), pairs, strict=True):
        figure.targets.append(
            Target(
                4,
                f"{name} create call ≤ {TARGET:.2f}× a hand-written httpx + pydantic client (URL parsed once)",
                f"{pair.ratio:.2f}×",
                f"≤ {TARGET:.2f}×",
                pair.ratio <= TARGET,
            )
        )
    if settings.profile or not all(t.holds for t in figure.targets):
        figure.body += ["", *_profile(point, module.Client, models)]
    return figure


def _sync(point: Endpoint, client_class: Any, models: Any, rounds: int) -> Pair:
    import httpx

    seen: list[Any] = []
    ours = client_class(api_key="k", http_client=httpx.Client(transport=_transport(point, seen)))
    result = ours.create_task(**point.payload)
    _check_requests(point, seen, "sync client")
    seen.clear()
    hand = HandWritten(point, models, httpx.Client(transport=_transport(point, seen), headers=point.headers))
    hand.create_task(**point.payload)
    _check_requests(point, seen, "hand-written client")

    transport = _transport(point)
    ours = client_class(api_key="k", http_client=httpx.Client(transport=transport))
    hand = HandWritten(point, models, httpx.Client(transport=transport, headers=point.headers))
    namespace = {"ours": ours, "hand": hand, "payload": point.payload}
    mine = make_timer(f"ours.{OPERATION}(**payload)", namespace)
    theirs = make_timer("hand.create_task(**payload)", namespace)
    loops = (calibrate(mine, BUDGET), calibrate(theirs, BUDGET))
    ours_times: list[float] = []
    hand_times: list[float] = []
    for index in range(rounds):
        sides = [(mine, loops[0], ours_times), (theirs, loops[1], hand_times)]
        for timer, number, into in sides if index % 2 == 0 else sides[::-1]:
            into.append(per_call(timer, number))
    return Pair(
        Series(f"sync Client.{OPERATION} → {type(result).__name__}", tuple(ours_times)),
        Series("hand-written, httpx.Client", tuple(hand_times)),
    )


async def _async(point: Endpoint, client_class: Any, models: Any, rounds: int) -> tuple[Pair, Pair, Pair]:
    """Ours, the hand-written client and the hand-written client under one asyncio.timeout, in the same rounds."""
    import httpx

    seen: list[Any] = []
    ours = client_class(api_key="k", http_client=httpx.AsyncClient(transport=_transport(point, seen)))
    result = await ours.create_task(**point.payload)
    _check_requests(point, seen, "async client")
    seen.clear()
    hand = HandWritten(point, models, httpx.AsyncClient(transport=_transport(point, seen), headers=point.headers))
    await hand.acreate_task(**point.payload)
    _check_requests(point, seen, "hand-written async client")

    transport = _transport(point)
    ours = client_class(api_key="k", http_client=httpx.AsyncClient(transport=transport))
    hand = HandWritten(point, models, httpx.AsyncClient(transport=transport, headers=point.headers))
    payload = point.payload

    async def mine() -> None:
        await getattr(ours, OPERATION)(**payload)

    async def theirs() -> None:
        await hand.acreate_task(**payload)

    async def bounded() -> None:
        await hand.acreate_task_by_a_deadline(**payload)

    calls = (mine, theirs, bounded)
    loops = [await _acalibrate(call) for call in calls]
    times: tuple[list[float], ...] = ([], [], [])
    for index in range(rounds):
        turn = index % len(calls)  # each side takes its turn first
        for side in [*range(turn, len(calls)), *range(turn)]:
            times[side].append(await _atime(calls[side], loops[side]))
    ours_series = Series(f"async AsyncClient.{OPERATION} → {type(result).__name__}", tuple(times[0]))
    hand_series = Series("hand-written, httpx.AsyncClient", tuple(times[1]))
    bound_series = Series("hand-written, httpx.AsyncClient, under one asyncio.timeout", tuple(times[2]))
    return Pair(ours_series, hand_series), Pair(bound_series, hand_series), Pair(ours_series, bound_series)


async def _atime(call: Callable[[], Awaitable[None]], number: int) -> float:
    """Seconds per awaited call over `number` calls, collector off; then the loop runs once, untimed.

    No call over MockTransport waits, so the loop never runs during a timed run: once after it, it sweeps the timers
    cancelled in it (asyncio.timeout leaves one a call), as a program's loop does whenever a call waits.
    """
    with NoCollector():
        start = time.perf_counter()
        for _ in range(number):
            await call()
        elapsed = (time.perf_counter() - start) / number
    await asyncio.sleep(0)
    return elapsed


async def _acalibrate(call: Callable[[], Awaitable[None]]) -> int:
    number = 1
    while True:
        elapsed = await _atime(call, number) * number
        if elapsed >= BUDGET / 10 or number >= 1_000_000:
            break
        number *= 10
    return max(1, round(number * BUDGET / max(elapsed, 1e-9)))


def _profile(point: Endpoint, client_class: Any, models: Any) -> list[str]:
    """cProfile of the sync client's create call against the hand-written one's: where the difference goes."""
    import httpx

    ours = client_class(api_key="k", http_client=httpx.Client(transport=_transport(point)))
    hand = HandWritten(point, models, httpx.Client(transport=_transport(point), headers=point.headers))
    calls = 2_000

    def loop() -> None:
        for _ in range(calls):
            getattr(ours, OPERATION)(**point.payload)

    def hand_loop() -> None:
        for _ in range(calls):
            hand.create_task(**point.payload)

    stats = profiling.profile_call(loop)
    hand_stats = profiling.profile_call(hand_loop)
    total, hand_total = profiling.total_time(stats), profiling.total_time(hand_stats)
    generated = profiling.hot_functions(stats, lambda f: "suno_clients" in f, by="cumulative", limit=12)
    return [
        f"### cProfile of the sync client against the hand-written one ({calls} calls each)",
        "",
        f"Under the profiler a call takes {seconds(total / calls)}, against {seconds(hand_total / calls)} for the "
        "hand-written one (the profiler charges each Python function call, so it inflates ours, which does more in "
        "Python, and not pydantic's Rust). Where the difference goes, function by function (own time in ours minus "
        f"own time in the hand-written one, over {calls} calls):",
        "",
        *table(
            ("function", "calls, ours", "calls, hand-written", "extra own time"),
            profiling.excess(stats, hand_stats, limit=15),
        ),
        "",
        "suno_clients' functions, by time with callees:",
        "",
        *profiling.hot_table(generated, total, by="cumulative"),
    ]
