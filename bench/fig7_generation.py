"""Figure 7's rows for `sunogen generate` (figure 3): each kept optimisation of the generator, with and without it.

As in fig7_kept.py, the "without" side is the code as it would read without the optimisation, put back in place
of what is there for the duration of one measurement: never a switch in the product.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.core import BIN, PYTHON, ROOT, Command, time_processes
from bench.fig7_kept import Kept, alternate, replaced

COPIES = 20
"""The 100-spec tree of figure 3: each of the five specs copied this many times."""

Measure = Callable[[], float]
Row = tuple[str, str, str, Measure, Measure]
"""name, where, the figure it serves, with it, without it."""


def _timed(run: Callable[[], object], context: Callable[[], Any] = contextlib.nullcontext) -> Measure:
    def measure() -> float:
        with context():
            start = time.perf_counter()
            run()
            return time.perf_counter() - start

    return measure


def _hundred(root: Path) -> dict[str, str]:
    import sunogen

    tree = root / "specs100"
    tree.mkdir(parents=True, exist_ok=True)
    for copy in range(1, COPIES + 1):
        for spec in sorted((ROOT / "specs").glob("*.yaml")):
            shutil.copyfile(spec, tree / f"{spec.stem}_{copy:02d}.yaml")
    return sunogen.read_specs(tree)


# -- without: the code as it read before each optimisation -----------------------------------------------------------


def _make_then_format_here(
    specs: dict[str, str], cache: Any, jobs: int, extra: Any = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """workers.make_each without batches: workers make one spec a task, and this process formats everything after.

    Its workers end as make_each's do (without teardown), so that the row measures the batches alone.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from sunogen import vendor_files, workers
    from sunogen.format import format_files
    from sunogen.vendor_files import Made

    order = sorted(specs, key=lambda file: -len(specs[file]))
    texts = [specs[file] for file in order]
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=spawn, initializer=workers._started) as pool:
        made = dict(zip(order, pool.map(vendor_files.make_vendor, order, texts, [cache] * len(order)), strict=True))
    batch = {path: text for result in made.values() for path, text in result.files.items()}
    formatted = format_files(batch | dict(extra or {}))
    done = {
        file: Made(result.vendor, result.content_hash, {path: formatted[path] for path in result.files}, result.errors)
        for file, result in made.items()
    }
    return done, {path: formatted[path] for path in extra or {}}


def _stale_two_walks(files: dict[str, str], out: Path) -> list[str]:
    """write.stale before one walk: an rglob for the files, another for the folders, a stat per file."""
    root = out / "suno_clients"
    found = {str(p.relative_to(out)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    wanted = {str(parent) for rel in files for parent in Path(rel).parents if str(parent) != "."}
    folders = {
        str(p.relative_to(out))
        for p in root.rglob("*")
        if p.is_dir() and "__pycache__" not in p.parts and str(p.relative_to(out)) not in wanted
    }
    problems = set(found - files.keys()) | {f"{folder}/" for folder in folders}
    for rel, text in files.items():
        path = out / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            problems.add(rel)
    return sorted(problems)


def _keep_teardown() -> None:
    """workers._started before it: a worker's exit tears its interpreter down (module level: a worker imports it)."""


def _rendered(parts: list[Any], models: list[Any], vendors: tuple[str, ...], compiled: Path | None) -> Measure:
    """Rendering a cold run's files in a fresh environment (as a new process has), its templates kept in `compiled`
    (read compiled) or None (compiled from their text, as `--no-cache` did)."""
    from sunogen import render

    def measure() -> float:
        render._environment.cache_clear()
        start = time.perf_counter()
        for part, made in zip(parts, models, strict=True):
            render.render_vendor(part, compiled)
            render.render_models(part.vendor, made, compiled)
        render.render_package(vendors, compiled)
        elapsed = time.perf_counter() - start
        render._environment.cache_clear()
        return elapsed

    return measure


# -- the rows --------------------------------------------------------------------------------------------------------


def rows(root: Path) -> list[Row]:
    """The generator's kept optimisations; the output folder's row needs the 100-spec tree, the last two cores."""
    import sunogen
    from sunogen import vendor_files, workers, write
    from sunogen.cache import Cache
    from sunogen.format import format_files
    from sunogen.render import render_package

    found: list[Row] = []
    # one ruff run for the specs and the package: measured on what a cold five-spec run formats
    specs = sunogen.read_specs(ROOT / "specs")
    made = [vendor_files.make_vendor(file, text, Cache(None)) for file, text in specs.items()]
    vendor_batch = {path: text for result in made for path, text in result.files.items()}
    package = render_package(tuple(Path(file).stem for file in specs))
    found.append(
        (
            "the package's own files formatted in the same ruff run as the specs",
            "workers.py `make_batch` (`extra`), render.py `render_package` (from the ids, known before any spec)",
            "figure 3, formatting a cold five-spec run's files",
            _timed(lambda: format_files(vendor_batch | package)),
            _timed(lambda: (format_files(vendor_batch), format_files(package))),
        )
    )
    # the templates read compiled, --no-cache too: what rendering costs a cold run's new process
    from sunogen.build import build
    from sunogen.datamodels import vendor_models
    from sunogen.load import load
    from sunogen.render import VendorParts
    from sunogen.rules.compiler import compile_rules

    vendors = [build(load(file, text)) for file, text in specs.items()]
    parts = [VendorParts(vendor, compile_rules(vendor)) for vendor in vendors]
    models = [vendor_models(vendor, Cache(None)) for vendor in vendors]
    ids = tuple(vendor.id for vendor in vendors)
    compiled = Cache(root / "templates-cache").compiled_templates
    _rendered(parts, models, ids, compiled)()  # compiled and kept once, as the run before does
    found.append(
        (
            "templates read compiled from the cache folder, under --no-cache too",
            "render.py `_environment`, cache.py `compiled_templates`, cli.py (`--no-cache`)",
            "figure 3, rendering a cold five-spec run's files in a new process's environment",
            _rendered(parts, models, ids, compiled),
            _rendered(parts, models, ids, None),
        )
    )
    # the 100-spec tree: comparing the output folder, and a cold run on two cores
    hundred = _hundred(root)
    files = sunogen.generate(hundred, jobs=workers.usable_cores())
    out = root / "out100"
    write.write(files, out)
    found.append(
        (
            "the output folder read in one walk",
            "write.py `stale`",
            f"figure 3, comparing {len(files)} files with the output folder (after a change, and `check`)",
            _timed(lambda: write.stale(files, out)),
            _timed(lambda: _stale_two_walks(files, out)),
        )
    )
    if workers.usable_cores() >= 2:
        found.append(
            (
                "workers make and format batches (large first, single specs last) and store them",
                "workers.py `make_each`, `batches`",
                "figure 3, a cold 100-spec run on two cores, in process",
                _timed(lambda: sunogen.generate(hundred, cache=Cache(None), jobs=2)),
                _timed(
                    lambda: sunogen.generate(hundred, cache=Cache(None), jobs=2),
                    lambda: replaced(workers, "make_each", _make_then_format_here),
                ),
            )
        )
        # what every run with workers pays once, whatever its size: two workers started, given a spec each, ended
        pair = dict(sorted(specs.items(), key=lambda item: len(item[1]))[:2])
        found.append(
            (
                "a worker ends without tearing its interpreter down",
                "workers.py `_started`",
                "figure 3, two workers started and ended around a cold run of the two smallest specs, in process",
                _timed(lambda: sunogen.generate(pair, cache=Cache(None), jobs=2)),
                _timed(
                    lambda: sunogen.generate(pair, cache=Cache(None), jobs=2),
                    lambda: replaced(workers, "_started", _keep_teardown),
                ),
            )
        )
    return found


def kept(rounds: int, tmp: Any) -> list[Kept]:
    """Figure 7's rows for the generator: the load stage's libyaml, the exit without teardown, then `rows`."""
    from pathlib import Path

    import yaml

    import sunogen
    from sunogen import load

    root = Path(tmp)
    sources = sunogen.read_specs(ROOT / "specs")

    def load_all() -> float:
        import time

        start = time.perf_counter()
        for file, text in sources.items():
            load.load(file, text)
        return time.perf_counter() - start

    def measure(context: Callable[[], Any]) -> Callable[[], float]:
        def run() -> float:
            with context():
                return load_all()

        return run

    without = measure(lambda: replaced(load, "_Loader", yaml.SafeLoader))
    mine, theirs = alternate(rounds, measure(contextlib.nullcontext), without)
    kept = [
        Kept(
            "libyaml's C composer",
            "load.py `_Loader`",
            "figure 3, loading the five specs (the load stage)",
            tuple(mine),
            tuple(theirs),
        )
    ]
    hard = Command(
        ("taskset", "-c", "0", str(BIN / "sunogen"), "generate", "--no-cache", "--out", str(root / "hard")),
    )
    soft = Command(
        (
            "taskset", "-c", "0", str(PYTHON), "-c", "import sys; from sunogen.cli import main; sys.exit(main())",
            "generate", "--no-cache", "--out", str(root / "soft"),
        ),
    )  # fmt: skip
    exiting, tearing_down = time_processes(rounds, (hard, soft), ("console script", "main() then sys.exit"))
    kept.append(
        Kept(
            "generate and check end without tearing the interpreter down (os._exit)",
            "cli.py `run`",
            "figure 3, `sunogen generate --no-cache` on one core, whole process",
            exiting.times,
            tearing_down.times,
        )
    )
    for name, where, serves, with_it, without in rows(root / "generation"):
        # a cold 100-spec run takes seconds a side: fewer rounds of it
        mine, theirs = alternate(max(3, rounds // 3) if "cold 100-spec" in serves else rounds, with_it, without)
        kept.append(Kept(name, where, serves, tuple(mine), tuple(theirs)))
    return kept
