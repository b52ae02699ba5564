"""sunogen: turns one OpenAPI spec per Suno-style gateway into the typed `suno_clients` package.

`generate()` below is the whole pipeline, top to bottom: load, check, build, models, rules, render, format.
What it returns is a function of the spec files' text alone, and nothing before `write` touches the output folder.
The models stage runs in a worker process of ours (`python -m sunogen.models`, calling datamodel-code-generator as
a library) started first thing, so that importing datamodel-code-generator, the slowest step and about half of
what one datamodel-codegen run costs, overlaps all the others; the worker is given only the shapes the IR holds.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import SpecError, SpecErrors

__all__ = ["SpecError", "SpecErrors", "generate", "read_specs"]


def read_specs(specs: Path) -> dict[str, str]:
    """The text of every `<vendor>.yaml` in a folder, keyed by its path as given, in name order."""
    return {str(path): path.read_text(encoding="utf-8") for path in sorted(specs.glob("*.yaml"))}


def generate(sources: dict[str, str]) -> dict[str, str]:
    """Every file of the generated package, keyed by relative path. Raises SpecErrors with every spec error."""
    from .models import ModelsProcess, models_input

    if not sources:
        raise SpecErrors([SpecError("specs", 1, 1, "no-specs", "no <vendor>.yaml files found")])
    # datamodel-code-generator imports in a child process, on the other core, while this one does everything else
    with ModelsProcess() as models_process:
        from .build import build
        from .check import check
        from .format import format_files
        from .load import load
        from .render import VendorParts, render, render_models, runtime_files
        from .rules.compiler import compile_rules

        errors: list[SpecError] = []
        built = []
        for file, text in sources.items():
            try:
                spec = load(file, text)
                found = check(spec)
                errors.extend(found)
                if not found:  # building finds what only deciding the methods can (a name clash): every spec's too
                    built.append(build(spec))
            except SpecErrors as exc:
                errors.extend(exc.errors)
        if errors:
            raise SpecErrors(errors)
        vendors = tuple(built)
        models_process.send(models_input(v) for v in vendors)
        # formatted while the child still works; the runtime is hand-written and kept ruff-clean, so copied as it is
        files = runtime_files() | format_files(render(tuple(VendorParts(v, compile_rules(v)) for v in vendors)))
        models = models_process.results()
    made_from_models: dict[str, str] = {}
    for vendor, vendor_models in zip(vendors, models, strict=True):
        made_from_models |= render_models(vendor, vendor_models)
    return files | format_files(made_from_models)
