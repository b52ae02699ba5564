"""`make bench`: run figures 1–7, print each target and whether it holds, write bench/RESULTS.md; exit 1 if one misses.

Usage: .venv/bin/python bench/run.py [--figures 1,2,...] [--rounds N] [--profile] [--output PATH]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    # `python bench/run.py` puts bench/ itself first on sys.path, where its modules would shadow the standard
    # library's and the `bench` package could not be imported; the repository root goes there instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import datetime
import os
import platform
import subprocess
import time
import traceback
from collections.abc import Callable, Sequence
from importlib import metadata

from bench import fig1_validate, fig2_batch, fig3_generate, fig4_client, fig5_import, fig6_cli, fig7_kept
from bench.core import ROOT, Figure, Settings, Target, compile_bytecode, cpu_count, shown, table

FIGURES: dict[int, tuple[str, Callable[[Settings], Figure]]] = {
    1: ("Validation, the same input on both sides (one core)", fig1_validate.run),
    2: ("Batch validation (`sunogen validate --jsonl`)", fig2_batch.run),
    3: ("Generation", fig3_generate.run),
    4: ("Client overhead", fig4_client.run),
    5: ("Import", fig5_import.run),
    6: ("CLI", fig6_cli.run),
    7: ("What each kept optimisation buys", fig7_kept.run),
}
DEFAULT_OUTPUT = ROOT / "bench" / "RESULTS.md"
PACKAGES = (
    "datamodel-code-generator",
    "ruff",
    "jinja2",
    "pyyaml",
    "pydantic",
    "pydantic-core",
    "httpx",
    "jsonschema",
    "jsonschema-rs",
)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--figures",
        default=",".join(map(str, FIGURES)),
        help="comma-separated figure numbers (default: all); a partial run writes RESULTS.md only with --output",
    )
    parser.add_argument("--rounds", type=int, default=None, help="rounds for every figure (default: each its own)")
    parser.add_argument("--profile", action="store_true", help="profile every figure, not only those that miss")
    parser.add_argument("--output", type=Path, default=None, help=f"where to write (default {shown(DEFAULT_OUTPUT)})")
    args = parser.parse_args(argv)
    try:
        args.figures = sorted({int(n) for n in args.figures.split(",") if n.strip()})
    except ValueError:
        parser.error(f"--figures takes numbers such as 1,3; got {args.figures!r}")
    unknown = [n for n in args.figures if n not in FIGURES]
    if unknown or not args.figures:
        parser.error(f"--figures: no figure {unknown or args.figures}; there are {sorted(FIGURES)}")
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def _run_figure(number: int, settings: Settings) -> Figure:
    """One figure; a crash is printed with its traceback and recorded as a target not measured, not fatal."""
    title, run = FIGURES[number]
    try:
        return run(settings)
    except Exception as exc:  # the other figures still run; the exit status still says something is wrong
        traceback.print_exc()
        figure = Figure(number, title)
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        figure.targets.append(Target(number, f"figure {number} runs", "crashed", "runs", None, error))
        figure.body.append(f"The figure crashed before it could measure: `{error}`.")
        return figure


def _git() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit}{' with uncommitted changes' if dirty else ''}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _machine(started: datetime.datetime, elapsed: float, load: str) -> list[str]:
    return [
        f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}, {elapsed:.0f} s to run",
        f"- commit: {_git()}",
        f"- python: {platform.python_implementation()} {platform.python_version()} ({shown(Path(sys.executable))})",
        f"- machine: {platform.platform()}, {cpu_count()} CPUs ({_cpu_model()}), load average at start {load}",
        f"- packages: {_versions()}",
    ]


def _summary(targets: Sequence[Target]) -> list[str]:
    rows = [
        [str(t.figure), t.name, t.measured, t.threshold, f"**{t.verdict}**" + (f" ({t.note})" if t.note else "")]
        for t in targets
    ]
    return table(("figure", "target", "measured", "target value", "verdict"), rows)


REPRODUCE = [
    "## Reproduce",
    "",
    "```sh",
    "make bench                       # = .venv/bin/python bench/run.py; creates .venv first if needed",
    "make install && .venv/bin/python bench/run.py --figures 2 --rounds 15 --output /tmp/fig2.md",
    ".venv/bin/python bench/run.py --profile   # profile every figure, not only the targets that miss",
    "```",
    "",
    "Each figure section lists the exact commands or statements it times. Ratios are ours / reference per round "
    "(speed-ups in figure 2 are reference / ours), and a target is judged on the median of the per-round ratios, "
    "because ours and its reference run alternately in the same round and share whatever else the machine is "
    "doing. `make bench` exits 1 when a target does not hold or could not be measured.",
]


def _format_code_blocks(path: Path) -> None:
    """ruff formats the python blocks of markdown files too, and `make check` runs `ruff format --check .`."""
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():
        subprocess.run([str(ruff), "format", "--quiet", str(path)], cwd=ROOT, check=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen figures; 0 when every target holds, 1 otherwise."""
    args = _arguments(argv)
    settings = Settings(rounds=args.rounds, profile=args.profile)
    started = datetime.datetime.now(datetime.UTC)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    clock = time.perf_counter()
    bytecode = compile_bytecode()
    figures = []
    for number in args.figures:
        print(f"== Figure {number}: {FIGURES[number][0]}", flush=True)
        figure = _run_figure(number, settings)
        figures.append(figure)
        for target in figure.targets:
            print(f"   {target.verdict:<12} {target.name}: {target.measured} (target {target.threshold})", flush=True)
    elapsed = time.perf_counter() - clock
    targets = [t for f in figures for t in f.targets]
    held = sum(t.holds is True for t in targets)

    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); do not edit. Numbers from one machine: compare the ratios, which "
        "are measured against each reference in the same run, not the absolute times.",
        "",
        *_machine(started, elapsed, load),
        f"- bytecode: {bytecode}",
        "",
        f"## Targets: {held} of {len(targets)} hold",
        "",
        *_summary(targets),
    ]
    if len(figures) < len(FIGURES):
        lines += ["", f"Partial run: figures {', '.join(str(f.number) for f in figures)} only."]
    for figure in figures:
        lines += ["", f"## {figure.number}. {figure.title}", "", *figure.body]
    lines += ["", *REPRODUCE, ""]
    text = "\n".join(lines)

    print()
    print("\n".join(_summary(targets)))
    output = args.output if args.output is not None else (DEFAULT_OUTPUT if len(figures) == len(FIGURES) else None)
    if output is None:
        print(f"\npartial run: {shown(DEFAULT_OUTPUT)} left as it was (pass --output to write one)")
    else:
        output.write_text(text, encoding="utf-8")
        _format_code_blocks(output)
        print(f"\nwrote {shown(output.resolve())}")
    print(f"{held} of {len(targets)} targets hold ({elapsed:.0f} s)")
    return 0 if held == len(targets) else 1


if __name__ == "__main__":
    sys.exit(main())
