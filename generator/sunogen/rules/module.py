"""The validator module being compiled: names taken from the spec, and the constants and functions it holds.

Every schema node has a name saying where it is in the spec: its component and the path within it
(`MusicGenerateInput_mode`), or, inside a named rule, the rule's id (`custom_mode_requires_lyrics_then`). Its
functions are `_valid_<name>` and `_check_<name>`, its constants `_<name>_<what>` (`_ModelVersion_enum`).

A function is named when first asked for, but its body is written only once a written function calls it: the
module starts from the public validators and writes what they reach, so nothing is emitted that nothing calls.
Functions come out in spec order, each under a comment naming the spec file, the JSON pointer and the rule it is
part of.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sunogen import ir

from .writer import Writer

RUNTIME: dict[str, tuple[str, ...]] = {
    "violations": ("MISSING", "NUMBER", "Rule", "Violation", "json_type", "path_index", "path_key", "violation"),
    "formats": ("is_date_time", "is_uri"),
    "json_values": (
        "NUMBER_LIMIT", "is_json", "is_multiple", "is_text", "json_document", "json_equal", "json_item_violations",
        "json_items", "json_member_violations", "json_members", "json_violations", "not_json", "unique_items",
    ),
}  # fmt: skip
"""The runtime modules (suno_clients._runtime.<module>) and the names of each the generated code may call."""

_IDENTIFIER = re.compile(r"\b_\w+\b")
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")


def _children(keyword: str, value: ir.KeywordValue) -> list[tuple[str, ir.Schema]]:
    """The subschemas a keyword holds, each with the label its name gets (`allOf2`, a property's own name)."""
    if isinstance(value, ir.Schema):
        return [(keyword, value)]
    if not isinstance(value, tuple):
        return []
    children = []
    for i, item in enumerate(value):
        if isinstance(item, ir.Schema):
            children.append((f"{keyword}{i}", item))
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], ir.Schema):
            name, child = item
            label = {"properties": snake(str(name)), "patternProperties": f"{keyword}{i}"}
            children.append((label.get(keyword, f"{keyword}_{snake(str(name))}"), child))
    return children


def snake(text: str) -> str:
    return _NOT_NAME.sub("_", text).strip("_") or "_"


@dataclass
class _Function:
    name: str
    node: ir.Schema
    write: Callable[[Writer, str], None]
    written: str | None = None


class Module:
    """Names, constants and functions of one validator module, written on demand."""

    def __init__(self, file: str, components: tuple[ir.Component, ...]) -> None:
        self.file = file
        self._names: dict[str, str] = {}
        self._order: dict[str, int] = {}
        taken: set[str] = set()
        self._rules: dict[str, str] = {}  # pointer -> the id of the rule it is part of
        for component in components:
            self._name_tree(component.schema, component.name, taken, None)
        # (pointer and source) -> (name, source, order of the node); rules are keyed by their source alone
        self._constants: dict[str, tuple[str, str, int]] = {}
        self._constant_names: set[str] = set()
        self._functions: dict[tuple[str, str], _Function] = {}
        self._by_name: dict[str, _Function] = {}

    def _name_tree(self, node: ir.Schema, name: str, taken: set[str], rule: str | None) -> None:
        # a pre-order walk in spec order: each node's name, its place in the spec and the rule it is part of
        if node.rule is not None:
            name, rule = snake(node.rule.id), node.rule.id
        if rule is not None:
            self._rules[node.pointer] = rule
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}_{n}"
        taken.add(unique)
        self._names[node.pointer] = unique
        self._order[node.pointer] = len(self._order)
        for keyword, value in node.keywords:
            for label, child in _children(keyword, value):
                self._name_tree(child, f"{unique}_{label}", taken, rule)

    def name(self, node: ir.Schema) -> str:
        """Where a node is in the spec, as an identifier."""
        return self._names[node.pointer]

    def constant(self, node: ir.Schema, what: str, source: str) -> str:
        """The name of a module constant holding `source` for a node (`_ModelVersion_enum`), one per node and source.

        Two nodes with the same values get a constant each: a constant says where its values come from.
        """
        key = f"{node.pointer} {source}"
        if key not in self._constants:
            name = f"_{self.name(node)}_{what}"
            unique, n = name, 1
            while unique in self._constant_names:
                n += 1
                unique = f"{name}_{n}"
            self._constant_names.add(unique)
            self._constants[key] = (unique, source, self._order[node.pointer])
        return self._constants[key][0]

    def rule(self, node: ir.Schema, rule: ir.Rule) -> str:
        """The constant holding a named rule (its id, message and, for a warning, its severity)."""
        severity = "" if rule.severity == "error" else f", {rule.severity!r}"
        source = f"Rule({rule.id!r}, {rule.message!r}{severity})"
        if source not in self._constants:
            self._constants[source] = (f"_rule_{snake(rule.id)}", source, self._order[node.pointer])
        return self._constants[source][0]

    def function(self, kind: str, node: ir.Schema, write: Callable[[Writer, str], None]) -> str:
        """The name of the `kind` function of a node (`_check_<name>`); `write(w, name)` writes it once it is used."""
        key = (kind, node.pointer)
        if key not in self._functions:
            function = _Function(f"_{kind}_{self.name(node)}", node, write)
            self._functions[key] = self._by_name[function.name] = function
        return self._functions[key].name

    def source(self, roots: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The constants and private functions the `roots` (public functions' text) reach, in spec order."""
        pending = list(roots)
        while pending:
            for name in _IDENTIFIER.findall(pending.pop()):
                function = self._by_name.get(name)
                if function is not None and function.written is None:
                    function.written = self._write(function)
                    pending.append(function.written)
        written = sorted(
            (f for f in self._functions.values() if f.written is not None),
            key=lambda f: (self._order[f.node.pointer], f.name),
        )
        used = {name for text in [*roots, *(f.written or "" for f in written)] for name in _IDENTIFIER.findall(text)}
        constants = sorted(
            (order, f"{name} = {source}") for name, source, order in self._constants.values() if name in used
        )
        return tuple(line for _, line in constants), tuple(f.written or "" for f in written)

    def _write(self, function: _Function) -> str:
        node = function.node
        rule = self._rules.get(node.pointer)
        where = f"# {self.file}#{node.pointer}" + (f" (rule {rule})" if rule else "")
        w = Writer()
        function.write(w, function.name)
        return f"{where}\n{w.text()}"
