"""Figure 3, client overhead: a generated client's create call against bare httpx, both over httpx.MockTransport."""

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

TARGET = 1.10
VENDOR = "crun"
OPERATION = "create_task"
BUDGET = 0.05
"""Seconds per timed run of one side."""


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


def run(settings: Settings) -> Figure:
    """The sync and the async client against bare httpx, when the generated clients exist."""
    figure = Figure(3, "Client overhead")
    rounds = settings.rounds_or(11)
    module = importlib.import_module(f"suno_clients.{VENDOR}")
    sync_class = getattr(module, "Client", None)
    async_class = getattr(module, "AsyncClient", None)
    point = endpoint()
    pairs: list[Pair] = []
    missing = []
    if sync_class is None:
        missing.append("Client")
    else:
        pairs.append(_sync(point, sync_class, rounds))
    if async_class is None:
        missing.append("AsyncClient")
    else:
        pairs.append(asyncio.run(_async(point, async_class, rounds)))
    figure.body.append(
        f"`{OPERATION}` on `suno_clients.{VENDOR}` with the spec's first request example, over an "
        "`httpx.MockTransport` answering the spec's 200 example, against bare httpx on the same transport "
        f"(`json=` and `r.json()`, the auth header set on the client). Seconds per call, {rounds} interleaved rounds "
        f"of about {BUDGET * 1e3:.0f} ms each side (collector off during timing)."
    )
    if pairs:
        figure.body += ["", *table(PAIR_HEADER, pair_rows(pairs))]
    for name, cls in (("sync", "Client"), ("async", "AsyncClient")):
        pair = next((p for p in pairs if p.ours.label.startswith(f"{name} ")), None)
        what = f"{name} client create call ≤ {TARGET:.2f}× bare httpx"
        if pair is None:
            note = f"not available yet: suno_clients.{VENDOR} has no {cls}"
            figure.targets.append(Target(3, what, "not available yet", f"≤ {TARGET:.2f}×", None, note))
        else:
            figure.targets.append(Target(3, what, f"{pair.ratio:.2f}×", f"≤ {TARGET:.2f}×", pair.ratio <= TARGET))
    if missing:
        figure.body += ["", f"Not available yet: `suno_clients.{VENDOR}` has no {' or '.join(missing)}."]
    if pairs:
        figure.body += [
            "",
            "Statements timed:",
            "",
            "```python",
            "transport = httpx.MockTransport(lambda request: httpx.Response(200, content=documented_200_body))",
            f'client = suno_clients.{VENDOR}.Client(api_key="k", http_client=httpx.Client(transport=transport, '
            f'base_url="{point.base_url}"))',
            f"client.{OPERATION}(**payload)",
            f'bare = httpx.Client(transport=transport, base_url="{point.base_url}", headers={point.headers})',
            f'bare.post("{point.path}", json=payload).json()',
            "# async: the same with httpx.AsyncClient, AsyncClient and await, in one event loop",
            "```",
        ]
    if sync_class is not None and (settings.profile or not all(t.holds is not False for t in figure.targets)):
        figure.body += ["", *_profile(point, sync_class)]
    return figure


def _sync(point: Endpoint, client_class: Any, rounds: int) -> Pair:
    import httpx

    seen: list[Any] = []
    ours = client_class(
        api_key="k", http_client=httpx.Client(transport=_transport(point, seen), base_url=point.base_url)
    )
    result = ours.create_task(**point.payload)
    _check_requests(point, seen, "sync client")
    seen.clear()
    bare = httpx.Client(transport=_transport(point, seen), base_url=point.base_url, headers=point.headers)
    bare.post(point.path, json=point.payload).json()
    _check_requests(point, seen, "bare httpx")

    transport = _transport(point)
    ours = client_class(api_key="k", http_client=httpx.Client(transport=transport, base_url=point.base_url))
    bare = httpx.Client(transport=transport, base_url=point.base_url, headers=point.headers)
    namespace = {"ours": ours, "bare": bare, "payload": point.payload, "path": point.path}
    mine = make_timer(f"ours.{OPERATION}(**payload)", namespace)
    theirs = make_timer("bare.post(path, json=payload).json()", namespace)
    loops = (calibrate(mine, BUDGET), calibrate(theirs, BUDGET))
    ours_times: list[float] = []
    bare_times: list[float] = []
    for index in range(rounds):
        sides = [(mine, loops[0], ours_times), (theirs, loops[1], bare_times)]
        for timer, number, into in sides if index % 2 == 0 else sides[::-1]:
            into.append(per_call(timer, number))
    return Pair(
        Series(f"sync Client.{OPERATION} → {type(result).__name__}", tuple(ours_times)),
        Series("bare httpx.Client", tuple(bare_times)),
    )


async def _async(point: Endpoint, client_class: Any, rounds: int) -> Pair:
    import httpx

    seen: list[Any] = []
    http = httpx.AsyncClient(transport=_transport(point, seen), base_url=point.base_url)
    ours = client_class(api_key="k", http_client=http)
    result = await ours.create_task(**point.payload)
    _check_requests(point, seen, "async client")
    seen.clear()
    bare = httpx.AsyncClient(transport=_transport(point, seen), base_url=point.base_url, headers=point.headers)
    (await bare.post(point.path, json=point.payload)).json()
    _check_requests(point, seen, "bare httpx (async)")

    transport = _transport(point)
    ours = client_class(api_key="k", http_client=httpx.AsyncClient(transport=transport, base_url=point.base_url))
    bare = httpx.AsyncClient(transport=transport, base_url=point.base_url, headers=point.headers)
    payload, path = point.payload, point.path

    async def mine() -> None:
        await getattr(ours, OPERATION)(**payload)

    async def theirs() -> None:
        (await bare.post(path, json=payload)).json()

    loops = (await _acalibrate(mine), await _acalibrate(theirs))
    ours_times: list[float] = []
    bare_times: list[float] = []
    for index in range(rounds):
        sides = [(mine, loops[0], ours_times), (theirs, loops[1], bare_times)]
        for call, number, into in sides if index % 2 == 0 else sides[::-1]:
            into.append(await _atime(call, number))
    return Pair(
        Series(f"async AsyncClient.{OPERATION} → {type(result).__name__}", tuple(ours_times)),
        Series("bare httpx.AsyncClient", tuple(bare_times)),
    )


async def _atime(call: Callable[[], Awaitable[None]], number: int) -> float:
    """Seconds per awaited call over `number` calls, collector off."""
    with NoCollector():
        start = time.perf_counter()
        for _ in range(number):
            await call()
        return (time.perf_counter() - start) / number


async def _acalibrate(call: Callable[[], Awaitable[None]]) -> int:
    number = 1
    while True:
        elapsed = await _atime(call, number) * number
        if elapsed >= BUDGET / 10 or number >= 1_000_000:
            break
        number *= 10
    return max(1, round(number * BUDGET / max(elapsed, 1e-9)))


def _profile(point: Endpoint, client_class: Any) -> list[str]:
    """cProfile of the sync client's create call: where the time over bare httpx goes."""
    import httpx

    ours = client_class(api_key="k", http_client=httpx.Client(transport=_transport(point), base_url=point.base_url))
    calls = 2_000

    def loop() -> None:
        for _ in range(calls):
            getattr(ours, OPERATION)(**point.payload)

    bare = httpx.Client(transport=_transport(point), base_url=point.base_url, headers=point.headers)

    def bare_loop() -> None:
        for _ in range(calls):
            bare.post(point.path, json=point.payload).json()

    stats = profiling.profile_call(loop)
    bare_stats = profiling.profile_call(bare_loop)
    total, bare_total = profiling.total_time(stats), profiling.total_time(bare_stats)
    generated = profiling.hot_functions(stats, lambda f: "suno_clients" in f, by="cumulative", limit=12)
    return [
        f"### cProfile of the sync client against bare httpx ({calls} calls each)",
        "",
        f"Under the profiler a call takes {seconds(total / calls)}, against {seconds(bare_total / calls)} for bare "
        "httpx. Where the difference goes, function by function (own time in ours minus own time in bare httpx, "
        f"over {calls} calls; a function bare httpx runs as often costs nothing here):",
        "",
        *table(
            ("function", "calls, ours", "calls, bare", "extra own time"), profiling.excess(stats, bare_stats, limit=15)
        ),
        "",
        "suno_clients' functions, by time with callees:",
        "",
        *profiling.hot_table(generated, total, by="cumulative"),
    ]
