"""Figure 1's bounds: what a Python validator cannot go below on the payloads where jsonschema-rs is ahead.

Where ours trails on a dict: a bare walk of the payload's values, and the regular-expression work (the spec's
patterns, `format: uri`) it cannot skip, each timed alone. On the large payloads from bytes: what validating a
freshly parsed payload costs over validating the same dict again (CPython hashes a string on its first lookup in a
set, and keeps the hash).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import re
import statistics
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from bench.core import seconds, table


def _touch(value: Any) -> int:
    """Visit every value of a payload once, doing nothing with it: what any Python validator pays at the least."""
    if isinstance(value, dict):
        return sum(_touch(member) for member in value.values()) + 1
    if isinstance(value, list):
        return sum(_touch(item) for item in value) + 1
    return 1


class _Recorded:
    """A compiled pattern that records every match it is asked for, then asks the pattern."""

    def __init__(self, pattern: re.Pattern[str], calls: list[Callable[[], Any]]) -> None:
        self._pattern = pattern
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._pattern, name)

        def recorded(*args: Any) -> Any:
            self._calls.append(functools.partial(method, *args))
            return method(*args)

        return recorded


@contextlib.contextmanager
def _recording(vendor: str, calls: list[Callable[[], Any]]) -> Iterator[None]:
    """Inside the block, every pattern of the vendor's validators and of the runtime's formats records its calls."""
    modules = [
        importlib.import_module(f"suno_clients._validators.{vendor}"),
        importlib.import_module("suno_clients._runtime.formats"),
    ]
    swapped = [
        (namespace, name, value)
        for namespace in (vars(module) for module in modules)
        for name, value in list(namespace.items())
        if isinstance(value, re.Pattern)
    ]
    for namespace, name, value in swapped:
        namespace[name] = _Recorded(value, calls)
    try:
        yield
    finally:
        for namespace, name, value in swapped:
            namespace[name] = value


def _pattern_work(vendor: str, operation: str, payload: Any) -> float:
    """Seconds the regular expressions ours runs on the payload take alone (0 when it runs none)."""
    import suno_clients

    calls: list[Callable[[], Any]] = []
    with _recording(vendor, calls):
        suno_clients.validate(vendor, operation, payload)
    if not calls:
        return 0.0

    def replay() -> None:
        for call in calls:
            call()

    number = 2000
    return min(timeit.repeat(replay, number=number, repeat=5)) / number


def walk_bound(results: Sequence[Any]) -> list[str]:
    """Where ours trails jsonschema-rs on a dict: its time against a bare walk and its regular expressions alone."""
    trailing = sorted((m for m in results if m.speedup("rs, dict", "ours, dict") < 1), key=lambda m: m.payload.label)
    if not trailing:
        return ["Ours is ahead of jsonschema-rs on every dict."]
    rows = []
    for m in trailing:
        payload = json.loads(m.payload.data)
        number = 2000
        walk = min(timeit.repeat(functools.partial(_touch, payload), number=number, repeat=5)) / number
        patterns = _pattern_work(m.payload.vendor, m.payload.operation, payload)
        ours, rs = m.median("ours, dict"), m.median("rs, dict")
        rows.append(
            [
                m.payload.label,
                str(_touch(payload)),
                seconds(ours),
                seconds(rs),
                seconds(walk),
                seconds(patterns) if patterns else "none",
                f"{(walk + patterns) / rs:.2f}×",
            ]
        )
    return [
        "### What bounds ours where jsonschema-rs is ahead",
        "",
        f"Ours trails jsonschema-rs on {len(trailing)} of {len(results)} dicts. The bare walk visits every value of "
        "the payload once and checks nothing (`_touch` in bench/fig1_bounds.py); the patterns column is the "
        "regular expressions ours runs on the payload (the spec's `pattern`s, `format: uri`), recorded during one "
        "validation and timed alone with Python's `re`. The last column is both over jsonschema-rs's whole "
        "validation: where it is near or above 1×, a validator written in Python cannot be ahead, whatever it "
        "compiles to, because jsonschema-rs validates in Rust for less than the interpreter takes to look at each "
        "value once and run the patterns the spec asks for.",
        "",
        *table(
            ("payload", "values", "ours, dict", "rs, dict", "bare walk", "patterns", "(walk + patterns) / rs"),
            rows,
        ),
    ]


def _per_call(function: Callable[[Any], Any], arguments: Sequence[Any]) -> float:
    start = time.perf_counter()
    for argument in arguments:
        function(argument)
    return (time.perf_counter() - start) / len(arguments)


class _RecordedSet(frozenset[Any]):
    """A module's set constant that records every string looked up in it (a lookup hashes the string)."""

    looked_up: list[str]

    def __contains__(self, value: object) -> bool:
        if isinstance(value, str):
            self.looked_up.append(value)
        return super().__contains__(value)


def _looked_up(vendor: str, operation: str, payload: Any) -> list[str]:
    """The strings of the payload that ours looks up in a set (the vendor module's frozensets) in one validation."""
    import suno_clients

    namespace = vars(importlib.import_module(f"suno_clients._validators.{vendor}"))
    found: list[str] = []
    originals = {name: value for name, value in namespace.items() if isinstance(value, frozenset)}
    for name, value in originals.items():
        recorded = _RecordedSet(value)
        recorded.looked_up = found
        namespace[name] = recorded
    try:
        suno_clients.validate(vendor, operation, payload)
    finally:
        namespace.update(originals)
    return [text for text in found if len(text) > 100]  # (a member's name is short, and hashed already)


def _hash_fresh(texts: list[str], count: int) -> float:
    """Seconds to hash fresh copies of `texts` (a copy's hash is not computed yet), per copy of all of them."""
    copies = [[(text + ".")[:-1] for text in texts] for _ in range(count)]
    start = time.perf_counter()
    for each in copies:
        for text in each:
            hash(text)
    return (time.perf_counter() - start) / count


def fresh_strings(results: Sequence[Any], rounds: int) -> list[str]:
    """On the large payloads: validating a fresh parse against the same dict again, and hashing its strings alone."""
    import suno_clients
    from suno_clients._runtime.jsontext import parse_json

    large = [m for m in results if m.payload.kind == "large"]
    if not large:
        return []
    rows = []
    count = 100
    for m in large:
        check = suno_clients._validator(m.payload.vendor, m.payload.operation)
        fresh, again, hashing = [], [], []
        looked_up = _looked_up(m.payload.vendor, m.payload.operation, json.loads(m.payload.data))
        for _ in range(rounds):
            parsed = [parse_json(m.payload.data) for _ in range(count)]
            fresh.append(_per_call(check, parsed))  # each dict validated for the first time
            again.append(_per_call(check, parsed))  # the same dicts: every string's hash is kept from the first
            hashing.append(_hash_fresh(looked_up, count))
        rows.append(
            [
                m.payload.label,
                seconds(m.median("ours, bytes")),
                seconds(m.median("our parser alone")),
                seconds(statistics.median(fresh)),
                seconds(statistics.median(again)),
                f"{len(looked_up)}: {seconds(statistics.median(hashing))}" if looked_up else "none",
            ]
        )
    return [
        "### The large payloads from bytes: fresh strings are hashed",
        "",
        "From bytes, every 50,000-character string is new. CPython computes a string's hash the first time the "
        "string is looked up in a set (an `enum` test is `v in frozenset(...)`) and keeps it in the string, so the "
        "dict column above, which validates the same dict again and again, never pays it; validating a fresh parse "
        "does. The table validates fresh parses (each dict validated once), then the same dicts again; the last "
        "column counts the long strings one validation looks up in a set (recorded) and times hashing fresh copies "
        "of them alone: compare it with the difference of the two columns before it. Where it is most of that "
        "difference, a large payload's time from bytes is its parse and those hashes, not the checks. Comparing a "
        "string's length with the enum's longest first would skip the hash, but only for strings far longer than "
        "any a gateway accepts: a test that serves absurd payloads alone, not worth its place in every enum check.",
        "",
        *table(
            (
                "payload",
                "ours, bytes",
                "our parser alone",
                "validating a fresh parse",
                "validating it again",
                "strings looked up in a set: hashing them",
            ),
            rows,
        ),
    ]
