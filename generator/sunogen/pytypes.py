"""Part of stage 3: Python type expressions for schema shapes, and the TypedDicts of keyword calls made from them.

Two flavours read the same shapes: the TypedDicts a method's `**fields` unpack (an object is a TypedDict of its
own, `Required` where the schema requires a key), and the type of a field of a generated model (an object
component is `models.<Name>`), which is how a create's NewTask types its data.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import ir
from .load import escape

DEFS_PREFIX = "#/$defs/"  # how the shape document refers to components (shapes.py rewrites the spec's $refs)
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
# The types a Literal may hold (PEP 586): a float or a container enum value is typed by its JSON type instead.
_LITERAL_BASES = {str: "str", int: "int", bool: "bool"}


@dataclass(frozen=True, slots=True)
class Problem:
    """A spec mistake found while deciding types or methods: where (a JSON pointer), its code and its message."""

    pointer: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class _Literal:
    value: str | int | bool


def is_object(node: Any) -> bool:
    """Whether a shape describes a JSON object with named properties (what a TypedDict or a model class is)."""
    return isinstance(node, dict) and (node.get("type") == "object" or "properties" in node) and "enum" not in node


def ref_name(node: dict[str, Any]) -> str:
    """The component a shape's `$ref` names."""
    return str(node["$ref"]).removeprefix(DEFS_PREFIX)


def pascal(name: str) -> str:
    """`callback_url` -> `CallbackUrl`, `a.b-c` -> `ABC`: a JSON name as part of a class name."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


def description(node: Any, defs: dict[str, Any]) -> str:
    """A property's description, or that of the component it refers to when it has none of its own."""
    if not isinstance(node, dict):
        return ""
    if node.get("description"):
        return str(node["description"]).strip()
    if "$ref" in node and isinstance(defs.get(ref_name(node)), dict):
        return str(defs[ref_name(node)].get("description", "")).strip()
    return ""


class TypeWriter:
    """Writes the Python type of a shape node; `named` and `inline` decide what an object becomes."""

    def __init__(
        self, defs: dict[str, Any], named: Callable[[str], str], inline: Callable[[dict[str, Any], str], str]
    ) -> None:
        self.defs = defs
        self.named = named
        self.inline = inline

    def type_of(self, node: Any, hint: str) -> str:
        """The type expression of `node`, found at the JSON pointer `hint` (what an inline object is named after)."""
        return _join(self._alternatives(node, hint, frozenset()))

    def _alternatives(self, node: Any, hint: str, seen: frozenset[str]) -> list[str | _Literal]:
        if not isinstance(node, dict):
            return ["Any"]
        if "$ref" in node:
            name = ref_name(node)
            target = self.defs.get(name)
            if is_object(target):
                return [self.named(name)]
            if name in seen:  # a non-object component that refers to itself: nothing finite to write
                return ["Any"]
            return self._alternatives(target, f"/components/schemas/{escape(name)}", seen | {name})
        if "const" in node:
            return _literals([node["const"]])
        if "enum" in node:
            return _literals(node["enum"])
        for applicator in ("anyOf", "oneOf"):
            if node.get(applicator):
                return [
                    alt
                    for i, branch in enumerate(node[applicator])
                    for alt in self._alternatives(branch, f"{hint}/{applicator}/{i}", seen)
                ]
        all_of = node.get("allOf") or []
        if len(all_of) == 1:
            return self._alternatives(all_of[0], hint, seen)
        types = node.get("type") or (["object"] if "properties" in node else [])
        found: list[str | _Literal] = []
        for kind in [types] if isinstance(types, str) else types:
            if kind == "array":
                items = node.get("items")
                found.append(f"list[{self.type_of(items, f'{hint}/items')}]" if items is not None else "list[Any]")
            elif kind == "object":
                found.append(self.inline(node, hint) if node.get("properties") else "dict[str, Any]")
            else:
                found.append(_SCALARS.get(kind, "Any"))
        return found or ["Any"]


def _literals(values: Iterable[Any]) -> list[str | _Literal]:
    found: list[str | _Literal] = []
    for value in values:
        if value is None:
            found.append("None")
        elif type(value) in _LITERAL_BASES:
            found.append(_Literal(value))
        else:
            found.append("float" if isinstance(value, float) else "Any")
    return found


def _join(alternatives: list[str | _Literal]) -> str:
    """One union: literals merged into one Literal[...] (dropped where their plain type is there too), None last."""
    plain = list(dict.fromkeys(a for a in alternatives if isinstance(a, str)))
    if "Any" in plain:
        return "Any"
    # keyed by type too: 1 and True are equal in Python, two values in JSON
    literals = dict.fromkeys(
        (type(a.value), a.value) for a in alternatives if isinstance(a, _Literal) and _base(a.value) not in plain
    )
    parts = [f"Literal[{', '.join(repr(v) for _, v in literals)}]"] if literals else []
    parts += [p for p in plain if p != "None"]
    if "None" in plain:
        parts.append("None")
    return " | ".join(parts)


def _base(value: str | int | bool) -> str:
    return _LITERAL_BASES[type(value)]


class TypedDicts:
    """The TypedDicts of one vendor's request components, made on demand, dependencies first.

    `<Component>Params` mirrors an object component; an object written inline under a property is named by where
    it sits (`<Component><Key>...Params`, `Item` for an array's items). A TypedDict refers to one made before it by
    name, and to one still being made (a cycle) by a quoted forward reference, so the module needs no
    `from __future__ import annotations`, which would hide `Required` from the TypedDict at run time.
    """

    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.made: dict[str, ir.TypedParams] = {}
        self.problems: list[Problem] = []
        self._building: set[str] = set()
        self._origin: dict[str, str] = {}  # TypedDict name -> the pointer of the object it mirrors
        self._types = TypeWriter(defs, self.component, self._inline)

    def component(self, name: str) -> str:
        """The TypedDict of an object component (made now if it is new), as a type expression."""
        return self._make(f"{name}Params", self.defs[name], name, f"/components/schemas/{escape(name)}")

    def _inline(self, node: dict[str, Any], pointer: str) -> str:
        return self._make(_inline_name(pointer), node, None, pointer)

    def _make(self, name: str, node: dict[str, Any], component: str | None, pointer: str) -> str:
        if name in self._building:
            return repr(name)
        if name in self.made:
            if self._origin[name] != pointer:
                self._clash(name, pointer, f"the one made for {pointer_text(self._origin[name])}")
            return name
        self._origin[name] = pointer
        if name in self.defs:
            self._clash(name, pointer, f"the component {name}")
        self._building.add(name)
        required = node.get("required", [])
        properties: dict[str, Any] = node.get("properties", {})
        keys = tuple(
            ir.TypedKey(
                key,
                self._types.type_of(child, f"{pointer}/properties/{escape(key)}"),
                key in required,
                description(child, self.defs),
            )
            for key, child in properties.items()
        )
        self._building.discard(name)
        identifiers = all(key.name.isidentifier() and not keyword.iskeyword(key.name) for key in keys)
        self.made[name] = ir.TypedParams(name, component, _doc(node, component, keys, identifiers), keys, identifiers)
        return name

    def _clash(self, name: str, pointer: str, other: str) -> None:
        message = f"the TypedDict of these fields would be named {name}, like {other}"
        self.problems.append(Problem(pointer, "name-clash", message))


def _doc(node: dict[str, Any], component: str | None, keys: tuple[ir.TypedKey, ...], class_syntax: bool) -> str:
    # The functional form has no place for a key's docstring: its keys are described in the TypedDict's own.
    lines = [f"The fields of models.{component}, as keywords." if component else "An object of a request body."]
    if node.get("description"):
        lines += ["", str(node["description"]).strip()]
    if not class_syntax:
        lines += ["", *(f"{key.name!r}: {key.doc}" for key in keys if key.doc)]
    return "\n".join(lines)


def pointer_text(pointer: str) -> str:
    """`/components/schemas/X/properties/a` -> `components.schemas.X.properties.a`, as errors show a place."""
    return ".".join(token.replace("~1", "/").replace("~0", "~") for token in pointer.strip("/").split("/"))


def _inline_name(pointer: str) -> str:
    # /components/schemas/<Name>/properties/<key>/items/properties/<key2> -> <Name><Key>Item<Key2>Params
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in pointer.strip("/").split("/")[2:]]
    parts, at = [tokens[0]], 1
    while at < len(tokens):
        if tokens[at] == "properties":
            parts.append(pascal(tokens[at + 1]))
            at += 2
        elif tokens[at] == "items":
            parts.append("Item")
            at += 1
        else:  # anyOf/<i>, oneOf/<i>: the branch's number
            parts.append(f"Option{int(tokens[at + 1]) + 1}")
            at += 2
    return "".join(parts) + "Params"


def model_field_type(defs: dict[str, Any], component: str, field: str) -> str | None:
    """The type a generated model gives `component`'s `field` (None: no such property), as the models print it.

    datamodel-code-generator adds `| None` to a field the schema does not require; an object component is the
    model class of that name; an object written inline has a class whose name is not ours to know: Any.
    """
    node = defs.get(component, {})
    properties = node.get("properties", {}) if isinstance(node, dict) else {}
    if field not in properties:
        return None
    writer = TypeWriter(defs, lambda name: f"models.{name}", lambda node, hint: "Any")
    python = writer.type_of(properties[field], field)
    if field not in node.get("required", []) and python != "Any" and "None" not in python.split(" | "):
        python += " | None"
    return python
