"""The rules stage's entry point: every request model of a vendor compiled into one validator module's source."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sunogen import ir
from sunogen.build import python_name

from .keywords import KEYWORDS
from .module import RUNTIME, Module
from .valid_pass import ValidPass
from .violation_pass import ViolationPass
from .writer import Writer


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """The validator module's body: its imports, constants, private functions, and one public function per model."""

    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (runtime module, the names of it the code calls)
    uses_re: bool  # a constant compiles a pattern
    constants: tuple[str, ...]
    functions: tuple[str, ...]
    entry_points: tuple[tuple[str, str], ...]  # (request model name, public function name)


def validator_name(model: str) -> str:
    """`CreateTaskRequest` -> `validate_create_task_request`."""
    return f"validate_{python_name(model)}"


def places(components: tuple[ir.Component, ...]) -> frozenset[str]:
    """The pointers of the nodes that describe a place in a payload: a component, and what its `properties`,
    `items` and `prefixItems` reach (not what an applicator reaches: that tests the same value again)."""
    found: set[str] = set()

    def walk(node: ir.Schema) -> None:
        found.add(node.pointer)
        for name, value in node.keywords:
            if KEYWORDS[name].positions:
                for child in _subschemas(value):
                    walk(child)

    for component in components:
        walk(component.schema)
    return frozenset(found)


def _subschemas(value: ir.KeywordValue) -> list[ir.Schema]:
    if isinstance(value, ir.Schema):
        return [value]
    found: list[ir.Schema] = []
    for item in value if isinstance(value, tuple) else ():
        if isinstance(item, ir.Schema):
            found.append(item)
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], ir.Schema):
            found.append(item[1])
    return found


def compile_rules(vendor: ir.Vendor) -> CompiledRules:
    """The validator source for every request model of a vendor (nested ones too: a model built alone is checked)."""
    components = {c.name: c.schema for c in vendor.components}
    module = Module(vendor.file, vendor.components)
    valid = ValidPass(module, components, places(vendor.components))
    violations = ViolationPass(module, valid)
    entries: list[tuple[str, str]] = []
    public: list[str] = []
    for component in vendor.components:
        if not component.request:
            continue
        name = validator_name(component.name)
        entries.append((component.name, name))
        w = Writer()
        with w.block(f"def {name}(payload: object) -> list[Violation]:"):
            w.line(f'"""Every violation of {component.name} in `payload` (a parsed JSON value); empty when valid."""')
            w.line("out: list[Violation] = []")
            # one pass: on a valid payload it costs what the valid pass would, and an invalid one is walked once
            violations.err(component.schema, "payload", '"$"', w, rule="None", checked=True)
            w.line("return out")
        public.append(w.text())
    constants, functions = module.source(public)
    text = "\n".join([*constants, *functions, *public])
    used = set(re.findall(r"\b\w+\b", text))
    imports = tuple(
        (module_name, called)
        for module_name, names in RUNTIME.items()
        if (called := tuple(n for n in names if n in used))
    )
    return CompiledRules(imports, "re.compile(" in text, constants, functions + tuple(public), tuple(entries))
