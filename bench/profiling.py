"""Where the time goes when a target does not hold: `-X importtime` and cProfile, summarised for RESULTS.md."""

from __future__ import annotations

import pstats
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.core import PYTHON, ROOT, Command, run_process, seconds, table

_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


@dataclass(frozen=True, slots=True)
class Imported:
    """One line of `-X importtime`: a module, its own time, its time with what it imported, and who imported it."""

    name: str
    self_s: float
    cumulative_s: float
    parents: tuple[str, ...]
    """The modules whose import made this one run, outermost first (empty: imported by the program itself)."""

    @property
    def package(self) -> str:
        """The top-level package, with the standard library as one."""
        return _package(self.name)


def _package(name: str) -> str:
    root = name.split(".")[0]
    return "(standard library)" if root in sys.stdlib_module_names or root.startswith("_") else root


def import_times(argv: Sequence[str], expect: int = 0) -> list[Imported]:
    """Every module a Python process imports, with `-X importtime` (argv: what follows `python`)."""
    done = run_process(Command((str(PYTHON), "-X", "importtime", *argv), expect=expect))
    lines = []
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            lines.append((name, int(self_us) / 1e6, int(cumulative_us) / 1e6, len(indent) // 2))
    if not lines:
        raise RuntimeError(f"no -X importtime lines from {' '.join(argv)}:\n{done.stderr}")
    # A module's line comes after the lines of the modules it imported, one level deeper: walk backwards.
    found: list[Imported] = []
    chain: list[str] = []
    for name, own, cumulative, depth in reversed(lines):
        del chain[depth:]
        found.append(Imported(name, own, cumulative, tuple(chain)))
        chain.append(name)
    found.reverse()
    return found


def by_package(imported: Sequence[Imported]) -> list[tuple[str, float, float]]:
    """Per top-level package, largest own time first: (package, own time, time with what it pulled in).

    Own time sums its modules' self times; the time with what it pulled in sums its outermost entries (an import
    of the package from outside it), so dependencies count there as well as under their own name.
    """
    own: dict[str, float] = defaultdict(float)
    entered: dict[str, float] = defaultdict(float)
    for entry in imported:
        own[entry.package] += entry.self_s
        if all(_package(parent) != entry.package for parent in entry.parents):
            entered[entry.package] += entry.cumulative_s
    return sorted(((p, own[p], entered[p]) for p in own), key=lambda item: -item[1])


def import_section(title: str, imported: Sequence[Imported], limit: int = 8) -> list[str]:
    """A markdown paragraph and table: the process's import time by package."""
    groups = by_package(imported)
    total = sum(own for _, own, _ in groups)
    rows = [[name, seconds(own), f"{own / total:.0%}", seconds(entered)] for name, own, entered in groups[:limit]]
    rest = groups[limit:]
    if rest:
        other = sum(own for _, own, _ in rest)
        rows.append([f"{len(rest)} others", seconds(other), f"{other / total:.0%}", ""])
    return [
        f"{title}: {seconds(total)} of imports in {len(imported)} modules (`-X importtime`, which adds a little).",
        "",
        *table(("package", "own import time", "share", "with what it pulled in"), rows),
    ]


def extra_section(title: str, ours: Sequence[Imported], reference: Sequence[Imported], owner: str) -> list[str]:
    """What ours imports that the reference does not, by package, and which of `owner`'s modules pulls each in."""
    known = {m.name for m in reference}
    extra = [m for m in ours if m.name not in known]
    own: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    via: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for m in extra:
        own[m.package] += m.self_s
        count[m.package] += 1
        if m.package != _package(owner) and m.parents and m.parents[-1].split(".")[0] == owner:
            via[m.package].setdefault(m.parents[-1], []).append(m.name)
    rows = [
        [package, str(count[package]), seconds(t), _via(via[package])]
        for package, t in sorted(own.items(), key=lambda item: -item[1])
    ]
    return [
        f"{title}: {len(extra)} modules, {seconds(sum(own.values()))} of own import time.",
        "",
        *table(("package", "modules", "own import time", f"imported directly by {owner} (module → module)"), rows),
    ]


def _via(owners: dict[str, list[str]]) -> str:
    if not owners:
        return "-"
    return "; ".join(
        f"{owner} → {', '.join(names[:2])}{f' and {len(names) - 2} more' if len(names) > 2 else ''}"
        for owner, names in sorted(owners.items())
    )


def profile_process(argv: Sequence[str], expect: int = 0) -> pstats.Stats:
    """cProfile over a whole Python process (argv: a script and its arguments, as after `python`)."""
    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        out = Path(tmp) / "profile.out"
        run_process(Command((str(PYTHON), "-m", "cProfile", "-o", str(out), *argv), expect=expect))
        return pstats.Stats(str(out))


def profile_call(function: Callable[[], object]) -> pstats.Stats:
    """cProfile over one call in this process."""
    import cProfile

    profiler = cProfile.Profile()
    profiler.runcall(function)
    return pstats.Stats(profiler)


@dataclass(frozen=True, slots=True)
class Hot:
    """A profiled function: where it is, how often it ran, its own time and its time with callees."""

    where: str
    calls: int
    own_s: float
    cumulative_s: float


def hot_functions(stats: pstats.Stats, keep: Callable[[str], bool], *, by: str, limit: int) -> list[Hot]:
    """The functions whose file passes `keep`, by cumulative ("cumulative") or own ("own") time, largest first."""
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    found = [
        Hot(f"{_short(file)}:{line}({name})", calls, own, cumulative)
        for (file, line, name), (_, calls, own, cumulative, _) in raw.items()
        if keep(file)
    ]
    found.sort(key=lambda h: -(h.cumulative_s if by == "cumulative" else h.own_s))
    return found[:limit]


def excess(ours: pstats.Stats, reference: pstats.Stats, *, limit: int) -> list[list[str]]:
    """Functions by how much more own time they take in `ours` than in `reference`: rows of a markdown table."""
    mine: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = ours.stats  # type: ignore[attr-defined]
    theirs: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = reference.stats  # type: ignore[attr-defined]
    rows = []
    for key, (_, calls, own, _, _) in mine.items():
        _, their_calls, their_own, _, _ = theirs.get(key, (0, 0, 0.0, 0.0, None))
        rows.append((own - their_own, key, calls, their_calls))
    rows.sort(key=lambda row: -row[0])
    return [
        [f"`{_short(file)}:{line}({name})`", str(calls), str(their_calls), seconds(extra)]
        for extra, (file, line, name), calls, their_calls in rows[:limit]
    ]


def total_time(stats: pstats.Stats) -> float:
    """The profiled time."""
    total: float = stats.total_tt  # type: ignore[attr-defined]
    return total


def hot_table(hot: Sequence[Hot], total: float, *, by: str) -> list[str]:
    """A markdown table of profiled functions with their share (of `by` time) of the profiled time."""
    rows = [
        [
            f"`{h.where}`",
            str(h.calls),
            seconds(h.own_s),
            seconds(h.cumulative_s),
            f"{(h.cumulative_s if by == 'cumulative' else h.own_s) / total:.0%}",
        ]
        for h in hot
    ]
    return table(("function", "calls", "own", "with callees", f"share ({by}) of profiled time"), rows)


def _short(file: str) -> str:
    for prefix in (str(ROOT) + "/", "/"):
        if file.startswith(prefix):
            file = file[len(prefix) :]
            break
    marker = "site-packages/"
    return file.split(marker, 1)[1] if marker in file else file
