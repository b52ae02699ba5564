"""What every figure shares: interleaved rounds, whole-process and in-process timers, statistics and targets."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
"""The repository root: every command runs from here, as `make bench` does."""

BIN = Path(sys.executable).parent
"""The project venv's bin/ (bench/run.py runs under .venv/bin/python)."""

PYTHON = Path(sys.executable)


def shown(path: Path) -> str:
    """A path as the reproduce commands print it: relative to the repository root where it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class Settings:
    """How long to measure: the rounds of each figure (None: the figure's own default) and whether to profile."""

    rounds: int | None = None
    profile: bool = False

    def rounds_or(self, default: int) -> int:
        """The rounds to run: the override if given, else the figure's default."""
        return self.rounds if self.rounds is not None else default


@dataclass(frozen=True, slots=True)
class Target:
    """One target of the issue: what was measured against what threshold, and whether it holds (None: not measured)."""

    figure: int
    name: str
    measured: str
    threshold: str
    holds: bool | None
    note: str = ""

    @property
    def verdict(self) -> str:
        """HOLDS, FAILS or NOT MEASURED."""
        if self.holds is None:
            return "NOT MEASURED"
        return "HOLDS" if self.holds else "FAILS"


@dataclass(slots=True)
class Figure:
    """The outcome of one figure: its targets and its section of RESULTS.md (markdown lines)."""

    number: int
    title: str
    targets: list[Target] = field(default_factory=list)
    body: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Series:
    """The time of one side of a comparison in each round (seconds per unit: per process, per call)."""

    label: str
    times: tuple[float, ...]

    @property
    def median(self) -> float:
        """The median over rounds."""
        return statistics.median(self.times)


@dataclass(frozen=True, slots=True)
class Pair:
    """Ours against its reference, measured in the same rounds; a round's ratio is ours / reference."""

    ours: Series
    ref: Series

    @property
    def ratios(self) -> tuple[float, ...]:
        """ours / reference, round by round (below 1: ours is faster)."""
        return tuple(o / r for o, r in zip(self.ours.times, self.ref.times, strict=True))

    @property
    def ratio(self) -> float:
        """The median of the per-round ratios: what the targets are judged on."""
        return statistics.median(self.ratios)

    @property
    def speedup(self) -> float:
        """The median of the per-round reference / ours (above 1: ours is faster)."""
        return statistics.median(r / o for o, r in zip(self.ours.times, self.ref.times, strict=True))


def interleave(rounds: int, sides: Sequence[Callable[[], float]]) -> list[list[float]]:
    """Time every side once per round, rotating which goes first so drift hits all alike (two sides alternate)."""
    times: list[list[float]] = [[] for _ in sides]
    for index in range(rounds):
        shift = index % len(sides)
        for side in [*range(shift, len(sides)), *range(shift)]:
            times[side].append(sides[side]())
    return times


# ----------------------------------------------------------------------------------------------- processes


@dataclass(frozen=True, slots=True)
class Command:
    """A whole process to time: its argv, the exit status it must end with, and how the report prints it."""

    argv: tuple[str, ...]
    expect: int = 0
    display: str | None = None

    @property
    def text(self) -> str:
        """The command line as a user would type it from the repository root (`display` where one is given)."""
        if self.display is not None:
            return self.display
        return " ".join(_quote(shown(Path(a)) if a.startswith(str(ROOT)) else a) for a in self.argv)


def _quote(arg: str) -> str:
    if arg and all(c.isalnum() or c in "-_./=:,+@%" for c in arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def compile_bytecode() -> str:
    """Compile generator/ and generated/ to bytecode, as `pip install` does for installed packages; what was done.

    The project is installed editable, so its modules load from source. Where PYTHONDONTWRITEBYTECODE is set (it is
    on the machines this project runs on) Python never writes their bytecode and compiles every module of ours on
    every start, while httpx, pydantic and datamodel-code-generator load the bytecode pip wrote: whole-process
    figures would charge ours for compiling. Python reads bytecode whatever that variable says.
    """
    import compileall

    for folder in ("generator", "generated"):
        if not compileall.compile_dir(str(ROOT / folder), quiet=1):
            raise RuntimeError(f"compileall failed on {folder}/")
    flag = "set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not set"
    return f"compiled for generator/ and generated/ before timing, as pip install does (PYTHONDONTWRITEBYTECODE {flag})"


def run_process(command: Command, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command from the repository root, capturing its output; raise if it ends with another status."""
    done = subprocess.run(command.argv, cwd=ROOT, capture_output=True, text=True, check=False, env=env)
    if done.returncode != command.expect:
        raise RuntimeError(
            f"`{command.text}` exited {done.returncode}, expected {command.expect}:\n{done.stdout}{done.stderr}"
        )
    return done


def time_process(command: Command) -> float:
    """Wall time of one whole process, start-up and exit included (its output is discarded)."""
    start = time.perf_counter()
    done = subprocess.run(command.argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != command.expect:
        raise RuntimeError(
            f"`{command.text}` exited {done.returncode}, expected {command.expect}:\n{done.stderr.decode()}"
        )
    return elapsed


def cpu_process(command: Command) -> float:
    """CPU seconds (user + system) of one whole process and of every process it waited for, its workers included."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_process(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_processes(
    rounds: int, commands: Sequence[Command | Callable[[], Command]], labels: Sequence[str]
) -> list[Series]:
    """Whole processes, interleaved round by round; each is run once untimed first (file cache warm).

    Bytecode is compiled once for the whole run by `compile_bytecode`.
    """

    def resolve(command: Command | Callable[[], Command]) -> Command:
        return command if isinstance(command, Command) else command()

    def timer(command: Command | Callable[[], Command]) -> Callable[[], float]:
        return lambda: time_process(resolve(command))

    for command in commands:
        time_process(resolve(command))
    times = interleave(rounds, [timer(command) for command in commands])
    return [Series(label, tuple(t)) for label, t in zip(labels, times, strict=True)]


def compare_processes(
    rounds: int,
    ours: Command | Callable[[], Command],
    ref: Command | Callable[[], Command],
    labels: tuple[str, str],
) -> Pair:
    """Ours against the reference as whole processes, interleaved (see time_processes)."""
    mine, theirs = time_processes(rounds, (ours, ref), labels)
    return Pair(mine, theirs)


# ----------------------------------------------------------------------------------------------- in-process


def make_timer(statement: str, namespace: dict[str, Any]) -> timeit.Timer:
    """A timeit.Timer over one statement (no per-call lambda frame); timeit turns the collector off while timing."""
    return timeit.Timer(statement, globals=namespace)


def calibrate(timer: timeit.Timer, budget: float) -> int:
    """How many loops of `timer` take about `budget` seconds (at least 1)."""
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= budget / 10 or number >= 10_000_000:
            break
        number *= 10
    return max(1, round(number * budget / max(elapsed, 1e-9)))


def per_call(timer: timeit.Timer, number: int) -> float:
    """Seconds per call of one timed run of `number` loops."""
    return timer.timeit(number) / number


class NoCollector:
    """The garbage collector off inside the block, as timeit has it, for loops timeit cannot run (async)."""

    def __enter__(self) -> None:
        self._was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._was:
            gc.enable()


# ----------------------------------------------------------------------------------------------- formatting


def seconds(value: float) -> str:
    """A duration with a unit that keeps three significant figures."""
    if value >= 1:
        return f"{value:.3g} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3g} ms"
    if value >= 1e-6:
        return f"{value * 1e6:.3g} µs"
    return f"{value * 1e9:.3g} ns"


def spread(series: Series) -> str:
    """`median (min–max)` of a series."""
    return f"{seconds(series.median)} ({seconds(min(series.times))}–{seconds(max(series.times))})"


def ratio_text(pair: Pair) -> str:
    """The median per-round ratio with its min–max."""
    ratios = pair.ratios
    return f"{pair.ratio:.2f}× ({min(ratios):.2f}–{max(ratios):.2f})"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
    return lines


def pair_rows(pairs: Sequence[Pair]) -> list[list[str]]:
    """One table row per pair: ours, reference, and the ratio."""
    return [[p.ours.label, spread(p.ours), p.ref.label, spread(p.ref), ratio_text(p)] for p in pairs]


PAIR_HEADER = ("ours", "median (min–max)", "reference", "median (min–max)", "ours / reference: median (min–max)")


def cpu_count() -> str:
    """The CPUs this process may use, and the machine's total when they differ."""
    total = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else total
    return str(total) if usable == total else f"{usable} usable of {total}"


@dataclass(frozen=True, slots=True)
class Usage:
    """What one whole process took: wall seconds, CPU seconds (user + system, its waited-for children too), peak RSS."""

    wall: float
    cpu: float
    peak_rss: int
    """Bytes: the largest resident set the process (or any child it waited for) reached."""


# Runs argv[2:] in a child of its own and writes what the kernel says the child used (wait4) to the file argv[1].
# A process forked from the bench's own (large) process would have the bench's resident set counted as its peak;
# this small one's peak is under any Python process's, so the child's own peak is what is read.
TRAMPOLINE = """
import json, os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, used = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(report, "w") as file:
    json.dump({"wall": wall, "cpu": used.ru_utime + used.ru_stime, "peak": used.ru_maxrss * 1024}, file)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def usage_of(command: Command, *, stdin: Path | None = None) -> Usage:
    """Run one whole process (output discarded) and read its own resource usage from the kernel (wait4).

    Wall time is the child's alone (the small process that starts it and reads its usage is not counted).
    """
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        report = Path(tmp) / "usage.json"
        with open(stdin if stdin is not None else os.devnull, "rb") as source:
            done = subprocess.run(
                (str(PYTHON), "-c", TRAMPOLINE, str(report), *command.argv),
                cwd=ROOT,
                stdin=source,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
            )
        if done.returncode != command.expect:
            shown = f"`{command.text}` exited {done.returncode}, expected {command.expect}"
            raise RuntimeError(f"{shown}:\n{done.stderr.decode()}")
        used = json.loads(report.read_text(encoding="utf-8"))
    return Usage(used["wall"], used["cpu"], used["peak"])


def megabytes(value: int) -> str:
    """A size in MB (10^6 bytes)."""
    return f"{value / 1e6:.1f} MB"
