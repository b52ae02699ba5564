"""Figure 1, regeneration: `sunogen generate` and `check` of all five specs against one datamodel-codegen run."""

from __future__ import annotations

import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench import profiling
from bench.core import (
    BIN,
    PAIR_HEADER,
    PYTHON,
    ROOT,
    Command,
    Figure,
    Pair,
    Settings,
    Target,
    compare_processes,
    cpu_process,
    pair_rows,
    run_process,
    seconds,
    table,
)

TARGET = 1.0
SPEC = "specs/crun.yaml"
CPU_RUNS = 5


def run(settings: Settings) -> Figure:
    """Time both sunogen commands and the reference in interleaved rounds; profile ours if it is slower."""
    figure = Figure(1, "Regeneration")
    rounds = settings.rounds_or(9)
    sunogen = str(BIN / "sunogen")
    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        root = Path(tmp)
        fresh = itertools.count()

        def generate() -> Command:
            out = root / f"generate-{next(fresh)}"
            return Command((sunogen, "generate", "--out", str(out)), display=".venv/bin/sunogen generate --out <tmp>")

        checked = root / "checked"
        run_process(Command((sunogen, "generate", "--out", str(checked))))
        check = Command((sunogen, "check", "--out", str(checked)), display=".venv/bin/sunogen check --out <tmp>")
        reference = Command(
            (
                str(BIN / "datamodel-codegen"),
                "--input",
                SPEC,
                "--input-file-type",
                "openapi",
                "--output",
                str(root / "m.py"),
            ),
            display=f".venv/bin/datamodel-codegen --input {SPEC} --input-file-type openapi --output <tmp>/m.py",
        )
        ref = "datamodel-codegen, crun.yaml only"
        generated = compare_processes(rounds, generate, reference, ("sunogen generate, 5 specs", ref))
        checking = compare_processes(rounds, check, reference, ("sunogen check, 5 specs", ref))

        cpu = {
            label: statistics.median(cpu_process(command) for _ in range(CPU_RUNS))
            for label, command in (("generate", generate()), ("check", check), ("reference", reference))
        }
        figure.body += [
            f"Whole processes, {rounds} interleaved rounds; `generate` writes into a fresh empty folder each time, "
            "`check` compares against a folder generate just wrote (exit 0). The reference turns one spec into "
            "models; sunogen does all five, with validators, templates and ruff.",
            "",
            *table(PAIR_HEADER, pair_rows((generated, checking))),
            "",
            "The time above is wall time, the target's measure. sunogen runs datamodel-code-generator in a worker "
            "process it starts first thing, so that importing it (about half of the reference's whole run) overlaps "
            "loading, checking, compiling the rules, rendering and formatting on the other core. It spends more CPU "
            f"than the reference does: median of {CPU_RUNS} runs each, user + system time of the process and every "
            "process it waited for (the worker, ruff):",
            "",
            *table(
                ("process", "CPU time", "over the reference's"),
                [
                    [label, seconds(cpu[key]), f"{cpu[key] / cpu['reference']:.2f}×"]
                    for label, key in (
                        ("sunogen generate, 5 specs", "generate"),
                        ("sunogen check, 5 specs", "check"),
                        ("datamodel-codegen, crun.yaml only", "reference"),
                    )
                ],
            ),
            "",
            "So the target holds where a second core is free; on a machine whose every core is busy, wall time "
            "tends to CPU time and the ratio to the CPU ratio above.",
            "",
            "Commands timed (from the repository root):",
            "",
            "```sh",
            generate().text,
            check.text,
            reference.text,
            "```",
        ]
        for name, pair in (("generate", generated), ("check", checking)):
            figure.targets.append(
                Target(
                    1,
                    f"`sunogen {name}` ≤ {TARGET:.1f}× one datamodel-codegen run",
                    f"{pair.ratio:.2f}×",
                    f"≤ {TARGET:.1f}×",
                    pair.ratio <= TARGET,
                )
            )
        if settings.profile or not all(t.holds for t in figure.targets):
            figure.body += ["", *_profile(generate(), reference, generated, root / "stages")]
    return figure


# Runs in a fresh process: imports every sunogen module, wraps each public function of each (the pipeline imports its
# stages by name when it runs, so it calls the wrappers), runs `sunogen generate`, and prints each stage's call times
# (outermost calls only, so nothing is counted twice).
STAGES = """
import importlib, json, pkgutil, sys, time
start = time.perf_counter()
import sunogen, sunogen.cli
names = [m.name for m in pkgutil.iter_modules(sunogen.__path__) if m.name not in ("cli", "runtime")]
modules = [importlib.import_module("sunogen." + n) for n in names]
imported = time.perf_counter() - start
calls = {}
depth = [0]
def wrap(module, name, function):
    def timed(*args, **kwargs):
        depth[0] += 1
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:  # a stage calling another public function counts once, in the outer stage
                calls.setdefault(module.__name__ + "." + name, []).append(time.perf_counter() - begin)
    return timed
for module in modules:
    for name, value in list(vars(module).items()):
        if callable(value) and getattr(value, "__module__", None) == module.__name__ and not name.startswith("_") \
                and not isinstance(value, type):
            setattr(module, name, wrap(module, name, value))
models = sys.modules["sunogen.datamodels"]  # the parent's wait for the models child process, which runs the generator
models.ModelsProcess.results = wrap(models, "ModelsProcess.results", models.ModelsProcess.results)
begin = time.perf_counter()
status = sunogen.cli.main(["generate", "--out", sys.argv[1]])
ran = time.perf_counter() - begin
print(json.dumps({"status": status, "imports": imported, "main": ran, "calls": calls}))
"""


def _stages(folder: Path) -> list[str]:
    """Wall time per pipeline stage of one `sunogen generate`, without a profiler's overhead."""
    started = time.perf_counter()
    done = run_process(Command((str(PYTHON), "-c", STAGES, str(folder))))
    process = time.perf_counter() - started
    report = json.loads(done.stdout.strip().splitlines()[-1])
    calls: dict[str, list[float]] = report["calls"]
    stages = sorted(calls.items(), key=lambda item: -sum(item[1]))
    rows = [
        [
            f"`{name}`",
            str(len(times)),
            seconds(sum(times)),
            seconds(times[0]),
            seconds(statistics.median(times[1:])) if len(times) > 1 else "",
        ]
        for name, times in stages
        if sum(times) >= 0.001
    ]
    outside = report["main"] - sum(sum(t) for _, t in stages)
    return [
        f"Stage by stage (wall time, no profiler): the process took {seconds(process)}; importing every sunogen "
        f"module {seconds(report['imports'])}; `main` {seconds(report['main'])}, of which the public functions "
        f"below account for {seconds(report['main'] - outside)}. A stage's first call pays the lazy imports it makes "
        "(jinja2 in `render`). datamodel-code-generator is imported and run in a child process "
        "(`python -m sunogen.datamodels`, started first thing); `ModelsProcess.results` is the parent waiting for it. "
        "Stages under 1 ms are left out.",
        "",
        *table(("stage", "calls", "total", "first call", "median later call"), rows),
    ]


def _profile(generate: Command, reference: Command, pair: Pair, folder: Path) -> list[str]:
    """What `sunogen generate` spends its time on, next to what the reference spends its own on."""
    ours_imports = profiling.import_times(generate.argv)
    ref_imports = profiling.import_times(reference.argv)
    stats = profiling.profile_process(generate.argv)
    total = profiling.total_time(stats)
    generator = str(ROOT / "generator" / "sunogen")
    hot = profiling.hot_functions(
        stats, lambda f: f.startswith(generator) and "/runtime/" not in f, by="cumulative", limit=14
    )

    def dmcg(imported: list[profiling.Imported]) -> float:
        return sum(e for name, _, e in profiling.by_package(imported) if name == "datamodel_code_generator")

    return [
        "### Where `sunogen generate` spends its time",
        "",
        *_stages(folder),
        "",
        f"Median whole process {pair.ours.median * 1e3:.0f} ms against {pair.ref.median * 1e3:.0f} ms for the "
        f"reference. Importing datamodel-code-generator (with what it pulls in) takes {seconds(dmcg(ours_imports))} "
        f"of ours (its models child process is not in these figures) and {seconds(dmcg(ref_imports))} of the "
        "reference (`-X importtime`).",
        "",
        *profiling.import_section("`sunogen generate`", ours_imports),
        "",
        *profiling.import_section("The reference, `datamodel-codegen` on crun.yaml", ref_imports),
        "",
        f"cProfile of `sunogen generate`: {total * 1e3:.0f} ms profiled (the profiler roughly doubles pure-Python "
        "time; read the shares). The generator's own functions by time with callees (ruff runs as a subprocess "
        "inside `format_files`; lazy imports count in the function that makes them):",
        "",
        *profiling.hot_table(hot, total, by="cumulative"),
    ]
