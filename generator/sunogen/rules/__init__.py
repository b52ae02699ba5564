"""Stage 4b, rules: compile the request schemas of the IR into Python validator source.

datamodel-code-generator drops `if`/`then`/`else`, `dependentRequired` and the like silently, so every rule of
the spec is compiled here into straight-line Python, in two passes over each schema node:

- valid.py, "is it valid?": boolean expressions and `_okN(x) -> bool` functions with early exits.
- violations.py, "what is wrong?": `_errN(x, path, out, r)` functions appending every violation with its JSON
  path, the keyword, and the message of the innermost named rule `r`. A public validator runs this pass once;
  it asks the valid pass before each member and branch, and descends only into what is invalid.

Both follow JSON Schema 2020-12 exactly (a keyword applies only to its instance type; `true` is not a number;
1.0 is an integer); the differential tests hold them to the `jsonschema` package. shape.py reads a node's shape,
emitted.py names the module's constants and functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sunogen import ir
from sunogen.build import python_name

from .emitted import Emitted
from .valid import ValidPass
from .violations import ViolationPass


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """The validator module's body: constants, node functions, and one public function per request model."""

    constants: tuple[str, ...]
    functions: tuple[str, ...]
    entry_points: tuple[tuple[str, str], ...]  # (request model name, public function name)


def validator_name(model: str) -> str:
    """`CreateTaskRequest` -> `validate_create_task_request`."""
    return f"validate_{python_name(model)}"


def compile_rules(vendor: ir.Vendor) -> CompiledRules:
    """The validator source for every request model of a vendor."""
    components = {c.name: c.schema for c in vendor.components}
    out = Emitted()
    valid = ValidPass(out, components)
    violations = ViolationPass(out, components, valid)
    entries: list[tuple[str, str]] = []
    functions: list[str] = []
    for component in vendor.components:
        # every request model gets its validator, nested ones too, so a model built on its own is checked as well
        if not component.request:
            continue
        # One pass: on a valid payload the violation pass costs what the valid pass does (it asks the valid pass
        # member by member), and an invalid one is not walked twice.
        err = violations.err(component.schema, "payload", '"$"', checked=True)
        name = validator_name(component.name)
        entries.append((component.name, name))
        body = "\n".join("    " + line for line in err) or "    pass"
        functions.append(
            f"def {name}(payload: object) -> list[Violation]:\n"
            f'    """Every violation of {component.name} in `payload` (a parsed JSON value); empty when valid."""\n'
            "    out: list[Violation] = []\n"
            "    r: Rule | None = None\n"
            f"{body}\n"
            "    return out"
        )
    return CompiledRules(tuple(out.constants), tuple(out.functions + functions), tuple(entries))
