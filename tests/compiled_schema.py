"""A schema compiled on its own, as the request body of a minimal spec, with its reference judge beside it.

The rules tests that are not about a vendor use this: tests/test_keywords.py (a case per keyword) and
tests/test_rules_random_schemas.py (random combinations).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from suno_clients import Violation
from sunogen.build import build
from sunogen.check import check
from sunogen.load import load
from sunogen.rules.compiler import compile_rules, places
from sunogen.rules.module import RUNTIME, Module
from sunogen.rules.valid_pass import ValidPass
from sunogen.rules.violation_pass import ViolationPass
from sunogen.rules.writer import Writer

from .conftest import ROOT
from .reference import reference
from .spec_files import dump, spec_document

TOP, AUX = "CreateRequest", "Aux"  # the minimal spec's request body, replaced; Aux is what a $ref may point at
BASE = spec_document("_valid", ROOT / "tests" / "specs_with_errors")
_PRELUDE = "import re\n" + "".join(
    f"from suno_clients._runtime.{name} import {', '.join(names)}\n" for name, names in RUNTIME.items()
)


@dataclass(frozen=True)
class CompiledSchema:
    """The shipped validator of one schema, its valid pass and violation pass alone, and jsonschema's judgement."""

    schema: dict[str, Any]
    validate: Any
    is_valid: Any
    collect: Any
    judge: Any

    def agrees_with_the_reference(self, value: Any) -> list[Violation]:
        """Our violations of `value`, after asserting jsonschema agrees and the two passes agree with each other."""
        ours: list[Violation] = self.validate(value)
        theirs = [e.message for e in self.judge.iter_errors(value)]
        assert (ours == []) == (theirs == []), (
            f"{self.schema}: ours: {[str(v) for v in ours]}; jsonschema: {theirs}; on {value!r}"
        )
        assert self.is_valid(value) is (self.collect(value) == []), f"the two passes differ on {value!r}"
        return ours


def compiled_schema(top: dict[str, Any], aux: dict[str, Any] | None = None) -> CompiledSchema | None:
    """`top` compiled as a request body (`aux` as the component `$ref`s name); None when the spec check refuses it."""
    aux = {} if aux is None else aux
    spec = copy.deepcopy(BASE)
    spec["components"]["schemas"][TOP] = top
    spec["components"]["schemas"][AUX] = aux
    loaded = load("specs/example.yaml", dump(spec))
    if check(loaded):
        return None
    vendor = build(loaded)
    shipped = compile_rules(vendor)
    components = {c.name: c.schema for c in vendor.components}
    module = Module(vendor.file, vendor.components)
    valid = ValidPass(module, components, places(vendor.components))
    violations = ViolationPass(module, valid)
    w = Writer()
    with w.block("def is_valid(payload):"):
        w.line(f"return {valid.ok(components[TOP], 'payload')}")
    with w.block("def collect(payload):"):
        w.line("out = []")
        violations.err(components[TOP], "payload", '"$"', w, rule="None", checked=True)
        w.line("return out")
    constants, functions = module.source([w.text()])
    shipped_namespace: dict[str, Any] = {}
    exec(compile("\n".join([_PRELUDE, *shipped.constants, *shipped.functions]), "shipped", "exec"), shipped_namespace)
    passes: dict[str, Any] = {}
    exec(compile("\n".join([_PRELUDE, *constants, *functions, w.text()]), "passes", "exec"), passes)
    standalone = json.loads(
        json.dumps({**top, "$defs": {AUX: aux}}).replace(f"#/components/schemas/{AUX}", "#/$defs/Aux")
    )
    return CompiledSchema(
        top,
        shipped_namespace[dict(shipped.entry_points)[TOP]],
        passes["is_valid"],
        passes["collect"],
        reference(standalone),
    )
