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
new field, value or limit is exercised without touching this file. What the specs say about each request body, and
the reference judges, are read in tests/differential_bodies.py; the mutations and the judging are here.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import suno_clients
from suno_clients import Violation

from .conftest import examples
from .differential_bodies import (
    FORMATS,
    OPERATIONS,
    Facts,
    Operation,
    broken_warnings,
    error_judge,
    gather,
    own_values,
    resolve,
    spec,
    synthesised,
    warning_rules,
    without_warnings,
)
from .reference import FORMAT_CHECKER, reference
from .spec_files import VENDORS

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
    seed = synthesised(EXAMPLE_SPEC, found)
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
        own = resolve(EXAMPLE_SPEC, found.objects[()][name])
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
