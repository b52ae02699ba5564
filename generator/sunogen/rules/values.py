"""The kinds of value a JSON Schema keyword takes: how a spec's value must look, and what it becomes in the IR.

Each keyword of the table (keywords.py) names one kind. The check stage asks a kind what is wrong with a value
(`errors`) and which subschemas it holds (`subschemas`, for walking); the build stage asks it for the IR value
(`read`). A kind that is not `stored` is an annotation: checked, never compiled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sunogen import ir
from sunogen.load import escape

REF_PREFIX = "#/components/schemas/"
JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})

Problem = tuple[str, str]
"""(error code, message) about one keyword's value."""

ReadChild = Callable[[Any, str], ir.Schema]
"""Builds the IR of a subschema from its spec value and its pointer suffix (`properties/mode`)."""


def json_type(value: Any) -> str:
    """The type of a spec value, as an error message names it."""
    names = {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def freeze(value: Any) -> ir.JsonValue:
    """A JSON value with lists as tuples and objects as `Frozen`, so the IR stays immutable."""
    if isinstance(value, dict):
        return ir.Frozen(tuple((k, freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value  # type: ignore[no-any-return]


def thaw(value: ir.JsonValue) -> Any:
    """The inverse of `freeze`: plain dicts and lists again."""
    if isinstance(value, ir.Frozen):
        return {k: thaw(v) for k, v in value.items}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


class Value:
    """A kind of keyword value; the default is any JSON value, kept as it is."""

    stored = True

    def errors(self, value: Any) -> Iterator[Problem]:
        return iter(())

    def subschemas(self, value: Any) -> Iterator[tuple[str, Any]]:
        """The subschemas inside a (checked) value, each with its pointer suffix relative to the keyword."""
        return iter(())

    def read(self, value: Any, child: ReadChild) -> ir.KeywordValue:
        return freeze(value)


class Annotation(Value):
    """Documentation only (title, default, examples...): any value, never compiled."""

    stored = False


class Text(Annotation):
    """An annotation that must be a string (description, $comment)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, str):
            yield "wrong-type", f"expected a string, got {value!r}"


class Count(Value):
    """A non-negative integer (minLength, maxItems...)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            yield "wrong-type", f"expected a non-negative integer, got {value!r}"


class Number(Value):
    """A number (minimum, maximum...); with `positive`, greater than 0 (multipleOf)."""

    def __init__(self, *, positive: bool = False) -> None:
        self.positive = positive

    def errors(self, value: Any) -> Iterator[Problem]:
        if not _is_number(value):
            yield "wrong-type", f"expected a number, got {value!r}"
        elif self.positive and not value > 0:
            yield "wrong-type", f"expected a number greater than 0, got {value!r}"


class Flag(Value):
    """true or false (uniqueItems)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, bool):
            yield "wrong-type", f"expected true or false, got {value!r}"


class Values(Value):
    """A non-empty list of JSON values (enum)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, list) or not value:
            yield "wrong-type", "enum must be a non-empty list"


class Types(Value):
    """One JSON type name or a list of them (type); kept as a tuple of names."""

    def errors(self, value: Any) -> Iterator[Problem]:
        names = value if isinstance(value, list) else [value]
        for name in names:
            if name not in JSON_TYPES:
                yield "bad-type", f"{name!r} is not a JSON type ({', '.join(sorted(JSON_TYPES))})"

    def read(self, value: Any, child: ReadChild) -> ir.KeywordValue:
        return (value,) if isinstance(value, str) else tuple(value)


class Names(Value):
    """A list of distinct member names (required)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value) or len(set(value)) != len(value):
            yield "wrong-type", "expected a list of distinct field names"


class NameLists(Value):
    """A mapping of member names to lists of member names (dependentRequired)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, dict) or not all(
            isinstance(d, list) and all(isinstance(n, str) for n in d) for d in value.values()
        ):
            yield "wrong-type", "dependentRequired maps a field to a list of field names"


def _regex_errors(value: Any) -> Iterator[Problem]:
    try:
        re.compile(value)
    except (re.error, TypeError) as exc:
        yield "bad-pattern", f"{value!r} is not a regular expression: {exc}"


class Regex(Value):
    """A regular expression (pattern)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        return _regex_errors(value)


class Choice(Value):
    """One of a few strings (contentMediaType: application/json)."""

    def __init__(self, *choices: str, code: str) -> None:
        self.choices = choices
        self.code = code

    def errors(self, value: Any) -> Iterator[Problem]:
        if value not in self.choices:
            yield self.code, f"{value!r} is not supported; use {' or '.join(self.choices)}"


class Format(Value):
    """A format name. Which names a request may use (the ones compiled) is the check stage's to say."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, str):
            yield "wrong-type", f"expected a format name, got {value!r}"


class Ref(Value):
    """A reference to a component (`#/components/schemas/<Name>`); kept as the component's name."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, str) or not value.startswith(REF_PREFIX):
            yield "bad-ref", f"a $ref must point into {REF_PREFIX!r}, got {value!r}"

    def read(self, value: Any, child: ReadChild) -> ir.KeywordValue:
        return str(value).removeprefix(REF_PREFIX)


class Subschema(Value):
    """One schema (not, items, if...); whether it is one is checked where the walk reaches it."""

    def subschemas(self, value: Any) -> Iterator[tuple[str, Any]]:
        yield "", value

    def read(self, value: Any, child: ReadChild) -> ir.KeywordValue:
        return child(value, "")


class Subschemas(Value):
    """A non-empty list of schemas (allOf, prefixItems...)."""

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, list) or not value:
            yield "wrong-type", "expected a non-empty list of schemas"

    def subschemas(self, value: Any) -> Iterator[tuple[str, Any]]:
        for i, item in enumerate(value if isinstance(value, list) else ()):
            yield f"/{i}", item

    def read(self, value: Any, child: ReadChild) -> ir.KeywordValue:
        return tuple(child(item, f"/{i}") for i, item in enumerate(value))


class NamedSubschemas(Value):
    """A mapping of names to schemas (properties, dependentSchemas); with `patterns`, the names are regexes."""

    def __init__(self, *, patterns: bool = False) -> None:
        self.patterns = patterns

    def errors(self, value: Any) -> Iterator[Problem]:
        if not isinstance(value, dict):
            yield "wrong-type", "expected a mapping of names to schemas"
        elif self.patterns:
            for name in value:
                yield from _regex_errors(name)

    def subschemas(self, value: Any) -> Iterator[tuple[str, Any]]:
        for name, item in (value if isinstance(value, dict) else {}).items():
            yield f"/{escape(name)}", item

    def read(self, value: Any, child: ReadChild) -> ir.KeywordValue:
        return tuple((name, child(item, f"/{escape(name)}")) for name, item in value.items())
