"""Part of stage 2, check: `$ref` cycles, refused where the generator cannot follow them.

What breaks, and so what is refused (each at the `$ref` that closes the cycle):

- A cycle that never descends into a property or an item (`A: {allOf: [$ref: B]}`, `B: {$ref: A}`) describes no
  value at all: a validator would check the same value forever, and datamodel-code-generator stops with an
  error. Refused anywhere.
- A recursive data structure (`Node: {properties: {children: {items: {$ref: Node}}}}`) is fine in a response:
  pydantic models recurse. In a request body it is refused: the rule compiler writes each component's checks out
  in place, which never ends for a recursive one (and no vendor document has a recursive request).

Keywords are classed by what their subschemas apply to: the same value ("in place") or a part of it; a keyword
this module does not know is not followed, so an `enum` or `examples` value holding a "$ref" key is data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .diagnostics import SpecError
from .load import LoadedSpec, escape

REF_PREFIX = "#/components/schemas/"
_IN_PLACE = {"not": "one", "if": "one", "then": "one", "else": "one", "allOf": "list", "anyOf": "list",
             "oneOf": "list", "dependentSchemas": "map"}  # fmt: skip
_DESCENDING = {"items": "one", "additionalProperties": "one", "propertyNames": "one", "contains": "one",
               "unevaluatedItems": "one", "unevaluatedProperties": "one", "prefixItems": "list",
               "properties": "map", "patternProperties": "map"}  # fmt: skip
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True, slots=True)
class _Edge:
    """A `$ref` from one component to another, and whether it applies to the same value as its component."""

    source: str
    target: str
    pointer: str
    in_place: bool


def _subschemas(schema: dict[str, Any], pointer: str) -> Iterator[tuple[Any, str, bool]]:
    """(subschema, its pointer, whether it applies in place) for each subschema of one schema node."""
    for key, value in schema.items():
        kind = _IN_PLACE.get(key) or _DESCENDING.get(key)
        if kind is None:
            continue
        in_place = key in _IN_PLACE
        where = f"{pointer}/{escape(key)}"
        if kind == "one" or (kind == "list" and not isinstance(value, list)):
            items: list[tuple[Any, str]] = [(value, where)]
        elif kind == "list":
            items = [(child, f"{where}/{i}") for i, child in enumerate(value)]
        else:
            items = [(child, f"{where}/{escape(k)}") for k, child in value.items()] if isinstance(value, dict) else []
        if key == "items" and isinstance(value, list):  # the tuple form of older drafts
            items = [(child, f"{where}/{i}") for i, child in enumerate(value)]
        for child, child_pointer in items:
            yield child, child_pointer, in_place


def _edges(name: str, schema: Any, pointer: str) -> Iterator[_Edge]:
    pending = [(schema, pointer, True)]
    while pending:
        node, where, in_place = pending.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            yield _Edge(name, ref.removeprefix(REF_PREFIX), f"{where}/$ref", in_place)
        pending.extend((child, at, in_place and here) for child, at, here in _subschemas(node, where))


def _cycles(names: list[str], edges: list[_Edge]) -> list[list[str]]:
    """The strongly connected components that hold a cycle, each in `names` order (Tarjan's algorithm)."""
    graph: dict[str, list[str]] = {name: [] for name in names}
    for edge in edges:
        graph[edge.source].append(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for target in graph[name]:
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            members: list[str] = []
            while not members or members[-1] != name:
                members.append(stack.pop())
            if len(members) > 1 or name in graph[name]:
                found.append(sorted(members, key=names.index))

    for name in names:
        if name not in index:
            visit(name)
    return found


def _request_roots(paths: Any) -> set[str]:
    roots: set[str] = set()
    for item in paths.values() if isinstance(paths, dict) else ():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            body = op.get("requestBody") if isinstance(op, dict) else None
            content = body.get("content") if isinstance(body, dict) else None
            media = content.get("application/json") if isinstance(content, dict) else None
            schema = media.get("schema") if isinstance(media, dict) else None
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                roots.add(ref.removeprefix(REF_PREFIX))
    return roots


def _reachable(roots: set[str], edges: list[_Edge]) -> set[str]:
    seen = set(roots)
    pending = list(roots)
    while pending:
        source = pending.pop()
        for edge in edges:
            if edge.source == source and edge.target not in seen:
                seen.add(edge.target)
                pending.append(edge.target)
    return seen


def ref_cycles(spec: LoadedSpec) -> list[SpecError]:
    """An error for each `$ref` cycle the generator cannot follow (see the module docstring)."""
    doc = spec.document if isinstance(spec.document, dict) else {}
    components = doc.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return []
    names = list(schemas)
    edges = [
        edge
        for name, schema in schemas.items()
        for edge in _edges(name, schema, f"/components/schemas/{escape(name)}")
        if edge.target in schemas
    ]
    errors: list[SpecError] = []
    endless = _cycles(names, [edge for edge in edges if edge.in_place])
    for members in endless:
        edge = _closing_edge(members, [edge for edge in edges if edge.in_place], spec)
        errors.append(
            spec.error(
                edge.pointer,
                "ref-cycle",
                f"{_subject(members, 'refers to itself', 'refer to one another')} without descending into a "
                "property or an item: no value could ever be checked against it",
            )
        )
    requested = _reachable(_request_roots(doc.get("paths")), edges)
    refused = {name for members in endless for name in members}
    for members in _cycles(names, edges):
        if set(members) & requested and not set(members) <= refused:
            edge = _closing_edge(members, edges, spec)
            errors.append(
                spec.error(
                    edge.pointer,
                    "ref-cycle",
                    f"{_subject(members, 'is recursive', 'are recursive')} and a request body uses "
                    f"{'it' if len(members) == 1 else 'them'}: request schemas cannot be recursive (their rules are "
                    "compiled in place)",
                )
            )
    return errors


def _subject(members: list[str], one: str, several: str) -> str:
    """`A refers to itself`, or `A -> B -> A refer to one another`."""
    return f"{members[0]} {one}" if len(members) == 1 else f"{' -> '.join([*members, members[0]])} {several}"


def _closing_edge(members: list[str], edges: list[_Edge], spec: LoadedSpec) -> _Edge:
    """The cycle's `$ref` that comes first in the file: where the error points."""
    inside = [edge for edge in edges if edge.source in members and edge.target in members]
    return min(inside, key=lambda edge: (spec.mark(edge.pointer).line, spec.mark(edge.pointer).column))
