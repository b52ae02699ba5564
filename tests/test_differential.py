"""Differential: hypothesis mutates each operation's documented examples; our validators and jsonschema must agree.

Every payload is judged twice, by `suno_clients.validate` and by jsonschema's Draft 2020-12 validator over the same
spec (format checking on), and the two verdicts must be the same. The mutations are read from the spec: which
fields each object has, the enum and const values of each field (rules included), and every string length limit
(rules included), so a new field, value or limit is exercised without touching this file.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

import suno_clients
from suno_clients import Violation

from .conftest import SPECS

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
PAYLOADS_PER_OPERATION: Final = 2000
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
    loaded: dict[str, Any] = yaml.safe_load((SPECS / f"{vendor}.yaml").read_text(encoding="utf-8"))
    return loaded


@dataclass
class Facts:
    """What the spec says about one field name of a request body, gathered from its schema and from the rules."""

    types: set[str] = field(default_factory=set)
    values: list[Any] = field(default_factory=list)  # enum and const values
    lengths: set[int] = field(default_factory=set)  # minLength and maxLength limits
    uri: bool = False
    pattern: str | None = None


@dataclass(frozen=True)
class Operation:
    """One request body: its schema, the documented examples, and the facts mutations are drawn from."""

    vendor: str
    name: str
    ref: str
    seeds: tuple[Any, ...]
    objects: dict[tuple[str, ...], tuple[str, ...]]  # where an object lives in the payload -> its field names
    facts: dict[str, Facts]

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.name}"


def _resolve(vendor: str, node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target = spec(vendor)["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _subschemas(node: dict[str, Any]) -> Iterator[Any]:
    for key in ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else"):
        if isinstance(node.get(key), dict):
            yield node[key]
    for key in ("allOf", "anyOf", "oneOf"):
        yield from node.get(key, ())
    yield from (node.get("properties") or {}).values()


def _gather(vendor: str, ref: str) -> tuple[dict[tuple[str, ...], tuple[str, ...]], dict[str, Facts]]:
    objects: dict[tuple[str, ...], tuple[str, ...]] = {}
    facts: dict[str, Facts] = {}

    def note(name: str, schema: Any) -> None:
        schema = _resolve(vendor, schema)
        if not isinstance(schema, dict):
            return
        f = facts.setdefault(name, Facts())
        kinds = schema.get("type", [])
        f.types.update([kinds] if isinstance(kinds, str) else kinds)
        values = [*schema.get("enum", ()), *([schema["const"]] if "const" in schema else [])]
        f.values.extend(v for v in values if v not in f.values)
        f.lengths.update(schema[k] for k in ("minLength", "maxLength") if k in schema)
        f.uri = f.uri or schema.get("format") == "uri"
        f.pattern = f.pattern or schema.get("pattern")
        for branch in schema.get("anyOf", ()):
            note(name, branch)

    def walk(node: Any, seen: frozenset[str]) -> None:
        # every `properties` anywhere (shape or rule) says something about its field names
        if not isinstance(node, dict):
            return
        if isinstance(ref := node.get("$ref"), str):
            if ref in seen:
                return
            seen = seen | {ref}
        node = _resolve(vendor, node)
        for name, child in (node.get("properties") or {}).items():
            note(name, child)
        for child in _subschemas(node):
            walk(child, seen)

    def shape(node: Any, where: tuple[str, ...]) -> None:
        # the objects of the payload: the body and each nested object field (sunor's and crun's `input`)
        node = _resolve(vendor, node)
        properties = node.get("properties") or {}
        objects[where] = tuple(properties)
        for name, child in properties.items():
            if "properties" in _resolve(vendor, child):
                shape(child, (*where, name))

    walk({"$ref": ref}, frozenset())
    shape({"$ref": ref}, ())
    return objects, facts


def _synthesised(objects: dict[tuple[str, ...], tuple[str, ...]], facts: dict[str, Facts]) -> dict[str, Any]:
    """For an operation the document gives no example of: every field at once, each with a plausible value."""

    def value(name: str, where: tuple[str, ...]) -> Any:
        if (*where, name) in objects:
            return {n: value(n, (*where, name)) for n in objects[(*where, name)]}
        f = facts[name]
        if f.values:
            return f.values[0]
        if f.uri:
            return "https://example.com/hook"
        if "array" in f.types:
            return ["2a145658-3342-4228-b779-b8323a2b77df"]
        if "boolean" in f.types:
            return False
        if f.types & {"number", "integer"}:
            return 30
        return "A love song about the ocean at sunset"

    return {name: value(name, ()) for name in objects[()]}


def operations() -> list[Operation]:
    found = []
    for vendor in suno_clients.VENDORS:
        for item in spec(vendor)["paths"].values():
            for method, op in item.items():
                media = (
                    op.get("requestBody", {}).get("content", {}).get("application/json")
                    if method in HTTP_METHODS
                    else None
                )
                if not media:
                    continue
                ref = media["schema"]["$ref"]
                objects, facts = _gather(vendor, ref)
                examples = tuple(e["value"] for e in (media.get("examples") or {}).values())
                seeds = (*examples, _synthesised(objects, facts))
                found.append(Operation(vendor, op["operationId"], ref, seeds, objects, facts))
    return found


OPERATIONS: Final = operations()


@cache
def jsonschema_validator(vendor: str, ref: str) -> Any:
    return Draft202012Validator(
        {"$ref": ref, "components": spec(vendor)["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


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


def values_for(facts: Facts) -> st.SearchStrategy[Any]:
    """Values of the field's own type and vocabulary: what a caller who read the document might send."""
    options: list[st.SearchStrategy[Any]] = []
    if facts.values:
        options.append(st.sampled_from(facts.values))
    if "boolean" in facts.types:
        options.append(st.booleans())
    if facts.types & {"number", "integer"}:
        options += [st.integers(-(10**6), 10**6), st.sampled_from([0.0, 30.0, 120.0, -0.5, 2.5])]
    if "number" in facts.types:
        options.append(st.floats(allow_nan=False, allow_infinity=False))
    if "array" in facts.types:
        options.append(st.lists(st.text(max_size=8), max_size=3))
    if "string" in facts.types or not facts.types:
        options += [st.text(max_size=12), strings_at_limits(facts)]
    if facts.uri:
        options.append(URIS)
    return st.one_of(options)


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
        kind = draw(st.sampled_from(["drop", "add", "unknown", "flip", "limit", "wrong-type", "graft", "uri"]))
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
            name = draw(st.sampled_from(fields))
            facts = op.facts[name]
            if (*where, name) in op.objects and kind != "wrong-type":
                continue  # a nested object is mutated from inside (or replaced by a wrong type)
            if kind == "add":
                target[name] = fresh(values_for(facts))
            elif kind == "flip":
                target[name] = fresh(flipped(facts))
            elif kind == "limit":
                target[name] = draw(strings_at_limits(facts))
            elif kind == "wrong-type":
                target[name] = fresh(WRONG_TYPES)
            elif kind == "uri":
                target[name] = fresh(URIS if facts.uri else values_for(facts))
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


def test_jsonschema_really_checks_format_uri() -> None:
    # Without a URI backend (rfc3986-validator here) jsonschema lets any string pass `format: uri` silently.
    checker = Draft202012Validator(
        {"type": "string", "format": "uri"}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert "uri" in Draft202012Validator.FORMAT_CHECKER.checkers
    assert checker.is_valid("https://example.com/my-audio.mp3")
    assert not checker.is_valid("not a uri")
    assert not checker.is_valid("example.com/my-audio.mp3")


def test_every_request_body_is_judged() -> None:
    assert {op.id for op in OPERATIONS} == {
        "crun/create_task", "crun/create_persona", "gptge/submit_music", "gptge/submit_lyrics", "gptge/fetch_tasks",
        "relay/submit_music", "relay/submit_lyrics", "relay/fetch_tasks", "sunoapi/create", "sunor/create_task",
    }  # fmt: skip


def test_the_mutations_read_limits_values_and_nested_objects_from_the_spec_rules_included() -> None:
    by_id = {op.id: op for op in OPERATIONS}
    sunoapi, crun, sunor, relay = (
        by_id[k] for k in ("sunoapi/create", "crun/create_task", "sunor/create_task", "relay/submit_music")
    )
    assert sunoapi.facts["prompt"].lengths == {199, 2999}  # both limits live in rules only
    assert crun.facts["tags"].lengths == {200}  # rule v4-tags-and-lyrics-max-length
    assert crun.facts["lyrics"].lengths == {3000}
    assert by_id["gptge/submit_music"].facts["task_id"].lengths == {1}
    assert set(crun.facts["mode"].values) == {"simple", "custom"}  # through $ref GenerationMode
    assert "v4" in crun.facts["model"].values
    assert "suno/music-generate" in crun.facts["model"].values
    assert set(sunor.facts["task_type"].values) == {"music", "lyrics", "upload", "concat"}
    assert True in sunoapi.facts["custom_mode"].values  # const true of the rules
    assert relay.facts["tags"].pattern == "^[^，]*$"
    assert sunor.facts["url"].uri
    assert crun.facts["callback_url"].uri  # inside anyOf
    assert set(sunor.objects) == {(), ("input",)}
    assert set(crun.objects) == {(), ("input",)}


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.id)
def test_our_validators_and_jsonschema_agree_on_every_mutated_payload(op: Operation) -> None:
    checker = jsonschema_validator(op.vendor, op.ref)
    judged: list[str] = []
    valid_count = 0

    @SETTINGS
    @given(payloads(op))
    def judge(payload: Any) -> None:
        nonlocal valid_count
        judged.append(json.dumps(payload, sort_keys=True))
        ours = suno_clients.validate(op.vendor, op.name, payload)
        theirs = [e.message for e in checker.iter_errors(payload)]
        assert (ours == []) == (theirs == []), f"ours: {[str(v) for v in ours]}; jsonschema: {theirs}"
        for v in ours:
            assert points_into(payload, v), f"{v} does not point into {payload!r}"
        valid_count += not ours

    judge()
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

    @settings(SETTINGS, max_examples=300)
    @given(payloads(op))
    def judge(payload: Any) -> None:
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

    judge()


def test_an_integer_valued_float_is_an_integer_for_validate_jsonschema_and_the_model() -> None:
    # JSON Schema 2020-12: "a number with a zero fractional part is an integer", so 30.0 is a valid `seed`.
    payload = {
        "model": "udio",
        "task_type": "music",
        "input": {"prompt": "lofi hip hop, chill, rainy night", "seed": 30.0},
    }
    sunor = next(op for op in OPERATIONS if op.id == "sunor/create_task")
    assert jsonschema_validator(sunor.vendor, sunor.ref).is_valid(payload)
    assert suno_clients.validate("sunor", "create_task", payload) == []
    request_model(sunor).model_validate(payload)
