"""Figure 7, what each kept optimisation buys: the figure it serves, measured with it and without it in one run.

Every speed-up the code keeps for speed alone is here (issue 10: an optimisation earns its place by a figure). The
"without" side is made in this process from the code as it would read without the optimisation: a function put
back in place of the one that is there, never a switch in the product.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import statistics
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bench import payloads
from bench.core import (
    Figure,
    NoCollector,
    Settings,
    calibrate,
    make_timer,
    per_call,
    seconds,
    table,
)

BUDGET = 0.03


@dataclass(frozen=True, slots=True)
class Kept:
    """One optimisation: what it is, where it lives, what figure it serves, and its times with and without."""

    name: str
    where: str
    serves: str
    with_it: tuple[float, ...]
    without: tuple[float, ...]

    @property
    def saving(self) -> float:
        """The median per-round share of the time without it that it saves."""
        return statistics.median(1 - w / wo for w, wo in zip(self.with_it, self.without, strict=True))


@contextlib.contextmanager
def replaced(owner: Any, name: str, value: Any) -> Iterator[None]:
    """`owner.name` is `value` inside the block."""
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


def alternate(rounds: int, with_it: Callable[[], float], without: Callable[[], float]) -> tuple[list[float], ...]:
    mine: list[float] = []
    theirs: list[float] = []
    for index in range(rounds):
        sides = [(with_it, mine), (without, theirs)]
        for measure, into in sides if index % 2 == 0 else sides[::-1]:
            into.append(measure())
    return mine, theirs


def _statement(statement: str, namespace: dict[str, Any], context: Callable[[], Any]) -> Callable[[], float]:
    """Seconds per run of `statement`, inside `context()` (the optimisation taken out, or nullcontext)."""
    timer = make_timer(statement, namespace)
    with context():
        number = calibrate(timer, BUDGET)

    def measure() -> float:
        with context():
            return per_call(timer, number)

    return measure


# -- the client call (figure 4) --------------------------------------------------------------------------------------


def create_call() -> tuple[Any, Any, str, dict[str, Any]]:
    """Figure 4's sync call, to time: the vendor's module, its endpoint, the statement and the names it runs with."""
    import httpx

    from bench.fig4_client import OPERATION, VENDOR, _transport, endpoint

    module = __import__(f"suno_clients.{VENDOR}", fromlist=["Client"])
    point = endpoint()
    client = module.Client(api_key="k", http_client=httpx.Client(transport=_transport(point)))
    return module, point, f"client.{OPERATION}(**payload)", {"client": client, "payload": point.payload}


def _client(rounds: int) -> list[Kept]:
    import httpx

    from bench.fig4_client import OPERATION, VENDOR
    from suno_clients._runtime import base_client, outgoing
    from suno_clients._runtime.calls import NotGiven

    module, point, statement, namespace = create_call()

    without = _statement(statement, namespace, lambda: replaced(base_client, "parsed_url", str))
    mine, theirs = alternate(rounds, _statement(statement, namespace, contextlib.nullcontext), without)

    def build_each_time(self: Any, method: str, url: Any, *, query: Any, content: Any, timeout: Any) -> Any:
        # Outgoing.build without the kept merge: httpx's build_request merges the client's headers on every call
        return self._client.build_request(
            method,
            url,
            params=query,
            content=content,
            headers=self._headers.plain if content is None else self._headers.with_json,
            timeout=httpx.USE_CLIENT_DEFAULT if isinstance(timeout, NotGiven) else timeout,
        )

    without = _statement(statement, namespace, lambda: replaced(outgoing.Outgoing, "build", build_each_time))
    merged, each_time = alternate(rounds, _statement(statement, namespace, contextlib.nullcontext), without)

    def dumps(body: Any) -> bytes:
        return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()

    without = _statement(statement, namespace, lambda: replaced(base_client, "body_bytes", dumps))
    encoded, dumped = alternate(rounds, _statement(statement, namespace, contextlib.nullcontext), without)

    return [
        Kept(
            "a fixed path's URL parsed once (lru_cache)",
            "runtime/base_client.py `parsed_url`",
            f"figure 4, sync `{VENDOR}.{OPERATION}` call",
            tuple(mine),
            tuple(theirs),
        ),
        Kept(
            "the httpx client's default headers merged with the client's once, not on every call",
            "runtime/outgoing.py `Outgoing.build`",
            f"figure 4, sync `{VENDOR}.{OPERATION}` call",
            tuple(merged),
            tuple(each_time),
        ),
        Kept(
            "the request body written by pydantic_core's encoder (json.dumps past its depth limit)",
            "runtime/base_client.py `body_bytes`",
            f"figure 4, sync `{VENDOR}.{OPERATION}` call",
            tuple(encoded),
            tuple(dumped),
        ),
        asyncio.run(_alarms(rounds, module, point)),
    ]


class _TimerPerExchange:
    """The alarm without alarms.py: one event-loop timer per exchange, set and cancelled (what asyncio.timeout does)."""

    def __init__(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        self._task = task
        self._cancelling = task.cancelling()
        self.rang = False
        self._handle = loop.call_later(seconds, self._ring)

    def _ring(self) -> None:
        self.rang = True
        self._task.cancel()

    def stop(self) -> None:
        self._handle.cancel()

    def rang_for(self) -> bool:
        return self.rang and self._task.uncancel() <= self._cancelling


async def _alarms(rounds: int, module: Any, point: Any) -> Kept:
    from bench.fig4_client import OPERATION, VENDOR
    from suno_clients._runtime import alarms

    mine, theirs = await async_call_rounds(
        module, point, rounds, BUDGET, lambda: replaced(alarms, "set_alarm", _TimerPerExchange)
    )
    return Kept(
        "one timer per event loop for every exchange's deadline",
        "runtime/alarms.py",
        f"figure 4, async `{VENDOR}.{OPERATION}` call",
        mine,
        theirs,
    )


async def async_call_rounds(
    module: Any, point: Any, rounds: int, budget: float, without: Callable[[], contextlib.AbstractContextManager[Any]]
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Seconds per async create call of figure 4, as the code is and under `without()`: `rounds` alternating runs of
    about `budget` seconds each, in one event loop (each side goes first every other round)."""
    import httpx

    from bench.fig4_client import OPERATION, _transport

    client = module.AsyncClient(api_key="k", http_client=httpx.AsyncClient(transport=_transport(point)))
    call = getattr(client, OPERATION)

    async def timed(number: int) -> float:
        with NoCollector():
            start = asyncio.get_running_loop().time()
            for _ in range(number):
                await call(**point.payload)
            return (asyncio.get_running_loop().time() - start) / number

    number = 1
    while await timed(number) * number < budget / 10:
        number *= 10
    number = max(1, round(number * budget / (await timed(number) * number)))
    mine: list[float] = []
    theirs: list[float] = []
    for index in range(rounds):
        order = [(False, mine), (True, theirs)]
        for is_without, into in order if index % 2 == 0 else order[::-1]:
            with without() if is_without else contextlib.nullcontext():
                into.append(await timed(number))
    return tuple(mine), tuple(theirs)


# -- validation (figure 1) ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FrozenViolation:
    """Violation as a frozen dataclass, as the package's other records are."""

    path: str
    keyword: str
    message: str
    rule: str | None = None
    severity: str = "error"


def _validation(rounds: int) -> list[Kept]:
    import suno_clients
    from suno_clients._runtime import formats, jsontext, violations

    found = list(payloads.payloads())
    with_uri = next(p for p in found if p.kind == "example" and b"://" in p.data)
    several = max(
        (p for p in found if p.kind == "several"),
        key=lambda p: len(suno_clients.validate_json(p.vendor, p.operation, p.data)),
    )
    module = sys.modules[f"suno_clients._validators.{with_uri.vendor}"]
    several_module = sys.modules[f"suno_clients._validators.{several.vendor}"]

    def full_grammar_only() -> Any:
        return replaced(module, "is_uri", lambda value: formats._FULL_URI.match(value) is not None)

    def frozen_violation(path: str, keyword: str, detail: str, rule: Any) -> Any:
        # violations.violation as it would read for a dataclass: made by a call (tuple.__new__ is a tuple's)
        if rule is None:
            return _FrozenViolation(path, keyword, detail)
        return _FrozenViolation(path, keyword, f"{rule.message} ({detail})", rule.id, rule.severity)

    @contextlib.contextmanager
    def frozen_violations() -> Iterator[None]:
        with (
            replaced(violations, "Violation", _FrozenViolation),
            replaced(several_module, "violation", frozen_violation),
        ):
            if hasattr(several_module, "Violation"):
                with replaced(several_module, "Violation", _FrozenViolation):
                    yield
            else:
                yield

    def json_loads_parser() -> Any:
        return replaced(jsontext, "from_json", _refuse)

    kept = []
    for name, where, serves, payload, statement, without in (
        ("the common URL shape tried before the full RFC 3986 grammar", "runtime/formats.py `is_uri`",
         f"figure 1, {with_uri.label}, dict", with_uri, "validate(vendor, operation, payload)", full_grammar_only),
        ("a violation is a named tuple", "runtime/violations.py `Violation`",
         f"figure 1, {several.label}, dict", several, "validate(vendor, operation, payload)", frozen_violations),
        ("bytes parsed by pydantic_core, json.loads only for what it refuses", "runtime/jsontext.py `parse_json`",
         f"figure 1, {with_uri.label}, bytes", with_uri, "validate_json(vendor, operation, data)",
         json_loads_parser),
    ):  # fmt: skip
        namespace = validation_namespace(payload)
        mine, theirs = alternate(
            rounds, _statement(statement, namespace, contextlib.nullcontext), _statement(statement, namespace, without)
        )
        kept.append(Kept(name, where, serves, tuple(mine), tuple(theirs)))
    return kept


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("pydantic_core's parser taken out: json.loads decides")


def validation_namespace(payload: payloads.Payload) -> dict[str, Any]:
    """The names a figure-1 statement of `payload` runs with: ours, and the payload as bytes and as a dict."""
    import suno_clients

    return {
        "validate": suno_clients.validate,
        "validate_json": suno_clients.validate_json,
        "vendor": payload.vendor,
        "operation": payload.operation,
        "payload": json.loads(payload.data),
        "data": payload.data,
    }


# -- the batch loop (figure 2) -----------------------------------------------------------------------------------


def _worded_loop(args: Any, check: Any, out: Any, stdin: Any) -> None:
    """cli._validate_lines as it reads without `_valid_line`: every result worded per line by `_line_result`."""
    from suno_clients._runtime.jsontext import MalformedJSON, parse_json
    from sunogen import cli

    for lineno, line in enumerate(stdin, 1):
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        try:
            violations = check(parse_json(line))
        except MalformedJSON as exc:
            out.write(cli._line_error("-", lineno, f"malformed JSON: {exc.msg}", as_json=args.json))
            continue
        if violations:
            cli._status(violations, args.strict)
        out.write(cli._line_result("-", lineno, violations, as_json=args.json))


def _batch(rounds: int) -> list[Kept]:
    import argparse
    import time

    from bench.fig2_batch import OPERATION, VENDOR
    from suno_clients import vendor_validators
    from sunogen import cli

    check = vendor_validators(VENDOR)[OPERATION]
    lines = [p.data for p in payloads.payloads() if (p.vendor, p.operation, p.kind) == (VENDOR, OPERATION, "example")]
    count = 100_000
    text = b"".join(lines[index % len(lines)] + b"\n" for index in range(count))
    kept = []
    for as_json in (False, True):
        args = argparse.Namespace(files=["-"], json=as_json, strict=False)

        def ours(args: argparse.Namespace = args) -> float:
            start = time.perf_counter()
            cli._validate_lines(args, check, io.StringIO(), sys.stderr, io.TextIOWrapper(io.BytesIO(text)))
            return (time.perf_counter() - start) / count

        def worded(args: argparse.Namespace = args) -> float:
            start = time.perf_counter()
            _worded_loop(args, check, io.StringIO(), io.BytesIO(text))
            return (time.perf_counter() - start) / count

        mine, theirs = alternate(rounds, ours, worded)
        kept.append(
            Kept(
                "a valid line's result is fixed text around its number",
                "cli.py `_valid_line`",
                f"figure 2's loop{', --json' if as_json else ''}, valid lines, in process, per line",
                tuple(mine),
                tuple(theirs),
            )
        )
    return kept


def run(settings: Settings) -> Figure:
    """Every kept optimisation, with and without."""
    import tempfile

    figure = Figure(7, "What each kept optimisation buys")
    rounds = settings.rounds_or(9)
    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        from bench import fig7_client, fig7_generation, fig7_validators

        kept = [
            *_client(rounds),
            *fig7_client.rows(rounds),
            *_validation(rounds),
            *_batch(rounds),
            *fig7_validators.rows(rounds),
            *fig7_generation.kept(rounds, tmp),
        ]
    rows = [
        [
            k.name,
            f"`{k.where}`",
            k.serves,
            seconds(statistics.median(k.with_it)),
            seconds(statistics.median(k.without)),
            f"{k.saving:.0%}",
        ]
        for k in kept
    ]
    figure.body += [
        (__doc__ or "").split("\n\n", 1)[1].replace("\n", " ").strip(),
        "",
        f"Medians of {rounds} interleaved rounds; the saving is the median per-round share of the time without it.",
        "",
        *table(("optimisation", "where", "figure it serves", "with it", "without it", "saves"), rows),
    ]
    return figure
