"""Figure 3, generation: five specs on one core, one changed among a hundred, and a cold hundred on two cores."""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench import fig3_bounds
from bench.core import (
    BIN,
    PAIR_HEADER,
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
SPEC = fig3_bounds.SPEC
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


def _halves(tree: Path, root: Path) -> tuple[Path, Path]:
    """The 100-spec tree in two folders of 50 (copies 1 to 10, and 11 to 20): the work of each core, split ideally."""
    halves = (root / "specs50a", root / "specs50b")
    for half in halves:
        half.mkdir()
    for spec in sorted(tree.glob("*.yaml")):
        copy = int(spec.stem.rsplit("_", 1)[1])
        shutil.copyfile(spec, halves[copy > COPIES // 2] / spec.name)
    return halves


def _split(cache: Path, halves: tuple[Path, Path], out: Path) -> Command:
    """The bound of a cold two-core run: two one-core runs at once, each making half the specs on its own core."""
    runs = [
        shlex.join(
            (
                *_on(str(core), "env", f"SUNOGEN_CACHE={cache}", str(BIN / "sunogen"), "generate", "--no-cache"),
                *("--specs", str(half), "--out", str(out / half.name)),
            )
        )
        for core, half in enumerate(halves)
    ]
    return Command(
        ("sh", "-c", f"{runs[0]} >/dev/null & first=$!; {runs[1]} >/dev/null; status=$?; wait $first && exit $status"),
        display="taskset -c 0 .venv/bin/sunogen generate --no-cache --specs <tmp>/specs50a --out <tmp> & "
        "taskset -c 1 .venv/bin/sunogen generate --no-cache --specs <tmp>/specs50b --out <tmp>; wait",
    )


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
        documents = fig3_bounds.shape_documents(root / "shapes")
        five = _five_specs(figure, root, rounds, documents)
        hundred = _hundred_specs(figure, root, max(3, rounds // 2), documents)
        if settings.profile or not all(t.holds for t in figure.targets):
            figure.body += ["", *fig3_bounds.profile(root / "profiled", five)]
    figure.body += hundred
    return figure


def _five_specs(figure: Figure, root: Path, rounds: int, documents: dict[str, Path]) -> Pair:
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
    five_models = fig3_bounds.models(documents, tuple(sorted(documents)))
    ours_cold, ref, ours_warm, ours_check, *bounds = time_processes(
        rounds,
        (cold, reference, warm, check, fig3_bounds.startup(), fig3_bounds.imports(), five_models),
        (
            "sunogen generate --no-cache, 5 specs, one core",
            "datamodel-codegen, crun.yaml only, one core",
            "sunogen generate, 5 specs, nothing changed",
            "sunogen check, 5 specs, cache warm",
            "Python starting and ending (os._exit)",
            "importing the datamodel-code-generator modules `models_source` needs",
            "those imports, then `models_source` on the five specs' shapes",
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
        "",
        "The bound of the cold run, timed in the same rounds: processes that do only what it cannot avoid (start "
        "Python, import datamodel-code-generator, run it on every vendor's shapes as `models_source` does, then "
        "end as `sunogen generate` ends, without interpreter teardown). What the cold run spends above the last "
        f"row ({seconds(ours_cold.median - bounds[-1].median)} of its median) is ours: importing the pipeline, "
        "loading, checking, building, compiling the rules, rendering (the templates read compiled from the cache "
        "folder, `--no-cache` too), the examples check and ruff.",
        "",
        *fig3_bounds.rows(bounds, ref),
        "",
        "```sh",
        *(command.text for command in (fig3_bounds.startup(), fig3_bounds.imports(), five_models)),
        "```",
    ]
    return pair


def _hundred_specs(figure: Figure, root: Path, rounds: int, documents: dict[str, Path]) -> list[str]:
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
        halves = _halves(tree, root)

        def split() -> Command:
            return _split(cache, halves, root / f"split-{next(fresh)}")

        one, two, ideal = time_processes(
            rounds,
            (cold("0"), cold("0,1"), split),
            (
                "cold, no cache, one core",
                "cold, no cache, two cores",
                "two one-core runs at once, 50 specs each, one per core (the bound)",
            ),
        )
        speedup = statistics.median(o / t for o, t in zip(one.times, two.times, strict=True))
        most = statistics.median(o / t for o, t in zip(one.times, ideal.times, strict=True))
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
            "worker process per core it may use and hands out the specs in batches, large ones first and single "
            "specs last; a worker makes a batch, formats it in one ruff run and stores it in the cache, so what is "
            "left to the parent is the package's own files (formatted while the workers work) and writing.",
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
                    [
                        ideal.label,
                        f"{seconds(ideal.median)} ({seconds(min(ideal.times))}–{seconds(max(ideal.times))})",
                        f"{most:.2f}×",
                    ],
                ],
            ),
            "",
            "The last row bounds the two-core run: the specs split in halves beforehand, each made by a one-core run "
            "of its own on its own core, with nothing shared and nothing to hand out (each starts Python, imports "
            "the pipeline and datamodel-code-generator, makes, formats and writes its 50 specs). Two processes that "
            "each import what making a spec needs cannot share the work better than that, so "
            f"{most:.2f}× is what this machine's two cores allow them "
            f"({'below' if most < CORES_TARGET else 'above'} the {CORES_TARGET}× target): the two-core run takes "
            f"{seconds(two.median - ideal.median)} more than it (median against median), the cost of one output, "
            "one package and workers handed batches as they finish.",
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
    crun_models = fig3_bounds.models(documents, ("crun",))
    rule, shape, ref, bound = time_processes(
        rounds,
        (changed("rule"), changed("shape"), reference, crun_models),
        (
            "after a change to one spec's rule",
            "after a change to one spec's model shape",
            "datamodel-codegen, crun.yaml only, one core",
            "importing datamodel-code-generator, then `models_source` on crun's shapes",
        ),
    )
    bound_pair = Pair(bound, ref)
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
        *table(PAIR_HEADER, pair_rows([*pairs, bound_pair])),
        "",
        "The last row bounds the shape change: a process that only imports datamodel-code-generator and runs it on "
        f"the changed spec's shapes, as `models_source` does, takes {bound_pair.ratio:.2f}× the reference "
        f"({'above' if bound_pair.ratio > CHANGE_TARGET else 'within'} the {CHANGE_TARGET}× target). A change to a "
        "model's shape must run datamodel-code-generator on it, and no cache can hold the result of a change never "
        "made before, so while datamodel-code-generator makes the models in the process that bound is the target's "
        f"floor. Ours spends {seconds(shape.median - bound.median)} above it (median against median): starting "
        "and importing the pipeline, the generator's fingerprint, reading the 100 specs and the 99 unchanged ones' "
        "entries, making the changed spec (load to render, the examples check, ruff on its files) and comparing "
        "the 636 files with the output folder; the rule change above is most of that.",
        "",
        "```sh",
        cold("0")().text,
        cold("0,1")().text,
        *([_split(cache, (root / "specs50a", root / "specs50b"), root).text] if two_cores else []),
        changed("rule")().text,
        reference.text,
        crun_models.text,
        "```",
    ]
    return body
