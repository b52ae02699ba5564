"""Bodies from a spec's schemas: the smallest instance a schema accepts, and values placed at dotted paths in it.

Every body the emulator sends starts as the smallest valid instance of the documented response component (its
required fields only) and gets the task's values (status, clips, id) at the paths the spec's extensions name.
Each value is fitted to the JSON type the schema gives that place: a number where only a string is allowed
becomes its text, a value no branch accepts is left out. Intermediate objects are made on the way, choosing
the branch of an anyOf/oneOf that is an object (or an array, for a digit segment).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, Final

from sunogen import ir
from sunogen.build import thaw
from sunogen.runtime.missing import MISSING  # also what `fit` returns for a value the schema cannot take in any form
from sunogen.runtime.violations import json_type  # one definition of a value's JSON type, the validators'

ANY: Final = ir.Schema("")
"""The schema that accepts anything (an undeclared property of an open object)."""


_PLACEHOLDER_FORMATS: Final = {
    "uri": "http://127.0.0.1/",
    "date-time": "1970-01-01T00:00:00Z",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


class Shapes:
    """Reads the components of one spec to make instances of them."""

    def __init__(self, components: Mapping[str, ir.Schema]) -> None:
        self._components = components

    def component(self, name: str) -> ir.Schema:
        """The schema of a component."""
        return self._components[name]

    def resolve(self, schema: ir.Schema) -> ir.Schema:
        """The schema a `$ref` chain ends at (a referring node's other keywords are annotations in the specs)."""
        seen = 0
        while schema.ref is not None and seen < 64:
            schema = self._components[schema.ref]
            seen += 1
        return schema

    def branches(self, schema: ir.Schema) -> Iterator[ir.Schema]:
        """The alternatives a value may take: each anyOf/oneOf branch, or the schema itself."""
        resolved = self.resolve(schema)
        alternatives = resolved.any_of or resolved.one_of
        if not alternatives:
            yield resolved
            return
        for branch in alternatives:
            yield from self.branches(branch)

    # -- the smallest instance ------------------------------------------------------------------------------

    def minimal(self, schema: ir.Schema) -> Any:
        """The smallest instance `schema` accepts: its const or first enum value, else a value of its first type."""
        resolved = self.resolve(schema)
        if resolved.has_const:
            return thaw(resolved.const)
        if resolved.enum:
            return thaw(resolved.enum[0])
        alternatives = resolved.any_of or resolved.one_of
        if alternatives:
            return self.minimal(alternatives[0])
        kind = _first_type(resolved)
        if kind == "object":
            return {name: self.minimal(self.property(resolved, name)) for name in self._required(resolved)}
        if kind == "array":
            item = self.minimal(resolved.items or ANY)
            return [item for _ in range(resolved.min_items or 0)]
        if kind == "string":
            text = _PLACEHOLDER_FORMATS.get(resolved.format or "", "")
            return text + "x" * max(0, (resolved.min_length or 0) - len(text))
        if kind in ("integer", "number"):
            return _lowest(resolved, integer=kind == "integer")
        if kind == "boolean":
            return False
        return None

    def _required(self, schema: ir.Schema) -> list[str]:
        names = list(schema.required)
        for part in schema.all_of:
            if part.rule is None:
                names.extend(n for n in self._required(self.resolve(part)) if n not in names)
        return names

    def property(self, schema: ir.Schema, name: str) -> ir.Schema:
        """The schema of property `name` of an object schema (its allOf parts included); ANY if undeclared."""
        for key, child in schema.properties:
            if key == name:
                return child
        for part in schema.all_of:
            if part.rule is None:
                found = self.property(self.resolve(part), name)
                if found is not ANY:
                    return found
        if isinstance(schema.additional, ir.Schema):
            return schema.additional
        return ANY

    # -- placing values -------------------------------------------------------------------------------------

    def fit(self, schema: ir.Schema, value: Any) -> Any:
        """`value` as `schema` takes it: unchanged if a branch accepts it, else converted (a number to its text, a
        numeric text to a number), else MISSING."""
        branches = list(self.branches(schema))
        for branch in branches:
            if _accepts(branch, value):
                return value
        for branch in branches:
            types = _types(branch)
            if branch.has_const or branch.enum is not None:
                continue
            if "string" in types and json_type(value) in ("integer", "number"):
                return _number_text(value)
            if types & {"number", "integer"} and isinstance(value, str):
                try:
                    number = float(value)
                except ValueError:
                    continue
                if math.isfinite(number):
                    return int(number) if "integer" in types and number.is_integer() else number
        return MISSING

    def put(self, schema: ir.Schema, node: Any, path: tuple[str, ...], value: Any) -> Any:
        """`node` (an instance of `schema`, or MISSING) with `value` at `path`; objects are made on the way.

        A value the place cannot take leaves the node as it was (a required field keeps its minimal value).
        """
        if not path:
            fitted = self.fit(schema, value)
            return node if fitted is MISSING else fitted
        head, rest = path[0], path[1:]
        if head.isdigit():
            array = next((b for b in self.branches(schema) if "array" in _types(b)), None)
            if array is None:
                return node
            items = array.items or ANY
            values = list(node) if isinstance(node, list) else []
            while len(values) <= int(head):
                values.append(self.minimal(items))
            values[int(head)] = self.put(items, values[int(head)], rest, value)
            return values
        target = next((b for b in self.branches(schema) if "object" in _types(b)), None)
        if target is None or (target.additional is False and not any(k == head for k, _ in target.properties)):
            return node
        obj = dict(node) if isinstance(node, dict) else self.minimal(target)
        if not isinstance(obj, dict):
            obj = {}
        placed = self.put(self.property(target, head), obj.get(head, MISSING), rest, value)
        if placed is not MISSING:
            obj[head] = placed
        return obj

    def items_at(self, schema: ir.Schema, path: tuple[str, ...]) -> ir.Schema:
        """The item schema of the array at `path` (through object and array branches); ANY if none is declared."""
        node = schema
        for segment in path:
            if segment.isdigit():
                array = next((b for b in self.branches(node) if "array" in _types(b)), None)
                node = (array.items if array is not None else None) or ANY
            else:
                target = next((b for b in self.branches(node) if "object" in _types(b)), None)
                node = self.property(target, segment) if target is not None else ANY
        array = next((b for b in self.branches(node) if "array" in _types(b)), None)
        return (array.items if array is not None else None) or ANY


def _types(schema: ir.Schema) -> frozenset[str]:
    """The JSON types a schema names, or the one its keywords imply; empty when it says nothing."""
    if schema.types:
        return frozenset(schema.types)
    if schema.properties or schema.required or schema.additional is not None:
        return frozenset({"object"})
    if schema.items is not None:
        return frozenset({"array"})
    if not schema.has_const and schema.enum is None:
        return frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})
    return frozenset()


def _first_type(schema: ir.Schema) -> str:
    """The type of the smallest instance: the first non-null type named or implied; null for a bare schema."""
    declared: tuple[str, ...]
    if schema.types:
        declared = schema.types
    elif schema.properties or schema.required or schema.additional is not None:
        declared = ("object",)
    elif schema.items is not None:
        declared = ("array",)
    else:
        return "null"  # a schema that says nothing accepts null, the smallest value
    non_null = [t for t in declared if t != "null"]
    return non_null[0] if non_null else "null"


def _accepts(schema: ir.Schema, value: Any) -> bool:
    """Whether the value is of a type (and const or enum value) the schema allows; bounds are not looked at."""
    if schema.has_const:
        return bool(value == thaw(schema.const) and json_type(value) == json_type(thaw(schema.const)))
    if schema.enum is not None:
        return any(value == thaw(v) and json_type(value) == json_type(thaw(v)) for v in schema.enum)
    kind = json_type(value)
    types = _types(schema)
    return kind in types or (kind == "integer" and "number" in types)


def _lowest(schema: ir.Schema, *, integer: bool) -> int | float:
    """The smallest number at or above 0 that the schema's bounds allow."""
    low: float = 0
    if schema.minimum is not None:
        low = max(low, schema.minimum)
    if schema.exclusive_minimum is not None and low <= schema.exclusive_minimum:
        low = schema.exclusive_minimum + 1
    if integer:
        return math.ceil(low)
    return low if isinstance(low, float) else int(low)


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
