"""Figure 3's bounds: processes that do only what a generate run cannot avoid, and a profile of the cold run.

A run that makes a vendor's models starts Python, imports datamodel-code-generator (the modules `models_source`
needs) and runs it on the vendor's shapes; these processes do that and nothing else, and end as `sunogen generate`
ends (os._exit, no interpreter teardown). Their times are lower bounds of the generate runs beside them.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench import profiling
from bench.core import PYTHON, ROOT, Command, Pair, Series, run_process, seconds, table

SPEC = "specs/crun.yaml"
"""The reference's spec (fig3_generate.SPEC)."""
STARTUP = "import os; os._exit(0)"
IMPORTS = "import os, datamodel_code_generator.config, datamodel_code_generator.parser.jsonschema; os._exit(0)"
"""The modules `sunogen.datamodels.models_source` imports before its first run (`generate`, the JSON Schema parser
and the configuration models it validates its options with)."""
MODELS = (
    "import json, os, sys\n"
    "from sunogen.datamodels import models_source\n"
    "for path in sys.argv[1:]:\n"
    "    with open(path, encoding='utf-8') as file:\n"
    "        models_source(json.load(file))\n"
    "os._exit(0)\n"
)


def shape_documents(folder: Path) -> dict[str, Path]:
    """What `models_source` is given for each spec of specs/ (its `models_input`), one JSON file each, by vendor."""
    import sunogen
    from sunogen.build import build
    from sunogen.datamodels import models_input
    from sunogen.load import load

    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for file, text in sunogen.read_specs(ROOT / "specs").items():
        vendor = build(load(file, text))
        found[vendor.id] = folder / f"{vendor.id}.json"
        found[vendor.id].write_text(json.dumps(models_input(vendor)), encoding="utf-8")
    return found


def _python(code: str, *args: str, display: str) -> Command:
    return Command(("taskset", "-c", "0", str(PYTHON), "-c", code, *args), display=display)


def startup() -> Command:
    """Python starting and ending, nothing else."""
    return _python(STARTUP, display='taskset -c 0 .venv/bin/python -c "import os; os._exit(0)"')


def imports() -> Command:
    """Python importing the datamodel-code-generator modules `models_source` needs."""
    return _python(IMPORTS, display=f'taskset -c 0 .venv/bin/python -c "{IMPORTS}"')


def models(documents: dict[str, Path], vendors: tuple[str, ...]) -> Command:
    """Python importing datamodel-code-generator and running `models_source` on each vendor's shapes."""
    shown = " ".join(f"<{vendor} shapes>.json" for vendor in vendors)
    return _python(
        MODELS,
        *(str(documents[vendor]) for vendor in vendors),
        display=f"taskset -c 0 .venv/bin/python -c '<models_source on each file, then os._exit>' {shown}",
    )


def rows(bounds: list[Series], reference: Series) -> list[str]:
    """A table of the bounds, each against the reference of the same rounds."""
    pairs = [Pair(bound, reference) for bound in bounds]
    return table(
        ("process", "median (min–max)", "over the reference: median"),
        [
            [
                pair.ours.label,
                f"{seconds(pair.ours.median)} ({seconds(min(pair.ours.times))}–{seconds(max(pair.ours.times))})",
                f"{pair.ratio:.2f}×",
            ]
            for pair in pairs
        ],
    )


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


def profile(folder: Path, pair: Pair) -> list[str]:
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
        "",
        f"That rest is {seconds(pair.ref.median - floor)} here; ours' own stages (every stage above but "
        f"`models_source`) take {seconds(stages - sum(calls.get('models_source', [])))}, and importing the "
        f"pipeline {seconds(report['imports'])} more. None of them is skipped by a cold run: each spec must be "
        "loaded, checked, built, compiled, rendered and its examples run, and the files formatted (two ruff "
        "processes, `check --fix` then `format`). Compiling the templates was the one cost a cold run could "
        "leave out, and it does: they are read compiled.",
    ]
