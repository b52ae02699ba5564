"""sunogen: turns one OpenAPI spec per Suno-style gateway into the typed `suno_clients` package.

`generate()` below is the whole pipeline, top to bottom: load, check, build, models, rules, render (then the
spec's own request examples run against the rendered validators), format.
What it returns is a function of the spec files' text alone, and nothing before `write` touches the output folder.
The models stage runs in a worker process of ours (`python -m sunogen.datamodels`, calling datamodel-code-generator as
a library) started first thing, so that importing datamodel-code-generator, the slowest step and about half of
what one datamodel-codegen run costs, overlaps all the others; the worker is given only the shapes the IR holds.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import SpecError, SpecErrors

__all__ = ["SpecError", "SpecErrors", "generate", "read_specs"]


def read_specs(specs: Path) -> dict[str, str]:
    """The text of every `<vendor>.yaml` (and `.yml`, which `load` refuses by name) in a folder, in name order."""
    from .load import read_spec

    paths = sorted([*specs.glob("*.yaml"), *specs.glob("*.yml")])
    return {str(path): read_spec(path.read_bytes()) for path in paths}


def generate(sources: dict[str, str]) -> dict[str, str]:
    """Every file of the generated package, keyed by relative path. Raises SpecErrors with every spec error."""
    from .datamodels import ModelsProcess, models_input

    if not sources:
        raise SpecErrors([SpecError("specs", 1, 1, "no-specs", "no <vendor>.yaml files found")])
    # datamodel-code-generator imports in a child process, on the other core, while this one does everything else
    with ModelsProcess() as models_process:
        from .build import build
        from .check import check
        from .examples import check_examples, validators_path
        from .format import format_files
        from .load import load
        from .render import VendorParts, render, render_models, runtime_files
        from .rules.compiler import compile_rules

        errors: list[SpecError] = []
        built = []
        loaded = []  # the specs built, for the examples check: it points at their lines
        for file, text in sources.items():
            try:
                spec = load(file, text)
                found = check(spec)
                errors.extend(found)
                if not found:  # building finds what only deciding the methods can (a name clash): every spec's too
                    built.append(build(spec))
                    loaded.append(spec)
            except SpecErrors as exc:
                errors.extend(exc.errors)
        if errors:
            raise SpecErrors(errors)
        vendors = tuple(built)
        models_process.send(models_input(v) for v in vendors)
        rendered = render(tuple(VendorParts(v, compile_rules(v)) for v in vendors))
        errors = [e for spec in loaded for e in check_examples(spec, rendered[validators_path(spec.vendor)])]
        if errors:
            raise SpecErrors(errors)
        # formatted while the child still works; the runtime is hand-written and kept ruff-clean, so copied as it is
        files = runtime_files() | format_files(rendered)
        models = models_process.results()
    made_from_models: dict[str, str] = {}
    for vendor, vendor_models in zip(vendors, models, strict=True):
        made_from_models |= render_models(vendor, vendor_models)
    return files | format_files(made_from_models)
