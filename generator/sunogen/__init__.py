"""sunogen: turns one OpenAPI spec per Suno-style gateway into the typed `suno_clients` package.

`generate()` below is the whole pipeline, top to bottom: the package's own files (from the vendor ids alone), then
each spec on its own (vendor_files.py: load, check, build, rules, render, the spec's own request examples run
against the rendered validators, models), formatted by ruff a batch of specs at a time. What it returns is a
function of the spec files' text (and of the generator) alone, and nothing before `write` touches the output folder.
A content-addressed cache (cache.py) makes regenerating cost what changed: an unchanged spec is not made again, and a
vendor whose shapes did not change does not run datamodel-code-generator (nor import it); the specs that must be
made are shared, in batches, among one worker process per core (workers.py).
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from .diagnostics import SpecError, SpecErrors

if TYPE_CHECKING:
    from .cache import Cache

__all__ = ["SpecError", "SpecErrors", "generate", "read_specs"]


def read_specs(specs: Path) -> dict[str, str]:
    """The text of every `<vendor>.yaml` (and `.yml`, which `load` refuses by name) in a folder, in name order."""
    from .load import read_spec

    paths = sorted([*specs.glob("*.yaml"), *specs.glob("*.yml")])
    return {str(path): read_spec(path.read_bytes()) for path in paths}


def generate(sources: dict[str, str], *, cache: Cache | None = None, jobs: int = 1) -> dict[str, str]:
    """Every file of the generated package, keyed by relative path. Raises SpecErrors with every spec error.

    `cache` holds what earlier runs made (none by default): a vendor, a vendor's models or the package's own files
    whose inputs and generator are unchanged are taken from it, never made again. `jobs` is how many worker
    processes make the other specs (1: this process).
    """
    from .cache import Cache
    from .load import vendor_id_problem
    from .render import render_package, runtime_files
    from .vendor_files import Made, vendor_key
    from .workers import make_each

    if not sources:
        raise SpecErrors([SpecError("specs", 1, 1, "no-specs", "no <vendor>.yaml files found")])
    cache = cache if cache is not None else Cache(None)
    # 1. the package's own files, from the vendor ids (the specs' file names) in spec order; a file name that is no
    # vendor id is a spec error that make_vendor reports, and no package is made
    vendors = tuple(PurePath(file).stem for file in sources)
    package_key = cache.key("package", json.dumps(vendors))
    package: dict[str, str] | None = cache.get(package_key)
    named = all(vendor_id_problem(PurePath(file).name) is None for file in sources)
    rendered = render_package(vendors, cache.compiled_templates) if package is None and named else {}
    # 2. each spec on its own (stages 1 to 6): taken from the cache when an earlier run made it, else made and
    # formatted now (and stored in the cache) in batches shared among the workers; the package formatted alongside
    entries = {file: cache.get(vendor_key(cache, file, text)) for file, text in sources.items()}
    cached = {file: Made(**entry) for file, entry in entries.items() if entry is not None}
    made, formatted = make_each(
        {file: text for file, text in sources.items() if file not in cached}, cache, jobs, rendered
    )
    errors = [error for result in made.values() for error in result.errors]
    if errors:
        raise SpecErrors(errors)
    if package is None:
        package = formatted
        cache.put(package_key, package)
    files = runtime_files() | package
    for file in sources:
        files |= (cached.get(file) or made[file]).files
    return files
