"""Part of stage 2, check: the JSON Schema a spec may write, read off the rules compiler's keyword table.

Which keywords exist and the shape of their values are declared once, in sunogen.rules.keywords; this module gives
the check and build stages what they ask of it: the walk to every subschema and `$ref`, and what a named rule is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .load import escape
from .rules.keywords import FORMATS, KEYWORDS
from .rules.values import REF_PREFIX, Problem, json_type

__all__ = [
    "REF_PREFIX",
    "REQUEST_FORMATS",
    "SCHEMA_EXTENSIONS",
    "SEVERITIES",
    "UNITS",
    "children",
    "json_type",
    "keyword_problems",
    "names_a_rule",
    "refs_in",
]

SCHEMA_EXTENSIONS = frozenset({"x-sunogen-unit", "x-sunogen-severity"})
SEVERITIES = ("error", "warning")
UNITS = frozenset({"unix-time"})
REQUEST_FORMATS = frozenset(FORMATS)
"""The formats a request schema may use: those the compiled validators test."""

_COMPONENT = re.compile(r"^/components/schemas/[^/]+$")


def keyword_problems(schema: dict[str, Any], key: str) -> Iterator[Problem]:
    """What is wrong with one keyword of a schema: an unknown keyword, a value of the wrong shape, a missing partner."""
    entry = KEYWORDS.get(key)
    if entry is None:
        yield "unsupported-keyword", f"{key!r} is not supported"
        return
    yield from entry.value.errors(schema[key])
    if entry.needs is not None and entry.needs not in schema:
        yield "ineffective-keyword", f"{key!r} does nothing without {entry.needs!r}"


def _subschemas(schema: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(keyword, step within its value, subschema) for every subschema of a node, as the table places them."""
    for key, value in schema.items():
        entry = KEYWORDS.get(key)
        if entry is not None:
            for step, child in entry.value.subschemas(value):
                yield key, step, child


def children(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every subschema of a schema node, with its pointer suffix (`properties/mode`)."""
    for key, step, child in _subschemas(schema):
        yield f"{escape(key)}{step}", child


def refs_in(schemas: Iterable[Any], *, in_place: bool = False) -> Iterator[str]:
    """The `$ref` of every node of some schemas, found by walking their subschemas (any JSON is walked safely).

    With `in_place`, only the subschemas that apply to the same value as their parent are walked (allOf, not...).
    """
    stack = list(schemas)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            stack.extend(child for key, _, child in _subschemas(node) if not in_place or KEYWORDS[key].in_place)


def ref_cycles(schemas: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """Each component that reaches itself through `$ref`s without descending into a member or an item, with the
    chain of components (a validator of it would never finish)."""
    graph = {
        name: sorted({r.removeprefix(REF_PREFIX) for r in refs_in([node], in_place=True)} & schemas.keys())
        for name, node in schemas.items()
    }
    for start in graph:
        paths = [[start, after] for after in graph[start]]
        seen: set[str] = set()
        while paths:
            path = paths.pop()
            if path[-1] == start:
                yield start, path
                break
            if path[-1] not in seen:
                seen.add(path[-1])
                paths.extend([*path, after] for after in graph[path[-1]])


def names_a_rule(node: Any, pointer: str) -> bool:
    """Whether a node of a request schema is a named rule: titled, and not a component's root (whose title names
    the model). Its title is the rule's id, its description the message its violations carry."""
    return isinstance(node, dict) and "title" in node and not _COMPONENT.match(pointer)


def request_components(schemas: dict[str, Any], roots: Iterable[Any]) -> set[str]:
    """The components the schemas `roots` reach through `$ref`s, directly or through other components."""
    found: set[str] = set()
    pending = list(refs_in(roots))
    while pending:
        name = pending.pop().removeprefix(REF_PREFIX)
        if name in found or name not in schemas:
            continue
        found.add(name)
        pending.extend(refs_in([schemas[name]]))
    return found
