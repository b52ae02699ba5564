"""Reading a request schema for the song mapping: what sits at a body path, what it accepts, what limits apply.

Plain functions over the spec's JSON Schema dictionaries (components resolved by `$ref`), for the check stage (is
a mapping's target a field, of a type the Song field fits, and is each constant one it accepts?) and for the build
stage (the limits a mode's body meets, per model, for the capability matrix). Conditions are judged on concrete
bodies in three values: True, False, or None when a keyword outside the few a condition needs makes it undecided.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .runtime.missing import MISSING
from .runtime.violations import json_type

REF_PREFIX = "#/components/schemas/"
Schemas = Mapping[str, Any]
Path = tuple[str, ...]


def resolve(schemas: Schemas, node: Any) -> Any:
    """The node a `$ref` chain ends at (the node itself when it has none); None for a broken reference."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        name = node["$ref"].removeprefix(REF_PREFIX)
        if name in seen or name not in schemas:
            return None
        seen.add(name)
        node = schemas[name]
    return node


def at_path(schemas: Schemas, root: Any, path: Path) -> Any:
    """The schema of the body member at `path`, through `properties` (and `$ref`s); None if no property is there."""
    node = resolve(schemas, root)
    for segment in path:
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(properties, dict) or segment not in properties:
            return None
        node = resolve(schemas, properties[segment])
    return node


def _type_fits(value_type: str, types: set[str]) -> bool:
    return value_type in types or (value_type == "integer" and "number" in types)


def accepted_types(schemas: Schemas, node: Any) -> set[str] | None:
    """The JSON types a schema lets through by its shape (type, const, enum, anyOf/oneOf); None: any type."""
    node = resolve(schemas, node)
    if not isinstance(node, dict):
        return None
    if "const" in node:
        return {json_type(node["const"])}
    if "enum" in node and isinstance(node["enum"], list):
        return {json_type(v) for v in node["enum"]}
    found: set[str] | None = None
    if "type" in node:
        found = {node["type"]} if isinstance(node["type"], str) else set(node["type"])
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            branches = [accepted_types(schemas, branch) for branch in node[key]]
            union = None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
            found = union if found is None else (found if union is None else found & union)
    if found is not None and "integer" in found:
        found.add("integer")
    return found


def fixed_values(schemas: Schemas, node: Any) -> bool:
    """Whether a schema takes only listed values (a const or an enum, here or in every anyOf/oneOf branch)."""
    node = resolve(schemas, node)
    if not isinstance(node, dict):
        return False
    if "const" in node or "enum" in node:
        return True
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list) and node[key]:
            return all(fixed_values(schemas, branch) for branch in node[key])
    return False


def fits(value_type: str, schemas: Schemas, node: Any) -> bool:
    """Whether a value of a JSON type can pass the schema's shape."""
    types = accepted_types(schemas, node)
    return types is None or _type_fits(value_type, types)


def accepts(schemas: Schemas, node: Any, value: Any) -> bool:
    """Whether the schema's shape takes a scalar value: type, const, enum, string lengths, and anyOf/oneOf branches.

    Rules (allOf, if/then) are left to the validator, which judges whole bodies; this judges a value on its own.
    """
    return holds(schemas, _shape(schemas, node), value) is not False


def _shape(schemas: Schemas, node: Any) -> Any:
    node = resolve(schemas, node)
    if not isinstance(node, dict):
        return node
    return {key: item for key, item in node.items() if key not in ("allOf", "if", "then", "else", "not")}


def holds(schemas: Schemas, node: Any, instance: Any) -> bool | None:
    """Whether `instance` is valid against `node`, by the keywords conditions use; None when one cannot tell.

    Rules that are advice (`x-sunogen-severity: warning`) refuse nothing, so they are not judged.
    """
    node = resolve(schemas, node)
    if node is True or node is None:
        return True
    if node is False:
        return False
    if not isinstance(node, dict):
        return None
    verdicts = [check(schemas, node, instance) for check in _CHECKS if check is not None]
    if any(v is False for v in verdicts):
        return False
    return None if any(v is None for v in verdicts) else True


def _known(node: Mapping[str, Any]) -> bool | None:
    unknown = {key for key in node if not key.startswith("x-")} - _KEYWORDS
    return None if unknown else True


def _type(schemas: Schemas, node: Mapping[str, Any], instance: Any) -> bool | None:
    if "type" not in node:
        return True
    types = {node["type"]} if isinstance(node["type"], str) else set(node["type"])
    kind = json_type(instance)
    if kind == "number" and isinstance(instance, float) and instance.is_integer():
        kind = "integer"
    return _type_fits(kind, types)


def _values(schemas: Schemas, node: Mapping[str, Any], instance: Any) -> bool | None:
    if "const" in node and not _equal(node["const"], instance):
        return False
    return "enum" not in node or any(_equal(v, instance) for v in node["enum"])


def _lengths(schemas: Schemas, node: Mapping[str, Any], instance: Any) -> bool | None:
    if not isinstance(instance, str):
        return True
    if "minLength" in node and len(instance) < node["minLength"]:
        return False
    if "maxLength" in node and len(instance) > node["maxLength"]:
        return False
    if "pattern" in node:
        return re.search(node["pattern"], instance) is not None
    return True


def _object(schemas: Schemas, node: Mapping[str, Any], instance: Any) -> bool | None:
    if not isinstance(instance, dict):
        return True
    if any(name not in instance for name in node.get("required", ())):
        return False
    verdicts = [
        holds(schemas, sub, instance[name]) for name, sub in node.get("properties", {}).items() if name in instance
    ]
    if "propertyNames" in node:
        verdicts += [holds(schemas, node["propertyNames"], name) for name in instance]
    for name, needed in node.get("dependentRequired", {}).items():
        if name in instance and any(other not in instance for other in needed):
            return False
    return _all(verdicts)


def advice(node: Any) -> bool:
    """Whether an allOf entry is a warning: the document's advice, which refuses nothing."""
    return isinstance(node, dict) and node.get("x-sunogen-severity") == "warning"


def _applicators(schemas: Schemas, node: Mapping[str, Any], instance: Any) -> bool | None:
    verdicts = [holds(schemas, sub, instance) for sub in node.get("allOf", ()) if not advice(sub)]
    if "anyOf" in node:
        verdicts.append(_any([holds(schemas, sub, instance) for sub in node["anyOf"]]))
    if "oneOf" in node:
        found = [holds(schemas, sub, instance) for sub in node["oneOf"]]
        verdicts.append(None if None in found else found.count(True) == 1)
    if "not" in node:
        inner = holds(schemas, node["not"], instance)
        verdicts.append(None if inner is None else not inner)
    if "if" in node:
        condition = holds(schemas, node["if"], instance)
        branch = node.get("then" if condition else "else", True)
        verdicts.append(None if condition is None else holds(schemas, branch, instance))
    return _all(verdicts)


def _all(verdicts: list[bool | None]) -> bool | None:
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _any(verdicts: list[bool | None]) -> bool | None:
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b) and (isinstance(a, int | float) == isinstance(b, int | float))


_KEYWORDS = frozenset(
    {"type", "const", "enum", "minLength", "maxLength", "pattern", "required", "properties", "propertyNames",
     "dependentRequired", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "additionalProperties",
     "title", "description", "$comment", "default", "examples", "deprecated", "format", "items", "minItems",
     "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
)  # fmt: skip
# what holds() judges; any other keyword leaves a verdict undecided (format, numbers and arrays never decide a
# mapping's condition, so they are read as passing)
_CHECKS = (
    lambda schemas, node, instance: _known(node),
    _type,
    _values,
    _lengths,
    _object,
    _applicators,
)


def max_length(schemas: Schemas, root: Any, body: Any, path: Path) -> tuple[int, str | None] | None:
    """The lowest maxLength that applies to the body member at `path` given the rest of `body`, and the titled
    rule that sets it (None: the field's own maxLength); None when no maxLength applies.

    A rule's `if` is judged on `body`; an undecided one is left out (a limit that may not apply is no limit).
    """
    found: list[tuple[int, str | None]] = []

    def walk(node: Any, instance: Any, rest: Path, rule: str | None) -> None:
        node = resolve(schemas, node)
        if not isinstance(node, dict):
            return
        if not rest and isinstance(node.get("maxLength"), int):
            found.append((node["maxLength"], rule))
        if rest and rest[0] in node.get("properties", {}):
            child = instance.get(rest[0], MISSING) if isinstance(instance, dict) else MISSING
            walk(node["properties"][rest[0]], child, rest[1:], rule)
        for entry in node.get("allOf", ()):
            if advice(entry):
                continue
            title = entry.get("title") if isinstance(entry, dict) else None
            walk(entry, instance, rest, title if isinstance(title, str) else rule)
        if "if" in node and instance is not MISSING:
            condition = holds(schemas, node["if"], instance)
            if condition is not None and ("then" if condition else "else") in node:
                walk(node["then" if condition else "else"], instance, rest, rule)

    walk(root, body, path, None)
    return min(found, key=lambda item: item[0]) if found else None
