"""Figure 2, batch: `sunogen validate --jsonl` over a million lines against a loop of pydantic_core and rs."""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from bench import payloads
from bench.core import (
    BIN,
    PYTHON,
    ROOT,
    Command,
    Figure,
    Settings,
    Target,
    Usage,
    megabytes,
    seconds,
    table,
    usage_of,
)

TARGET = 1.2
"""How many times faster than the reference loop ours must be."""
MEMORY_LIMIT = 50e6
LINES = 1_000_000
SIZES = (10_000, 100_000, LINES)
"""Input sizes whose peak memory is compared: it must not grow with the input."""
FLAT = 5e6
"""How much more peak memory a run of LINES lines may take than one of 10,000 and still be called flat."""
VENDOR, OPERATION = "crun", "create_task"
FLOORS = ("read, parse, write", "read, parse, walk, write")
"""The floors of figure 2's valid lines (bench/batch_floor.py, without and with `--walk`)."""


def _lines(kinds: tuple[str, ...]) -> list[bytes]:
    """The figure 1 payloads of the operation, of the given kinds, as lines (each is one line of JSON)."""
    found = [p.data for p in payloads.payloads() if (p.vendor, p.operation) == (VENDOR, OPERATION) and p.kind in kinds]
    if not found:
        raise RuntimeError(f"no {kinds} payloads for {VENDOR}.{OPERATION}")
    return found


def _write(path: Path, lines: list[bytes], count: int) -> Path:
    """`count` lines cycling through `lines`."""
    with path.open("wb") as out:
        for index in range(count):
            out.write(lines[index % len(lines)] + b"\n")
    return path


def ours(path: Path) -> Command:
    """`sunogen validate --jsonl` on one file; it exits 1 when a line is invalid."""
    return Command(
        (str(BIN / "sunogen"), "validate", "--vendor", VENDOR, "--operation", OPERATION, "--jsonl", str(path)),
        expect=-1,
        display=f".venv/bin/sunogen validate --vendor {VENDOR} --operation {OPERATION} --jsonl <tmp>/lines.jsonl",
    )


def reference(schema: Path, path: Path) -> Command:
    """The loop of bench/batch_reference.py."""
    return Command(
        (str(PYTHON), str(ROOT / "bench" / "batch_reference.py"), str(schema), str(path)),
        expect=-1,
        display=".venv/bin/python bench/batch_reference.py <tmp>/schema.json <tmp>/lines.jsonl",
    )


def floor(path: Path, *, walk: bool) -> Command:
    """The loop of bench/batch_floor.py: read, parse and write a fixed line (and walk each payload, with `walk`)."""
    flag = ("--walk",) if walk else ()
    return Command(
        (str(PYTHON), str(ROOT / "bench" / "batch_floor.py"), *flag, str(path)),
        display=f".venv/bin/python bench/batch_floor.py {'--walk ' if walk else ''}<tmp>/lines.jsonl",
    )


def _run(command: Command, valid: bool) -> Usage:
    return usage_of(Command(command.argv, expect=0 if valid else 1, display=command.display))


def run(settings: Settings) -> Figure:
    """Both loops over the same files, interleaved; ours's peak memory at three sizes."""
    figure = Figure(2, "Batch validation (`sunogen validate --jsonl`)")
    rounds = settings.rounds_or(3)
    mixes = {
        "valid (the spec's request examples)": (("example",), True),
        "mostly invalid (every figure 1 payload but the large ones)": (("example", "rule", "json", "several"), False),
    }
    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        root = Path(tmp)
        schema = root / "schema.json"
        schema.write_text(json.dumps(payloads.request_schema(VENDOR, OPERATION)), encoding="utf-8")
        rows, measured, floors, budget = [], {}, [], []
        for mix, (kinds, valid) in mixes.items():
            lines = _lines(kinds)
            path = _write(root / "lines.jsonl", lines, LINES)
            mine, theirs = ours(path), reference(schema, path)
            sides = {"ours": mine, "reference": theirs}
            if valid:  # the floors of any Python loop, in the same rounds (their lines are all valid)
                sides |= {FLOORS[0]: floor(path, walk=False), FLOORS[1]: floor(path, walk=True)}
            for command in sides.values():
                _run(command, valid)  # untimed: the file in the page cache
            times: dict[str, list[Usage]] = {side: [] for side in sides}
            for index in range(rounds):
                order = list(sides.items())
                for side, command in order if index % 2 == 0 else order[::-1]:
                    times[side].append(_run(command, valid))
            measured[mix] = times
            speedups = [r.wall / o.wall for o, r in zip(times["ours"], times["reference"], strict=True)]
            wall = {side: statistics.median(u.wall for u in used) for side, used in times.items()}
            if valid:
                parse, walk = wall[FLOORS[0]], wall[FLOORS[1]]
                left = (wall["reference"] / TARGET - parse) / LINES
                budget.append(
                    f"To be {TARGET}× ahead of the reference on these lines, a loop that parses them must validate "
                    f"each in at most {seconds(left) if left > 0 else 'no time at all'} (the reference's time "
                    f"over {TARGET}, less the first floor, per line); the bare walk of a payload alone takes "
                    f"{seconds((walk - parse) / LINES)} a line (the second floor less the first), and ours validates "
                    f"in {seconds((wall['ours'] - parse) / LINES)} a line above the first floor."
                )
            for side in FLOORS if valid else ():
                ratios = [r.wall / f.wall for f, r in zip(times[side], times["reference"], strict=True)]
                floors.append(
                    [
                        side,
                        seconds(wall[side]),
                        f"{LINES / wall[side]:,.0f}",
                        f"{statistics.median(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f})",
                        f"{wall['ours'] / wall[side]:.2f}×",
                    ]
                )
            rows.append(
                [
                    mix,
                    str(len(lines)),
                    seconds(wall["ours"]),
                    f"{LINES / wall['ours']:,.0f}",
                    seconds(wall["reference"]),
                    f"{LINES / wall['reference']:,.0f}",
                    f"{statistics.median(speedups):.2f}× ({min(speedups):.2f}–{max(speedups):.2f})",
                    megabytes(max(u.peak_rss for u in times["ours"])),
                    megabytes(max(u.peak_rss for u in times["reference"])),
                ]
            )
            figure.targets.append(
                Target(
                    2,
                    f"`--jsonl` over {LINES:,} lines ≥ {TARGET}× faster than pydantic_core + jsonschema-rs: {mix}",
                    f"{statistics.median(speedups):.2f}×",
                    f"≥ {TARGET}×",
                    statistics.median(speedups) >= TARGET,
                )
            )
        valid_lines = _lines(("example",))
        peaks = {}
        for size in SIZES:
            path = _write(root / f"lines-{size}.jsonl", valid_lines, size)
            peaks[size] = max(_run(ours(path), True).peak_rss for _ in range(2))
            path.unlink()
    grew = peaks[LINES] - peaks[SIZES[0]]
    figure.targets.append(
        Target(
            2,
            f"peak memory flat as the input grows, ≤ {MEMORY_LIMIT / 1e6:.0f} MB at {LINES:,} lines",
            f"{megabytes(peaks[LINES])} at {LINES:,} lines, {megabytes(peaks[SIZES[0]])} at {SIZES[0]:,}",
            f"≤ {MEMORY_LIMIT / 1e6:.0f} MB, growth ≤ {FLAT / 1e6:.0f} MB",
            peaks[LINES] <= MEMORY_LIMIT and grew <= FLAT,
        )
    )
    figure.body += [
        f"Whole processes over a file of {LINES:,} lines of `{VENDOR}.{OPERATION}` request bodies (JSON Lines), "
        f"{rounds} interleaved rounds after one untimed run of each (the file in the page cache), output to "
        "/dev/null. Ours is `sunogen validate --jsonl`: each line parsed by pydantic_core's parser, validated by the "
        "compiled validator, one result line written. The reference is bench/batch_reference.py: each line parsed "
        "by pydantic_core, `is_valid` asked of jsonschema-rs (built once with `validate_formats=True`) and, for an "
        "invalid line, every error listed; one result line written. Two inputs: the spec's request examples "
        "cycled (every line valid), and figure 1's payloads of the operation cycled (its examples, rule cases, "
        "JSON cases and the several-edits payload, the large one left out: most lines invalid). Payloads per "
        "second are lines over wall time; peak memory is the process's largest resident set (wait4's ru_maxrss).",
        "",
        *table(
            (
                "input",
                "distinct lines",
                "ours",
                "ours, payloads/s",
                "reference",
                "reference, payloads/s",
                "speed-up (reference / ours)",
                "ours, peak memory",
                "reference, peak memory",
            ),
            rows,
        ),
        "",
        "What bounds the valid lines: the floor of any Python loop that parses each line, timed in the same rounds "
        "on the same file (bench/batch_floor.py: the read, the strip, pydantic_core's parser and one fixed result "
        "line per line; then the same with figure 1's bare walk of each payload, the least a Python validator adds). "
        f"The reference does the same read, parse and write and validates in Rust: where the floor is not "
        f"{TARGET}× ahead of it, no Python validator can be, however little it does per value.",
        "",
        *table(
            ("floor", "wall", "payloads/s", "reference / floor", "ours / floor"),
            floors,
        ),
        "",
        *budget,
        "",
        "Peak memory of ours by input size (valid lines; the larger of two runs):",
        "",
        *table(("lines", "peak memory"), [[f"{size:,}", megabytes(peaks[size])] for size in SIZES]),
        "",
        "```sh",
        ours(Path("x")).text,
        reference(Path("x"), Path("x")).text,
        floor(Path("x"), walk=False).text,
        floor(Path("x"), walk=True).text,
        "```",
    ]
    return figure
