"""Figure 3, generation: five specs on one core, one changed among a hundred, and a cold hundred on two cores."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import statistics
import tempfile
from collections.abc import Callable
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
    pair_rows,
    run_process,
    seconds,
    table,
    time_processes,
    usage_of,
)

ONE_CORE_TARGET = 1.0
CHANGE_TARGET = 0.5
CORES_TARGET = 1.6
SPEC = "specs/crun.yaml"
COPIES = 20
"""The 100-spec tree: each of the five specs copied this many times under new vendor names."""
CPU_RUNS = 5
RULE_EDIT = "maxLength: 3000"
"""crun's rule v4-tags-and-lyrics-max-length: a change to it touches no model's shape."""
SHAPE_EDIT = "description: 'Generation mode: simple or custom.'"
"""crun's GenerationMode description, which its model's docstring prints: a change to it touches one shape."""


def _on(cores: str, *argv: str) -> tuple[str, ...]:
    return ("taskset", "-c", cores, *argv)


def _reference(out: Path) -> Command:
    return Command(
        _on("0", str(BIN / "datamodel-codegen"), "--input", SPEC, "--input-file-type", "openapi", "--output", str(out)),
        display=f"taskset -c 0 .venv/bin/datamodel-codegen --input {SPEC} --input-file-type openapi --output <tmp>",
    )


def _sunogen(cores: str, cache: Path, *args: str, display: str) -> Command:
    """sunogen on the given cores with its cache in `cache` (the `env` program sets SUNOGEN_CACHE)."""
    argv = _on(cores, "env", f"SUNOGEN_CACHE={cache}", str(BIN / "sunogen"), *args)
    return Command(argv, display=display)


def _tree(root: Path) -> Path:
    """A hundred specs: the five of specs/ copied COPIES times, as vendors crun_01, gptge_01, ..."""
    tree = root / "specs100"
    tree.mkdir()
    for copy in range(1, COPIES + 1):
        for spec in sorted((ROOT / "specs").glob("*.yaml")):
            shutil.copyfile(spec, tree / f"{spec.stem}_{copy:02d}.yaml")
    return tree


def _editor(path: Path, anchor: str, change: Callable[[int], str]) -> Callable[[], None]:
    """Each call makes a change to `path` never made before (so the cache cannot hold its result)."""
    original = path.read_text(encoding="utf-8")
    assert original.count(anchor) == 1, f"{path.name}: the anchor must be unique: {anchor!r}"
    counter = itertools.count(1)

    def edit() -> None:
        path.write_text(original.replace(anchor, change(next(counter))), encoding="utf-8")

    return edit


def run(settings: Settings) -> Figure:
    """The three parts of the figure, then a profile of the cold one-core run if a target misses."""
    figure = Figure(3, "Generation")
    rounds = settings.rounds_or(7)
    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        root = Path(tmp)
        five = _five_specs(figure, root, rounds)
        hundred = _hundred_specs(figure, root, max(3, rounds // 2))
        if settings.profile or not all(t.holds for t in figure.targets):
            figure.body += ["", *_profile(root / "profiled", five)]
    figure.body += hundred
    return figure


def _five_specs(figure: Figure, root: Path, rounds: int) -> Pair:
    fresh = itertools.count()
    cache = root / "cache5"

    def cold() -> Command:
        out = root / f"cold-{next(fresh)}"
        return _sunogen(
            "0", cache, "generate", "--no-cache", "--out", str(out),
            display="taskset -c 0 .venv/bin/sunogen generate --no-cache --out <tmp>",
        )  # fmt: skip

    warm_out = root / "warm"
    run_process(_sunogen("0", cache, "generate", "--out", str(warm_out), display=""))
    warm = _sunogen(
        "0", cache, "generate", "--out", str(warm_out),
        display="taskset -c 0 .venv/bin/sunogen generate --out <tmp>  # nothing changed: every entry cached",
    )  # fmt: skip
    check = _sunogen(
        "0", cache, "check", "--out", str(warm_out),
        display="taskset -c 0 .venv/bin/sunogen check --out <tmp>  # what `make check` runs, cache warm",
    )  # fmt: skip
    reference = _reference(root / "m.py")
    ours_cold, ref, ours_warm, ours_check = time_processes(
        rounds,
        (cold, reference, warm, check),
        (
            "sunogen generate --no-cache, 5 specs, one core",
            "datamodel-codegen, crun.yaml only, one core",
            "sunogen generate, 5 specs, nothing changed",
            "sunogen check, 5 specs, cache warm",
        ),
    )
    pair = Pair(ours_cold, ref)
    figure.targets.append(
        Target(
            3,
            f"`sunogen generate` of all five specs, no cache, on one core ≤ {ONE_CORE_TARGET:.1f}× one "
            "datamodel-codegen run on one core",
            f"{pair.ratio:.2f}×",
            f"≤ {ONE_CORE_TARGET:.1f}×",
            pair.ratio <= ONE_CORE_TARGET,
        )
    )
    cpu = {
        label: statistics.median(usage_of(command).cpu for _ in range(CPU_RUNS))
        for label, command in (("cold", cold()), ("reference", reference), ("warm", warm))
    }
    figure.body += [
        f"### Five specs, one core\n\nWhole processes pinned to one core (`taskset -c 0`), {rounds} interleaved "
        "rounds after one untimed run each. `--no-cache` makes everything (load, check, build, rules, render, the "
        "examples check, datamodel-code-generator for every vendor's models, ruff) into a fresh folder; the "
        "reference turns one spec into models (datamodel-code-generator with its default formatters). The two rows "
        "after it are not targets: the same command with the cache of an earlier run (nothing to make), and the "
        "`check` that `make check` runs.",
        "",
        *table(PAIR_HEADER, pair_rows([pair, Pair(ours_warm, ref), Pair(ours_check, ref)])),
        "",
        f"CPU time (user + system of the process and every process it waited for; median of {CPU_RUNS} runs):",
        "",
        *table(
            ("process", "CPU time", "over the reference's"),
            [
                [label, seconds(cpu[key]), f"{cpu[key] / cpu['reference']:.2f}×"]
                for label, key in (
                    ("sunogen generate --no-cache, 5 specs", "cold"),
                    ("datamodel-codegen, crun.yaml only", "reference"),
                    ("sunogen generate, 5 specs, nothing changed", "warm"),
                )
            ],
        ),
        "",
        "```sh",
        cold().text,
        reference.text,
        warm.text,
        check.text,
        "```",
    ]
    return pair


def _hundred_specs(figure: Figure, root: Path, rounds: int) -> list[str]:
    tree = _tree(root)
    cache = root / "cache100"
    out = root / "out100"
    fresh = itertools.count()

    def cold(cores: str) -> Callable[[], Command]:
        def command() -> Command:
            target = root / f"cold100-{next(fresh)}"
            return _sunogen(
                cores, cache, "generate", "--no-cache", "--specs", str(tree), "--out", str(target),
                display=f"taskset -c {cores} .venv/bin/sunogen generate --no-cache --specs <tmp>/specs100 --out <tmp>",
            )  # fmt: skip

        return command

    body: list[str] = ["", f"### A hundred specs\n\nThe five specs copied {COPIES} times each (`crun_01.yaml` ...)."]
    two_cores = len(os.sched_getaffinity(0)) >= 2 if hasattr(os, "sched_getaffinity") else False
    if two_cores:
        one, two = time_processes(
            rounds, (cold("0"), cold("0,1")), ("cold, no cache, one core", "cold, no cache, two cores")
        )
        speedup = statistics.median(o / t for o, t in zip(one.times, two.times, strict=True))
        figure.targets.append(
            Target(
                3,
                f"a cold run of {COPIES * 5} specs uses every core: ≥ {CORES_TARGET}× faster on two than on one",
                f"{speedup:.2f}×",
                f"≥ {CORES_TARGET}×",
                speedup >= CORES_TARGET,
            )
        )
        body += [
            "",
            f"Cold (`--no-cache`), {rounds} interleaved rounds, pinned to one core and to two: sunogen starts one "
            "worker process per core it may use and hands each the next spec to make; ruff formats the whole batch "
            "on every core.",
            "",
            *table(
                ("run", "median (min–max)", "one core / two cores"),
                [
                    [one.label, f"{seconds(one.median)} ({seconds(min(one.times))}–{seconds(max(one.times))})", ""],
                    [
                        two.label,
                        f"{seconds(two.median)} ({seconds(min(two.times))}–{seconds(max(two.times))})",
                        f"{speedup:.2f}×",
                    ],
                ],
            ),
        ]
    else:
        figure.targets.append(
            Target(3, f"a cold run of {COPIES * 5} specs uses every core", "one core only", "", None, "needs 2 cores")
        )

    run_process(_sunogen("0,1", cache, "generate", "--specs", str(tree), "--out", str(out), display=""))
    crun = tree / "crun_01.yaml"
    edits = {
        "rule": _editor(crun, RULE_EDIT, lambda n: f"maxLength: {3000 - n}"),
        "shape": _editor(crun, SHAPE_EDIT, lambda n: f"description: 'Generation mode: simple or custom ({n}).'"),
    }

    def changed(kind: str) -> Callable[[], Command]:
        def command() -> Command:
            edits[kind]()
            return _sunogen(
                "0", cache, "generate", "--specs", str(tree), "--out", str(out),
                display=f"taskset -c 0 .venv/bin/sunogen generate --specs <tmp>/specs100 --out <tmp>/out  "
                f"# after a {kind} change to crun_01.yaml",
            )  # fmt: skip

        return command

    reference = _reference(root / "m.py")
    rule, shape, ref = time_processes(
        rounds,
        (changed("rule"), changed("shape"), reference),
        (
            "after a change to one spec's rule",
            "after a change to one spec's model shape",
            "datamodel-codegen, crun.yaml only, one core",
        ),
    )
    pairs = [Pair(rule, ref), Pair(shape, ref)]
    for kind, pair in zip(("rule", "model shape"), pairs, strict=True):
        figure.targets.append(
            Target(
                3,
                f"regenerate {COPIES * 5} specs after a change to one spec's {kind} ≤ {CHANGE_TARGET}× one "
                "datamodel-codegen run",
                f"{pair.ratio:.2f}×",
                f"≤ {CHANGE_TARGET}×",
                pair.ratio <= CHANGE_TARGET,
            )
        )
    body += [
        "",
        f"After a change to one spec, the cache warm from the run before: each round changes `crun_01.yaml` in a "
        f"way never made before (a rule: `{RULE_EDIT}` takes a new number; a model shape: the `GenerationMode` "
        "description takes a new word), then regenerates the whole tree into a folder that holds the last run's "
        f"output, pinned to one core; {rounds} interleaved rounds. The 99 unchanged specs and the package's own "
        "files come from the cache; the changed spec is made again, and its models too only when a shape changed "
        "(which imports datamodel-code-generator, as the reference does).",
        "",
        *table(PAIR_HEADER, pair_rows(pairs)),
        "",
        "```sh",
        cold("0")().text,
        cold("0,1")().text,
        changed("rule")().text,
        reference.text,
        "```",
    ]
    return body


# Runs in a fresh process: wraps each stage of the pipeline, runs `sunogen generate --no-cache --jobs 1`, prints each
# stage's wall time (outermost calls only, so nothing is counted twice) and the time importing datamodel-code-generator.
STAGES = """
import json, sys, time
start = time.perf_counter()
import sunogen.cli
from sunogen import datamodels, format, vendor_files
imported = time.perf_counter() - start
calls = {}
depth = [0]
def wrap(module, name):
    function = getattr(module, name)
    def timed(*args, **kwargs):
        depth[0] += 1
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                calls.setdefault(name, []).append(time.perf_counter() - begin)
    setattr(module, name, timed)
for name in ("load", "check", "build", "compile_rules", "render_vendor", "check_examples", "render_models"):
    wrap(vendor_files, name)
wrap(datamodels, "models_source")
wrap(format, "format_files")
begin = time.perf_counter()
import datamodel_code_generator.config, datamodel_code_generator.parser.jsonschema
dmcg = time.perf_counter() - begin
begin = time.perf_counter()
status = sunogen.cli.main(["generate", "--no-cache", "--jobs", "1", "--out", sys.argv[1]])
ran = time.perf_counter() - begin
print(json.dumps({"status": status, "imports": imported, "dmcg": dmcg, "main": ran, "calls": calls}))
"""


def _profile(folder: Path, pair: Pair) -> list[str]:
    """Where the cold one-core run spends its time, stage by stage, against the reference's own imports."""
    done = run_process(Command(("taskset", "-c", "0", str(PYTHON), "-c", STAGES, str(folder))))
    report = json.loads(done.stdout.strip().splitlines()[-1])
    calls: dict[str, list[float]] = report["calls"]
    rows = [
        ["importing sunogen (yaml, jinja2, the pipeline)", "1", seconds(report["imports"])],
        ["importing datamodel-code-generator", "1", seconds(report["dmcg"])],
        *(
            [f"`{name}`", str(len(times)), seconds(sum(times))]
            for name, times in sorted(calls.items(), key=lambda item: -sum(item[1]))
        ),
    ]
    stages = sum(sum(times) for times in calls.values())
    reference_imports = profiling.import_times(
        [
            "-m",
            "datamodel_code_generator",
            "--input",
            SPEC,
            "--input-file-type",
            "openapi",
            "--output",
            str(folder / "m.py"),
        ]
    )
    dmcg_import = sum(e for name, _, e in profiling.by_package(reference_imports) if name == "datamodel_code_generator")
    floor = report["dmcg"] + sum(calls.get("models_source", []))
    return [
        "### Where the cold one-core run spends its time",
        "",
        f"Median whole process {seconds(pair.ours.median)} against {seconds(pair.ref.median)} for the reference. "
        "Stage by stage, in one process on one core (`--jobs 1`, wall time, no profiler): "
        f"`main` took {seconds(report['main'])}, of which the stages below {seconds(stages)}; "
        "datamodel-code-generator is imported first, on its own line.",
        "",
        *table(("stage", "calls", "total"), rows),
        "",
        f"Importing datamodel-code-generator and running it on the five specs alone take {seconds(floor)}: "
        f"{floor / pair.ref.median:.2f}× the reference's whole run, which imports it too "
        f"({seconds(dmcg_import)} of its own imports, `-X importtime`) but runs it on one spec. That is the bound "
        "of a cold run that makes every vendor's models with datamodel-code-generator; what is left for ours is "
        "loading, checking, compiling, rendering and formatting five specs in the rest of the reference's time.",
    ]
