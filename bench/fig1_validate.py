"""Figure 1, validation on one core: ours against jsonschema-rs and jsonschema, from the same bytes or dict."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench import fig1_bounds, payloads, profiling
from bench.core import Figure, Settings, Target, calibrate, make_timer, per_call, seconds, table

SPEEDUP_OVER_JSONSCHEMA = 30.0
BUDGET = 0.004
"""Seconds per timed run of one statement on one payload, in each round."""

# What each side does with the payload's bytes (`data`) or with the dict json.loads made of them (`payload`). A
# schema validator is asked `is_valid` of a payload its schema accepts and for the list of every error of one it
# does not: the cheapest way to learn what ours tells (ours always lists every violation, and [] says valid).
OURS_BYTES = "validate_json(vendor, operation, data)"
OURS_DICT = "validate(vendor, operation, payload)"


def _schema_statement(validator: str, argument: str, valid: bool) -> str:
    return f"{validator}.is_valid({argument})" if valid else f"list({validator}.iter_errors({argument}))"


@dataclass(frozen=True, slots=True)
class Statements:
    """The statements timed for one payload, by label."""

    by_label: dict[str, str]

    @classmethod
    def of(cls, valid: bool) -> Statements:
        """Ours, and each reference fed the way the figure compares them."""
        return cls(
            {
                "ours, bytes": OURS_BYTES,
                "rs, pydantic_core parser": _schema_statement("rust", "from_json(data)", valid),
                "rs, json.loads": _schema_statement("rust", "loads(data)", valid),
                "jsonschema, json.loads": _schema_statement("reference", "loads(data)", valid),
                "ours, dict": OURS_DICT,
                "rs, dict": _schema_statement("rust", "payload", valid),
                "jsonschema, dict": _schema_statement("reference", "payload", valid),
                "our parser alone": "parse_json(data)",
                "json.loads alone": "loads(data)",
            }
        )


# (reference label, ours label): the comparisons the targets are judged on
VERSUS_RS = (
    ("rs, pydantic_core parser", "ours, bytes"),
    ("rs, json.loads", "ours, bytes"),
    ("rs, dict", "ours, dict"),
)
VERSUS_JSONSCHEMA = (("jsonschema, json.loads", "ours, bytes"), ("jsonschema, dict", "ours, dict"))


@dataclass(frozen=True, slots=True)
class Measured:
    """One payload: every statement's seconds per call in each round, whether it is valid, how many violations."""

    payload: payloads.Payload
    valid: bool
    times: dict[str, tuple[float, ...]]
    violations: tuple[int, int]
    """(ours, jsonschema-rs): how many each lists (ours includes warnings, the schema validators know none)."""

    def median(self, label: str) -> float:
        """Median seconds per call of one statement."""
        return statistics.median(self.times[label])

    def speedups(self, reference: str, ours: str) -> list[float]:
        """reference / ours, round by round (above 1: ours is faster)."""
        return [r / o for r, o in zip(self.times[reference], self.times[ours], strict=True)]

    def speedup(self, reference: str, ours: str) -> float:
        """The median of the per-round speed-ups."""
        return statistics.median(self.speedups(reference, ours))


def _namespace(payload: payloads.Payload, validators: dict[tuple[str, str], tuple[Any, Any]]) -> dict[str, Any]:
    from pydantic_core import from_json

    import suno_clients
    from suno_clients._runtime.jsontext import parse_json

    rust, reference = validators[(payload.vendor, payload.operation)]
    return {
        "validate_json": suno_clients.validate_json,
        "validate": suno_clients.validate,
        "parse_json": parse_json,
        "from_json": from_json,
        "loads": json.loads,
        "vendor": payload.vendor,
        "operation": payload.operation,
        "rust": rust,
        "reference": reference,
        "data": payload.data,
        "payload": json.loads(payload.data),
    }


def schema_validators(found: Sequence[payloads.Payload]) -> dict[tuple[str, str], tuple[Any, Any]]:
    """jsonschema-rs and jsonschema (2020-12, formats checked) for each operation, built once, outside the timing."""
    import jsonschema
    import jsonschema_rs

    built = {}
    for vendor, operation in dict.fromkeys((p.vendor, p.operation) for p in found):
        schema = payloads.request_schema(vendor, operation)
        rust = jsonschema_rs.validator_for(schema, validate_formats=True)
        if type(rust).__name__ != "Draft202012Validator":
            raise RuntimeError(f"jsonschema-rs picked {type(rust).__name__} for {vendor}, not 2020-12")
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        built[(vendor, operation)] = (rust, jsonschema.Draft202012Validator(schema, format_checker=checker))
    return built


def _verdict(payload: payloads.Payload, namespace: dict[str, Any]) -> tuple[bool, tuple[int, int]]:
    """Whether the payload is valid, and how many violations ours and jsonschema-rs list; they must agree."""
    ours = namespace["validate_json"](payload.vendor, payload.operation, payload.data)
    theirs = list(namespace["rust"].iter_errors(namespace["payload"]))
    if bool(ours) != bool(theirs):
        raise RuntimeError(f"{payload.label}: ours lists {len(ours)} violations, jsonschema-rs {len(theirs)}")
    return not theirs, (len(ours), len(theirs))


def measure(found: Sequence[payloads.Payload], rounds: int) -> list[Measured]:
    """Every statement on every payload, `rounds` times; within a round the statements take turns going first."""
    validators = schema_validators(found)
    results = []
    for payload in found:
        namespace = _namespace(payload, validators)
        valid, counts = _verdict(payload, namespace)
        statements = Statements.of(valid).by_label
        labels = list(statements)
        timers = {label: make_timer(statements[label], namespace) for label in labels}
        loops = {label: calibrate(timers[label], BUDGET) for label in labels}
        times: dict[str, list[float]] = {label: [] for label in labels}
        for index in range(rounds):
            shift = index % len(labels)
            for label in labels[shift:] + labels[:shift]:
                times[label].append(per_call(timers[label], loops[label]))
        results.append(Measured(payload, valid, {k: tuple(v) for k, v in times.items()}, counts))
    return results


def _worst(results: Sequence[Measured], comparisons: Sequence[tuple[str, str]]) -> tuple[Measured, str, float]:
    """The payload and comparison with the lowest median speed-up."""
    return min(
        ((m, reference, m.speedup(reference, ours)) for m in results for reference, ours in comparisons),
        key=lambda item: item[2],
    )


def _count(results: Sequence[Measured], comparisons: Sequence[tuple[str, str]], at_least: float) -> int:
    return sum(all(m.speedup(reference, ours) > at_least for reference, ours in comparisons) for m in results)


def run(settings: Settings) -> Figure:
    """Validate every payload with each validator; targets: ahead of jsonschema-rs on each, and 30x jsonschema."""
    figure = Figure(1, "Validation, the same input on both sides (one core)")
    rounds = settings.rounds_or(5)
    found = payloads.payloads()
    results = measure(found, rounds)
    n = len(results)
    for reference, ours in VERSUS_RS:
        ahead = _count(results, [(reference, ours)], 1.0)
        worst, _, speedup = _worst(results, [(reference, ours)])
        figure.targets.append(
            Target(
                1,
                f"ahead of jsonschema-rs on every payload: {ours} vs {reference}",
                f"{ahead}/{n} ahead; worst {speedup:.2f}× ({worst.payload.label})",
                "> 1× on each",
                ahead == n,
            )
        )
    js_ok = _count(results, VERSUS_JSONSCHEMA, SPEEDUP_OVER_JSONSCHEMA - 1e-9)
    worst, reference, speedup = _worst(results, VERSUS_JSONSCHEMA)
    figure.targets.append(
        Target(
            1,
            f"≥ {SPEEDUP_OVER_JSONSCHEMA:.0f}× jsonschema on every payload, from bytes and from a dict",
            f"{js_ok}/{n} at or above; worst {speedup:.1f}× ({worst.payload.label}, {reference})",
            f"≥ {SPEEDUP_OVER_JSONSCHEMA:.0f}× on each",
            js_ok == n,
        )
    )
    figure.body += _description(found, rounds)
    figure.body += ["", *_summary_by_kind(results), "", *_table(results)]
    figure.body += ["", *fig1_bounds.walk_bound(results), "", *_below_jsonschema(results)]
    figure.body += ["", *fig1_bounds.fresh_strings(results, rounds)]
    if settings.profile or not all(t.holds for t in figure.targets):
        figure.body += ["", *_profile(results)]
    return figure


def _description(found: Sequence[payloads.Payload], rounds: int) -> list[str]:
    kinds = {kind: sum(p.kind == kind for p in found) for kind in dict.fromkeys(p.kind for p in found)}
    counted = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    return [
        f"{len(found)} payloads ({counted}). {payloads.describe()}",
        "",
        f"Seconds per payload over {rounds} interleaved rounds, each a timeit run of about {BUDGET * 1e3:.0f} ms per "
        "statement (collector off, as timeit has it); every statement of a payload takes its turn first. Each side "
        "is handed the same input: the payload's bytes, or the dict json.loads made of them. Ours parses bytes with "
        "pydantic_core's parser (held to json.loads's results by tests/test_json_text.py) and always lists every "
        "violation; jsonschema-rs is fed by that same parser and by json.loads; jsonschema by json.loads. A schema "
        "validator is asked `is_valid` of a payload its schema accepts and for the list of every error of one it "
        "does not. Validators are built once, outside the timing: jsonschema-rs "
        "`validator_for(schema, validate_formats=True)`, jsonschema `Draft202012Validator(schema, "
        "format_checker=FORMAT_CHECKER)`, the schema being the spec's request `$ref` beside its components. "
        "Speed-ups are the median of per-round reference / ours (above 1: ours is faster).",
        "",
        "```python",
        f"{OURS_BYTES}  # ours, bytes  (suno_clients.validate_json)",
        f"{OURS_DICT}  # ours, dict  (suno_clients.validate)",
        "rust.is_valid(from_json(data))  # or list(rust.iter_errors(from_json(data))) for an invalid payload",
        "rust.is_valid(json.loads(data))",
        "reference.is_valid(json.loads(data))  # jsonschema",
        "rust.is_valid(payload)  # and reference.is_valid(payload): from the dict",
        "```",
    ]


def _summary_by_kind(results: Sequence[Measured]) -> list[str]:
    rows = []
    for kind in dict.fromkeys(m.payload.kind for m in results):
        group = [m for m in results if m.payload.kind == kind]
        cells = [kind, str(len(group))]
        for reference, ours in (*VERSUS_RS, *VERSUS_JSONSCHEMA):
            speedups = [m.speedup(reference, ours) for m in group]
            cells.append(f"{min(speedups):.2f}–{max(speedups):.2f}×")
        rows.append(cells)
    header = ("payloads", "n", *(f"{ours} over {reference}" for reference, ours in (*VERSUS_RS, *VERSUS_JSONSCHEMA)))
    return [
        "Speed-up of ours over each reference by kind of payload (lowest–highest median):",
        "",
        *table(header, rows),
    ]


def _table(results: Sequence[Measured]) -> list[str]:
    rows = []
    for m in results:
        rows.append(
            [
                m.payload.label,
                "valid" if m.valid else f"{m.violations[0]} / {m.violations[1]}",
                seconds(m.median("ours, bytes")),
                *(f"{m.speedup(reference, 'ours, bytes'):.2f}" for reference, _ in VERSUS_RS[:2]),
                f"{m.speedup('jsonschema, json.loads', 'ours, bytes'):.0f}",
                seconds(m.median("ours, dict")),
                f"{m.speedup('rs, dict', 'ours, dict'):.2f}",
                f"{m.speedup('jsonschema, dict', 'ours, dict'):.0f}",
                f"{m.median('our parser alone') / m.median('ours, bytes'):.0%}",
            ]
        )
    return [
        "Every payload (speed-ups are reference / ours; the violations column is ours / jsonschema-rs, ours "
        "counting warnings too):",
        "",
        *table(
            (
                "payload",
                "violations",
                "ours, bytes",
                "× rs (pydantic_core)",
                "× rs (json.loads)",
                "× jsonschema",
                "ours, dict",
                "× rs, dict",
                "× jsonschema, dict",
                "our parser's share",
            ),
            rows,
        ),
    ]


def _below_jsonschema(results: Sequence[Measured]) -> list[str]:
    """The payloads under the 30x target, with what bounds each: parsing, or listing far more than jsonschema does."""
    below = [
        m
        for m in results
        if any(m.speedup(reference, ours) < SPEEDUP_OVER_JSONSCHEMA for reference, ours in VERSUS_JSONSCHEMA)
    ]
    if not below:
        return [f"Ours is at least {SPEEDUP_OVER_JSONSCHEMA:.0f}× jsonschema on every payload."]
    rows = [
        [
            m.payload.label,
            f"{m.speedup('jsonschema, json.loads', 'ours, bytes'):.1f}×",
            f"{m.median('jsonschema, json.loads') / m.median('our parser alone'):.0f}×",
            f"{m.speedup('jsonschema, dict', 'ours, dict'):.1f}×",
            f"{m.violations[0]} / {m.violations[1]}",
        ]
        for m in below
    ]
    return [
        f"### The payloads under {SPEEDUP_OVER_JSONSCHEMA:.0f}× jsonschema",
        "",
        "The third column is jsonschema's time from bytes over our parser's alone: the most ours could be ahead "
        "from bytes if validating cost nothing (pydantic_core parses a 50,000-character string about as fast as "
        "json.loads does, so on large payloads the parse is most of both). The last is how many violations ours "
        "and jsonschema-rs list: ours lists each unknown member (its own path and message) where the schema "
        "validators word them all as one `additionalProperties` error, so a payload with 200 of them costs ours "
        "200 violations to make.",
        "",
        *table(
            ("payload", "× jsonschema, bytes", "at most, bytes (parse alone)", "× jsonschema, dict", "violations"),
            rows,
        ),
    ]


def _profile(results: Sequence[Measured]) -> list[str]:
    """cProfile of ours on the payload where it trails jsonschema-rs most (on a dict)."""
    import suno_clients

    worst = min(results, key=lambda m: m.speedup("rs, dict", "ours, dict"))
    payload = json.loads(worst.payload.data)
    calls = 20_000
    vendor, operation = worst.payload.vendor, worst.payload.operation

    def loop() -> None:
        for _ in range(calls):
            suno_clients.validate(vendor, operation, payload)

    stats = profiling.profile_call(loop)
    total = profiling.total_time(stats)
    hot = profiling.hot_functions(stats, _not_bench, by="own", limit=12)
    return [
        f"### cProfile of ours on {worst.payload.label} ({calls} calls, from the dict)",
        "",
        "The payload where ours trails jsonschema-rs most. By own time (the profiler inflates per-call overhead of "
        "small functions; read the ranking):",
        "",
        *profiling.hot_table(hot, total, by="own"),
    ]


def _not_bench(file: str) -> bool:
    return "bench/" not in file


Check = Callable[[object], list[Any]]
