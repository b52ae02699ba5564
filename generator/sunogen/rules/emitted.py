"""The output both passes of the rules compiler write to: module constants and functions, each named once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sunogen import ir

from .shape import set_literal


@dataclass
class Emitted:
    """Constants and functions of one validator module, in the order they were first needed."""

    constants: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    _functions: dict[tuple[str, str], str] = field(default_factory=dict)
    _constants: dict[str, str] = field(default_factory=dict)

    def constant(self, prefix: str, source: str) -> str:
        """The name of a module constant holding `source`; one constant per distinct source."""
        if source not in self._constants:
            name = f"_{prefix}{len(self._constants)}"
            self._constants[source] = name
            self.constants.append(f"{name} = {source}")
        return self._constants[source]

    def known(self, s: ir.Schema) -> str:
        """The constant holding the property names an object schema declares."""
        return self.constant("K", set_literal([name for name, _ in s.properties]))

    def rule(self, rule: ir.Rule) -> str:
        """The constant holding a named rule (its id, message and, for a warning, its severity)."""
        severity = "" if rule.severity == "error" else f", {rule.severity!r}"
        return self.constant("R", f"Rule({rule.id!r}, {rule.message!r}{severity})")

    def function(self, kind: str, schema: ir.Schema, body: Callable[[], str], *, by_body: bool = False) -> str:
        """The name of the `kind` function of a schema node, emitting `body()` (with __NAME__) on first use.

        A node's function is named before its body is made, so a recursive schema can call itself. `by_body`
        (for nodes that call no function: leaves) shares one function among the nodes whose bodies are the same.
        """
        if by_body:
            text = body()
            key, body = (kind, text), lambda: text
        else:
            key = (kind, schema.pointer)
        if key not in self._functions:
            self._functions[key] = f"_{kind}{len(self._functions)}"
            self.functions.append(body().replace("__NAME__", self._functions[key]))
        return self._functions[key]
