"""Part of stage 2, check: the JSON Schema subset a spec may use, and the shape each keyword's value must have."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .load import escape

SCHEMA_KEYWORDS = frozenset(
    {
        "type", "enum", "const", "properties", "required", "additionalProperties", "propertyNames",
        "dependentRequired", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "items", "minItems", "maxItems", "allOf", "anyOf", "oneOf",
        "not", "if", "then", "else", "$ref", "title", "description", "default", "examples", "$comment",
        "deprecated",
    }
)  # fmt: skip
SCHEMA_EXTENSIONS = frozenset({"x-sunogen-unit", "x-sunogen-severity"})
SEVERITIES = ("error", "warning")
UNITS = frozenset({"unix-time"})
JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})


def json_type(value: Any) -> str:
    names = {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def children(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key in ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else"):
        if key in schema and not (key == "additionalProperties" and isinstance(schema[key], bool)):
            yield key, schema[key]
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            for i, child in enumerate(schema[key]):
                yield f"{key}/{i}", child
    if isinstance(schema.get("properties"), dict):
        for name, child in schema["properties"].items():
            yield f"properties/{escape(name)}", child


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _count(v: Any) -> Iterator[tuple[str, str]]:
    if not (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
        yield "wrong-type", f"expected a non-negative integer, got {v!r}"


def _number(v: Any) -> Iterator[tuple[str, str]]:
    if not _is_number(v):
        yield "wrong-type", f"expected a number, got {v!r}"


def _type(v: Any) -> Iterator[tuple[str, str]]:
    names = v if isinstance(v, list) else [v]
    for name in names:
        if name not in JSON_TYPES:
            yield "bad-type", f"{name!r} is not a JSON type ({', '.join(sorted(JSON_TYPES))})"


def _names(v: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(v, list) or not all(isinstance(n, str) for n in v) or len(set(v)) != len(v):
        yield "wrong-type", "expected a list of distinct field names"


def _enum(v: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(v, list) or not v:
        yield "wrong-type", "enum must be a non-empty list"


def _schemas(v: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(v, list) or not v:
        yield "wrong-type", "expected a non-empty list of schemas"


def _properties(v: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(v, dict):
        yield "wrong-type", "properties must be a mapping"


def _dependent(v: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(v, dict) or not all(
        isinstance(d, list) and all(isinstance(n, str) for n in d) for d in v.values()
    ):
        yield "wrong-type", "dependentRequired maps a field to a list of field names"


def _pattern(v: Any) -> Iterator[tuple[str, str]]:
    try:
        re.compile(v)
    except (re.error, TypeError) as exc:
        yield "bad-pattern", f"{v!r} is not a regular expression: {exc}"


def _text(v: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(v, str):
        yield "wrong-type", f"expected a string, got {v!r}"


KEYWORD_CHECKS: dict[str, Callable[[Any], Iterator[tuple[str, str]]]] = {
    "type": _type,
    "enum": _enum,
    "required": _names,
    "properties": _properties,
    "dependentRequired": _dependent,
    "minLength": _count,
    "maxLength": _count,
    "minItems": _count,
    "maxItems": _count,
    "minimum": _number,
    "maximum": _number,
    "exclusiveMinimum": _number,
    "exclusiveMaximum": _number,
    "pattern": _pattern,
    "allOf": _schemas,
    "anyOf": _schemas,
    "oneOf": _schemas,
    "description": _text,
    "$comment": _text,
}
