"""Differential: hypothesis mutates each operation's documented examples; our validators and jsonschema must agree.

Every payload is judged twice, by `suno_clients.validate` and by the reference (jsonschema's Draft 2020-12
validator over the same spec, tests/reference.py), and the two verdicts must be the same. A rule the spec marks
as a warning never makes a payload invalid: jsonschema judges the spec with its warning rules removed, against
our `errors_only()`, and our warnings must be exactly the warning rules jsonschema finds broken, each judged
alone where its component applies.

Every spec in specs/ is exercised, and the mutations are read from it: which fields each object has, the enum and
const values of each field (rules included), every string length limit (rules included), formats. The seeds (the
documented examples, and a payload made from the schema when the document gives none) and the values a mutation
adds respect each field's own bounds (its enum, lengths, pattern, range) unless the mutation is about them, so a
new field, value or limit is exercised without touching this file.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import suno_clients
from suno_clients import Violation

from .conftest import examples
from .reference import FORMAT_CHECKER, reference
from .spec_files import VENDORS, spec_document

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
"""Every spec dropped into specs/ (the generated package must have it too: test_freshness sees to that)."""
PAYLOADS_PER_OPERATION: Final = examples(2000)
SETTINGS: Final = settings(
    max_examples=PAYLOADS_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


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


def _resolve(document: dict[str, Any], node: Any, *, into: list[str] | None = None) -> Any:
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
        schema = _resolve(document, schema)
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
        node = _resolve(document, node)
        for name, child in (node.get("properties") or {}).items():
            note(name, child)
        for child in _subschemas(node):
            walk(child, seen)

    def shape(node: Any, where: tuple[str, ...]) -> None:
        # the objects of the payload: the body and each nested object field (sunor's and crun's `input`)
        components: list[str] = []
        node = _resolve(document, node, into=components)
        properties = node.get("properties") or {}
        found.objects[where] = dict(properties)
        found.places[where] = tuple(components)
        for name, child in properties.items():
            if "properties" in _resolve(document, child):
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
    own = _resolve(document, schema)
    if not isinstance(own, dict):
        return None
    if "const" in own:
        return own["const"]
    if own.get("enum"):
        return own["enum"][0]
    for branch in (*own.get("anyOf", ()), *own.get("oneOf", ())):
        if _resolve(document, branch).get("type") != "null":
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
    own = _resolve(document, schema)
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


def _synthesised(document: dict[str, Any], found: _Gathered) -> dict[str, Any]:
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
                seeds = (*documented, _synthesised(document, gathered))
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


# -- the payloads ---------------------------------------------------------------------------------------------------

WRONG_TYPES: Final = st.sampled_from(
    ["true", "false", "30", "120.00", "", "null", True, False, None, 0, 1, 30, -1, 30.0, 1.5, 1e300,
     [], ["x"], [1, 2], {}, {"k": "v"}, {"prompt": "x"}]
)  # fmt: skip
"""Values of the wrong JSON type for most fields: strings for booleans and numbers, bools for numbers, null, ..."""

ODD_NAMES: Final = st.sampled_from(
    ["titel", "Title", "mode ", "callbackUrl", "", "prompt\n", "ínput", "$ref", "a.b", 'q"uote', "[0]", "input"]
) | st.text(max_size=6)
"""Field names a spec does not have (misspellings, odd characters), plus a few it might, at the wrong level."""

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

FILL: Final = st.sampled_from(["a", "é", "🎵", " ", "，", "\n"])
"""Characters to pad strings with: one, two, four UTF-8 bytes (lengths count code points), the full-width comma."""


def strings_at_limits(facts: Facts) -> st.SearchStrategy[str]:
    """A string at each of the field's length limits, one below and one past it (and short ones)."""
    lengths = sorted({n for limit in facts.lengths for n in (limit - 1, limit, limit + 1) if n >= 0} | {0, 1})
    return st.builds(
        lambda prefix, fill, n: (prefix + fill * n)[:n] if len(prefix) <= n else fill * n,
        st.text(max_size=3),
        FILL,
        st.sampled_from(lengths),
    )


def flipped(facts: Facts) -> st.SearchStrategy[Any]:
    """Another value of an enum, const or boolean field: a listed one, or one the spec does not allow."""
    listed = [*facts.values, *([True, False] if "boolean" in facts.types else [])]
    invalid = [*(f"{v}x" for v in listed if isinstance(v, str)), *(str(v).upper() for v in listed), "", "v9"]
    return st.sampled_from([*listed, *invalid]) if listed else WRONG_TYPES


def _objects_in(payload: Any, op: Operation) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    found = []
    for where in op.objects:
        node = payload
        for step in where:
            node = node.get(step) if isinstance(node, dict) else None
        if isinstance(node, dict):
            found.append((where, node))
    return found


@st.composite
def payloads(draw: st.DrawFn, op: Operation) -> Any:
    """A documented example after 0-4 mutations, each at the body or inside a nested object."""

    def fresh(strategy: st.SearchStrategy[Any]) -> Any:
        # sampled values are shared objects: a copy keeps later mutations from editing the pool itself
        return copy.deepcopy(draw(strategy))

    if draw(st.integers(0, 49)) == 0:
        return fresh(WRONG_TYPES | st.just([op.seeds[0]]))
    payload = copy.deepcopy(draw(st.sampled_from(op.seeds)))
    for _ in range(draw(st.integers(0, 4))):
        targets = _objects_in(payload, op)
        if not targets:
            break
        where, target = draw(st.sampled_from(targets))
        fields = op.objects[where]
        kind = draw(st.sampled_from(["drop", "add", "unknown", "flip", "limit", "wrong-type", "graft", "format"]))
        if kind == "drop":
            if target:
                del target[draw(st.sampled_from(sorted(target)))]
        elif kind == "unknown":
            target[draw(ODD_NAMES)] = fresh(st.text(max_size=5) | WRONG_TYPES)
        elif kind == "graft":
            # the same field as another example sends it: modes, models and task types mixed the documented way
            donors = [o for o in _objects_in(draw(st.sampled_from(op.seeds)), op) if o[0] == where and o[1]]
            if donors:
                name = draw(st.sampled_from(sorted(donors[0][1])))
                target[name] = copy.deepcopy(donors[0][1][name])
        else:
            name = draw(st.sampled_from(sorted(fields)))
            facts = op.facts[name]
            if (*where, name) in op.objects and kind != "wrong-type":
                continue  # a nested object is mutated from inside (or replaced by a wrong type)
            if kind == "add":
                target[name] = fresh(own_values(spec(op.vendor), fields[name], facts))
            elif kind == "flip":
                target[name] = fresh(flipped(facts))
            elif kind == "limit":
                target[name] = draw(strings_at_limits(facts))
            elif kind == "wrong-type":
                target[name] = fresh(WRONG_TYPES)
            elif kind == "format":
                formats = [FORMATS[f] for f in sorted(facts.formats) if f in FORMATS]
                target[name] = fresh(
                    st.one_of(formats) if formats else own_values(spec(op.vendor), fields[name], facts)
                )
    return payload


# -- judging ----------------------------------------------------------------------------------------------------

_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def path_steps(path: str) -> list[str | int]:
    """`$.input.prompt` -> ["input", "prompt"]; `$.ids[0]` -> ["ids", 0]; `$["odd key"]` -> ["odd key"]."""
    assert path.startswith("$"), path
    steps: list[str | int] = []
    at = 1
    while at < len(path):
        m = _STEP.match(path, at)
        assert m is not None, f"malformed path {path!r} at {at}"
        name, index, quoted = m.groups()
        steps.append(name if name is not None else int(index) if index is not None else json.loads(quoted))
        at = m.end()
    return steps


def points_into(payload: Any, v: Violation) -> bool:
    """Whether the violation's path leads to a value of the payload, or (for `required`) to a missing member."""
    node = payload
    steps = path_steps(v.path)
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if isinstance(step, int):
            if not (isinstance(node, list) and 0 <= step < len(node)):
                return False
        elif not isinstance(node, dict):
            return False
        elif step not in node:
            return last and v.keyword == "required"
        elif last and v.keyword == "required":
            return False  # reported missing, but it is there
        node = node[step]
    return True


# -- the tests ------------------------------------------------------------------------------------------------


def test_jsonschema_really_checks_the_formats() -> None:
    # Without rfc3986-validator and rfc3339-validator, jsonschema lets any string pass `format: uri`/`date-time`.
    uri, date_time = reference({"format": "uri"}), reference({"format": "date-time"})
    assert {"uri", "date-time"} <= set(FORMAT_CHECKER.checkers)
    assert uri.is_valid("https://example.com/my-audio.mp3")
    assert not uri.is_valid("not a uri")
    assert not uri.is_valid("example.com/my-audio.mp3")
    assert date_time.is_valid("2024-05-01T12:30:00Z")
    assert not date_time.is_valid("2023-02-29T00:00:00Z")


def test_every_request_body_of_every_spec_is_judged() -> None:
    assert VENDORS == suno_clients.VENDORS, "specs/ and generated/ disagree: run make generate"
    bodies = {f"{v}/{name}" for v in VENDORS for name in suno_clients.vendor_validators(v)}
    assert {op.id for op in OPERATIONS} == bodies


EXAMPLE_SPEC: Final = {
    "components": {
        "schemas": {
            "Body": {
                "type": "object",
                "required": ["mode"],
                "properties": {
                    "mode": {"$ref": "#/components/schemas/Mode"},
                    "prompt": {"type": "string", "maxLength": 10, "pattern": "^[a-z ]*$"},
                    "hook": {"anyOf": [{"const": ""}, {"type": "string", "format": "uri"}]},
                    "when": {"type": "string", "format": "date-time"},
                    "seconds": {"type": "number", "minimum": 40, "maximum": 50},
                    "input": {"type": "object", "properties": {"seed": {"type": "integer"}}},
                },
                "allOf": [
                    {
                        "title": "custom-needs-short-prompt",
                        "if": {"properties": {"mode": {"const": "custom"}}},
                        "then": {"properties": {"prompt": {"maxLength": 5}, "instrumental": {"const": True}}},
                    },
                    {
                        "title": "prompt-is-advice",
                        "x-sunogen-severity": "warning",
                        "not": {"title": "no-prompt-in-simple-mode", "required": ["prompt"]},
                    },
                ],
            },
            "Mode": {"type": "string", "enum": ["simple", "custom"]},
        }
    }
}
"""A request body with what the harness must read: limits and values in rules, a $ref enum, formats, a warning."""


def test_the_harness_reads_limits_values_formats_and_nested_objects_from_the_spec_rules_included() -> None:
    found = gather(EXAMPLE_SPEC, "#/components/schemas/Body")
    assert found.facts["prompt"].lengths == {10, 5}  # the own limit, and the rule's
    assert found.facts["prompt"].pattern == "^[a-z ]*$"
    assert set(found.facts["mode"].values) == {"simple", "custom"}  # through $ref Mode
    assert True in found.facts["instrumental"].values  # a const of the rules only
    assert found.facts["hook"].formats == {"uri"}  # inside anyOf
    assert found.facts["when"].formats == {"date-time"}
    assert set(found.objects) == {(), ("input",)}
    assert found.places[()] == ("Body",)
    assert [(w.component, w.title, sorted(w.ids)) for w in warning_rules(EXAMPLE_SPEC)] == [
        ("Body", "prompt-is-advice", ["no-prompt-in-simple-mode", "prompt-is-advice"])
    ]
    assert "prompt-is-advice" not in json.dumps(without_warnings(EXAMPLE_SPEC))


def test_a_synthesised_seed_keeps_to_each_fields_own_bounds() -> None:
    found = gather(EXAMPLE_SPEC, "#/components/schemas/Body")
    seed = _synthesised(EXAMPLE_SPEC, found)
    assert seed == {
        "mode": "simple",
        "prompt": "pop",  # the text cut to maxLength 10 does not match the pattern; a shorter candidate does
        "hook": "",
        "when": "2024-05-01T12:30:00Z",
        "seconds": 40,
        "input": {"seed": 30},
    }
    judge = reference({"$ref": "#/components/schemas/Body", **without_warnings(EXAMPLE_SPEC)})
    assert judge.is_valid(seed)


@settings(max_examples=examples(300), deadline=None)
@given(data=st.data())
def test_the_values_a_mutation_adds_keep_to_the_fields_own_bounds(data: st.DataObject) -> None:
    found = gather(EXAMPLE_SPEC, "#/components/schemas/Body")
    for name in ("prompt", "seconds", "when", "mode"):
        value = data.draw(own_values(EXAMPLE_SPEC, found.objects[()][name], found.facts[name]))
        own = _resolve(EXAMPLE_SPEC, found.objects[()][name])
        assert reference(own).is_valid(value) or own.get("format"), (name, value)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.id)
def test_our_validators_and_jsonschema_agree_on_every_mutated_payload(op: Operation) -> None:
    judge = error_judge(op.vendor, op.ref)
    judged: list[str] = []
    valid_count = 0

    @SETTINGS
    @given(payloads(op))
    def check(payload: Any) -> None:
        nonlocal valid_count
        judged.append(json.dumps(payload, sort_keys=True))
        ours = suno_clients.validate(op.vendor, op.name, payload)
        errors = suno_clients.errors_only(ours)
        theirs = [e.message for e in judge.iter_errors(payload)]
        assert (errors == []) == (theirs == []), f"ours: {[str(v) for v in errors]}; jsonschema: {theirs}"
        warned = {w.title for w in op.warnings if any(v.rule in w.ids for v in ours if v.severity == "warning")}
        assert warned == broken_warnings(op, payload), f"our warnings: {[str(v) for v in ours if v not in errors]}"
        for v in ours:
            assert points_into(payload, v), f"{v} does not point into {payload!r}"
        valid_count += not errors

    check()
    assert len(judged) >= PAYLOADS_PER_OPERATION
    # both verdicts are exercised: neither almost always valid nor almost always invalid
    assert 0.05 * len(judged) < valid_count < 0.95 * len(judged), (valid_count, len(judged))
    assert len(set(judged)) > 0.25 * len(judged)


def request_model(op: Operation) -> type[BaseModel]:
    model: type[BaseModel] = getattr(suno_clients.vendor_module(op.vendor), op.ref.rsplit("/", 1)[-1])
    return model


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.id)
def test_the_request_model_accepts_exactly_the_payloads_validate_accepts(op: Operation) -> None:
    model = request_model(op)

    @settings(SETTINGS, max_examples=examples(300))
    @given(payloads(op))
    def check(payload: Any) -> None:
        # warnings never make the model refuse a payload: it refuses exactly validate()'s errors
        violations = suno_clients.errors_only(suno_clients.validate(op.vendor, op.name, payload))
        rejected: list[str] | None = None
        try:
            model.model_validate(copy.deepcopy(payload))
        except ValidationError as error:
            rejected = [str(e["msg"]) for e in error.errors()]
        if rejected is None:
            assert violations == [], f"the model accepts, validate() rejects: {[str(v) for v in violations]}"
        else:
            assert violations, f"validate() accepts, the model rejects: {rejected}"
            assert rejected == [f"{v.message} [{v.rule or v.keyword}]" for v in violations]

    check()
