"""The differential test's reading of the specs: what each request body allows, and values that keep to its bounds.

For each operation of every spec: its body's facts (fields, enum and const values, string limits, formats; rules
included), the rules the spec marks as warnings and where they apply, a seed payload when the document gives none,
and the reference judges (jsonschema over the spec, with and without its warning rules). tests/test_differential.py
mutates the seeds and compares the verdicts.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from hypothesis import strategies as st

from .reference import reference
from .spec_files import VENDORS, spec_document

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# -- what the spec says about each request body --------------------------------------------------------------------


@cache
def spec(vendor: str) -> dict[str, Any]:
    """The parsed spec of one vendor."""
    return spec_document(vendor)


@dataclass
class Facts:
    """What the spec says about one field name of a request body, gathered from its schema and from the rules."""

    types: set[str] = field(default_factory=set)
    values: list[Any] = field(default_factory=list)  # enum and const values
    lengths: set[int] = field(default_factory=set)  # minLength and maxLength limits
    formats: set[str] = field(default_factory=set)
    pattern: str | None = None


@dataclass(frozen=True)
class WarningRule:
    """A rule the spec marks as a warning: an entry of a request component's own allOf."""

    component: str
    title: str
    schema: dict[str, Any]
    ids: frozenset[str]  # its title and those of the rules inside it: what our warnings name


@dataclass(frozen=True)
class Operation:
    """One request body: its schema, the documented examples, and the facts mutations are drawn from."""

    vendor: str
    name: str
    ref: str
    seeds: tuple[Any, ...]
    objects: dict[tuple[str, ...], dict[str, Any]]  # where an object lives in the payload -> its fields' own schemas
    places: dict[tuple[str, ...], tuple[str, ...]]  # where an object lives -> the components that apply there
    facts: dict[str, Facts]
    warnings: tuple[WarningRule, ...]

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.name}"


def resolve(document: dict[str, Any], node: Any, *, into: list[str] | None = None) -> Any:
    """A schema with its `$ref` chain merged in (`into` collects the components it passes)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        name = node["$ref"].rsplit("/", 1)[-1]
        if into is not None:
            into.append(name)
        target = document["components"]["schemas"][name]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _subschemas(node: dict[str, Any]) -> Iterator[Any]:
    for key in ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains"):
        if isinstance(node.get(key), dict):
            yield node[key]
    for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
        yield from node.get(key, ())
    for key in ("properties", "patternProperties", "dependentSchemas"):
        yield from (node.get(key) or {}).values()


@dataclass
class _Gathered:
    objects: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    places: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    facts: dict[str, Facts] = field(default_factory=dict)


def gather(document: dict[str, Any], ref: str) -> _Gathered:
    """What a request body's schema says: its objects and their fields, the components at each, per-field facts."""
    found = _Gathered()

    def note(name: str, schema: Any) -> None:
        schema = resolve(document, schema)
        if not isinstance(schema, dict):
            return
        f = found.facts.setdefault(name, Facts())
        kinds = schema.get("type", [])
        f.types.update([kinds] if isinstance(kinds, str) else kinds)
        values = [*schema.get("enum", ()), *([schema["const"]] if "const" in schema else [])]
        f.values.extend(v for v in values if v not in f.values)
        f.lengths.update(schema[k] for k in ("minLength", "maxLength") if k in schema)
        f.formats.update([schema["format"]] if "format" in schema else [])
        f.pattern = f.pattern or schema.get("pattern")
        for branch in (*schema.get("anyOf", ()), *schema.get("oneOf", ())):
            note(name, branch)

    def walk(node: Any, seen: frozenset[str]) -> None:
        # every `properties` anywhere (shape or rule) says something about its field names
        if not isinstance(node, dict):
            return
        if isinstance(ref := node.get("$ref"), str):
            if ref in seen:
                return
            seen = seen | {ref}
        node = resolve(document, node)
        for name, child in (node.get("properties") or {}).items():
            note(name, child)
        for child in _subschemas(node):
            walk(child, seen)

    def shape(node: Any, where: tuple[str, ...]) -> None:
        # the objects of the payload: the body and each nested object field (sunor's and crun's `input`)
        components: list[str] = []
        node = resolve(document, node, into=components)
        properties = node.get("properties") or {}
        found.objects[where] = dict(properties)
        found.places[where] = tuple(components)
        for name, child in properties.items():
            if "properties" in resolve(document, child):
                shape(child, (*where, name))

    walk({"$ref": ref}, frozenset())
    shape({"$ref": ref}, ())
    return found


def _rule_ids(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            yield node["title"]
        for child in _subschemas(node):
            yield from _rule_ids(child)


def warning_rules(document: dict[str, Any]) -> tuple[WarningRule, ...]:
    """Every rule the spec marks `x-sunogen-severity: warning` (an entry of a component's own allOf)."""
    return tuple(
        WarningRule(name, entry["title"], entry, frozenset(_rule_ids(entry)))
        for name, component in document["components"]["schemas"].items()
        for entry in component.get("allOf", ())
        if entry.get("x-sunogen-severity") == "warning"
    )


def without_warnings(document: dict[str, Any]) -> dict[str, Any]:
    """The spec with its warning rules taken out: what decides whether a payload is valid."""
    copied = copy.deepcopy(document)
    for component in copied["components"]["schemas"].values():
        if "allOf" in component:
            component["allOf"] = [e for e in component["allOf"] if e.get("x-sunogen-severity") != "warning"]
            if not component["allOf"]:
                del component["allOf"]
    return copied


# -- values that keep to a field's own bounds --------------------------------------------------------------------

URIS: Final = st.sampled_from(
    ["https://example.com/my-audio.mp3", "https://your-domain.com/api/callback", "http://[::1]:8080/x?y#z",
     "mailto:a@b.c", "urn:isbn:0451450523", "example.com/x", "/relative/path", "not a uri", "http://exa mple.com",
     "https://example.com/%zz", "http://[v1.x]/", "HTTP://EXAMPLE.COM", "1http://x", "h+t-t.p://x", "https:",
     "https://user@host:99999/p", "https://é.example/", ""]
) | st.builds(
    str.__add__,
    st.sampled_from(["https://", "http:", "urn:", "", "x:", "HT-TP://", "1a:", "s3://"]),
    st.text(alphabet="ab09:/?#[]@!$&'()*+,;=%-._~ é|\\{}^`\"<>AZ\n", max_size=16),
)  # fmt: skip
"""Absolute URIs, almost-URIs and random strings in URI syntax: `format: uri` is checked on both sides."""

DATE_TIMES: Final = st.sampled_from(
    ["2024-05-01T12:30:00Z", "2024-05-01T12:30:00.25+02:00", "2024-02-29T23:59:59-05:00", "2023-02-29T00:00:00Z",
     "2024-05-01t12:30:00z", "2024-05-01 12:30:00Z", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z",
     "0000-01-01T00:00:00Z", "2024-05-01T12:30:00Z\n", ""]
) | st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).map(lambda d: d.isoformat())  # fmt: skip
"""RFC 3339 date-times, near misses, and random ones: `format: date-time` is checked on both sides."""

FORMATS: Final[dict[str, st.SearchStrategy[str]]] = {"uri": URIS, "date-time": DATE_TIMES}

TEXT: Final = "A love song about the ocean at sunset"
FORMAT_EXAMPLES: Final = {"uri": "https://example.com/hook", "date-time": "2024-05-01T12:30:00Z"}


def _range(own: dict[str, Any]) -> tuple[float | None, float | None]:
    low, high = own.get("minimum"), own.get("maximum")
    if "exclusiveMinimum" in own:
        low = own["exclusiveMinimum"] + 1
    if "exclusiveMaximum" in own:
        high = own["exclusiveMaximum"] - 1
    return low, high


def _own_types(own: dict[str, Any], facts: Facts) -> set[str]:
    kinds = own.get("type") or sorted(facts.types)
    return {kinds} if isinstance(kinds, str) else set(kinds)


def own_value(document: dict[str, Any], schema: Any, facts: Facts) -> Any:
    """One value a field's own schema accepts (its first enum value, a text cut to its length...): for a seed."""
    own = resolve(document, schema)
    if not isinstance(own, dict):
        return None
    if "const" in own:
        return own["const"]
    if own.get("enum"):
        return own["enum"][0]
    for branch in (*own.get("anyOf", ()), *own.get("oneOf", ())):
        if resolve(document, branch).get("type") != "null":
            return own_value(document, branch, facts)
    types = _own_types(own, facts)
    if "string" in types or not types:
        if own.get("format") in FORMAT_EXAMPLES:
            return FORMAT_EXAMPLES[own["format"]]
        text = TEXT[: own.get("maxLength", len(TEXT))].ljust(own.get("minLength", 0), "a")
        candidates = [text, "pop", "a", "1", ""]
        pattern = own.get("pattern")
        return next((c for c in candidates if pattern is None or re.search(pattern, c)), text)
    if types & {"number", "integer"}:
        low, high = _range(own)
        value = max(low, 30) if low is not None else 30
        value = min(high, value) if high is not None else value
        return int(value) if "integer" in types else value
    if "boolean" in types:
        return False
    if "array" in types:
        item = own_value(document, own.get("items", {"type": "string"}), Facts())
        return [item] * max(1, own.get("minItems", 1))
    return None


def own_values(document: dict[str, Any], schema: Any, facts: Facts) -> st.SearchStrategy[Any]:
    """Values a field's own schema accepts, mostly: what a caller who read the document might send."""
    own = resolve(document, schema)
    if not isinstance(own, dict):
        return st.none()
    if "const" in own or own.get("enum"):
        return st.sampled_from([own["const"]] if "const" in own else own["enum"])
    branches = [b for b in (*own.get("anyOf", ()), *own.get("oneOf", ())) if isinstance(b, dict)]
    if branches:
        return st.one_of([own_values(document, b, facts) for b in branches])
    types = _own_types(own, facts)
    options: list[st.SearchStrategy[Any]] = []
    if "boolean" in types:
        options.append(st.booleans())
    if types & {"number", "integer"}:
        low, high = _range(own)
        options.append(st.integers(None if low is None else math.ceil(low), None if high is None else math.floor(high)))
        if "number" in types:
            options.append(st.floats(low, high, allow_nan=False, allow_infinity=False))
    if "array" in types:
        items = own_values(document, own.get("items", {"type": "string"}), Facts())
        options.append(st.lists(items, min_size=own.get("minItems", 0), max_size=own.get("maxItems", 3)))
    if "null" in types:
        options.append(st.none())
    if "string" in types or not options:
        low_length, high_length = own.get("minLength", 0), own.get("maxLength", 12)
        text = st.text(min_size=low_length, max_size=min(high_length, low_length + 12))
        if own.get("format") in FORMAT_EXAMPLES:
            text = FORMATS[own["format"]]
        elif "pattern" in own:
            text = st.from_regex(str(own["pattern"]), fullmatch=True).filter(
                lambda t: low_length <= len(t) <= high_length
            )
        options.append(text)
    return st.one_of(options)


def synthesised(document: dict[str, Any], found: _Gathered) -> dict[str, Any]:
    """For an operation the document gives no example of: every field at once, each with a value it accepts."""

    def value(name: str, where: tuple[str, ...]) -> Any:
        if (*where, name) in found.objects:
            return {n: value(n, (*where, name)) for n in found.objects[(*where, name)]}
        return own_value(document, found.objects[where][name], found.facts[name])

    return {name: value(name, ()) for name in found.objects[()]}


def operations() -> list[Operation]:
    found = []
    for vendor in VENDORS:
        document = spec(vendor)
        for item in document["paths"].values():
            for method, op in item.items():
                media = (
                    op.get("requestBody", {}).get("content", {}).get("application/json")
                    if method in HTTP_METHODS
                    else None
                )
                if not media:
                    continue
                ref = media["schema"]["$ref"]
                gathered = gather(document, ref)
                documented = tuple(e["value"] for e in (media.get("examples") or {}).values())
                seeds = (*documented, synthesised(document, gathered))
                warnings = warning_rules(document)
                found.append(
                    Operation(
                        vendor,
                        op["operationId"],
                        ref,
                        seeds,
                        gathered.objects,
                        gathered.places,
                        gathered.facts,
                        warnings,
                    )
                )
    return found


OPERATIONS: Final = operations()


@cache
def error_judge(vendor: str, ref: str) -> Any:
    """The reference over the spec without its warning rules: what makes a payload invalid."""
    return reference({"$ref": ref, "components": without_warnings(spec(vendor))["components"]})


@cache
def warning_judge(vendor: str, component: str, title: str) -> Any:
    """The reference over one warning rule alone (the components beside it, for its `$ref`s)."""
    (rule,) = [w for w in warning_rules(spec(vendor)) if (w.component, w.title) == (component, title)]
    return reference({"allOf": [rule.schema], "components": spec(vendor)["components"]})


def broken_warnings(op: Operation, payload: Any) -> set[str]:
    """The warning rules jsonschema finds broken, each judged where its component applies in the payload."""
    broken = set()
    for where, components in op.places.items():
        node = payload
        for step in where:
            node = node.get(step) if isinstance(node, dict) else None
        for component in components:
            own_type = spec(op.vendor)["components"]["schemas"][component].get("type")
            # our validator reports only the type of a value of the wrong type, not the rules under it
            if node is None or (own_type is not None and not reference({"type": own_type}).is_valid(node)):
                continue
            for rule in op.warnings:
                if rule.component == component and not warning_judge(op.vendor, component, rule.title).is_valid(node):
                    broken.add(rule.title)
    return broken
