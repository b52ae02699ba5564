"""The rules compiler on random schemas: every schema the check accepts compiles, and agrees with jsonschema.

The vendor specs exercise the shapes the five gateways use; these exercise every keyword of the table in every
combination the check allows (a property that constrains nothing, `items: {}`, nested if/then/else, $ref with
siblings, contentSchema inside prefixItems...), judged by the reference (tests/reference.py), and hold the valid
pass to the violation pass on every node: a guard that wrongly says "valid" would hide violations.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sunogen.rules.keywords import KEYWORDS

from .compiled_schema import AUX, compiled_schema
from .conftest import examples

NAMES = ("a", "b", "x1")

JSON_TEXTS = ['{"a": 1}', "[1, 2]", "1", '"x"', "null", "{", "NaN", '{"a": "x", "b": [true]}', "[1, 1.0]"]
STRINGS = ["x", "y", "", "xx", "x1", "é", "https://example.com/a", "not a uri", "2024-05-01T12:30:00Z",
           "2024-02-30T00:00:00Z", "2024-05-01t12:30:00z", *JSON_TEXTS]  # fmt: skip
_scalars = st.sampled_from([*STRINGS, 0, 1, 1.0, 1.5, 2, 3, 0.5, -2, 10**20, True, False, None])
_types = st.sampled_from(["string", "integer", "number", "boolean", "null", "object", "array"])
_patterns = st.sampled_from(["^x", "[0-9]$", "^$"])

LEAF = {
    "enum": st.lists(_scalars, min_size=1, max_size=3, unique_by=lambda v: (type(v), v)),
    "const": _scalars | st.sampled_from([[1], {"a": 1}, []]),
    "minLength": st.integers(0, 2),
    "maxLength": st.integers(0, 2),
    "pattern": _patterns,
    "format": st.sampled_from(["uri", "date-time"]),
    "minimum": st.sampled_from([0, 1, 1.5]),
    "maximum": st.sampled_from([1, 2.5]),
    "exclusiveMinimum": st.sampled_from([0, 1]),
    "exclusiveMaximum": st.sampled_from([2, 3]),
    "multipleOf": st.sampled_from([1, 2, 0.5, 0.1]),
    "minItems": st.integers(0, 2),
    "maxItems": st.integers(0, 2),
    "uniqueItems": st.booleans(),
    "minProperties": st.integers(0, 2),
    "maxProperties": st.integers(0, 2),
    "description": st.just("annotations say nothing"),
    "$comment": st.just("nor do comments"),
    "default": _scalars,
    "examples": st.just(["x"]),
    "deprecated": st.booleans(),
}
"""Keywords whose values are data, with values that make them bite on the values below."""

NODE = (
    "properties", "required", "additionalProperties", "patternProperties", "propertyNames", "dependentRequired",
    "dependentSchemas", "items", "prefixItems", "contains", "allOf", "anyOf", "oneOf", "not", "if", "rule", "$ref",
    "contentMediaType",
)  # fmt: skip
"""Keywords (and a rule's title) whose values hold subschemas, or that come with one (contentSchema)."""

COMPANIONS = {"then", "else", "minContains", "maxContains", "contentSchema", "title", "type"}
"""Keywords the strategies below write next to another one (then with if), or on every node (type)."""


@st.composite
def _leaf(draw: st.DrawFn) -> dict[str, Any]:
    s: dict[str, Any] = {}
    kind = draw(st.sampled_from(["none", "one", "two"]))
    if kind == "one":
        s["type"] = draw(_types)
    elif kind == "two":
        s["type"] = draw(st.lists(_types, min_size=2, max_size=2, unique=True))
    for key in draw(st.lists(st.sampled_from(sorted(LEAF)), max_size=2, unique=True)):
        s[key] = draw(LEAF[key])
    return s


def _schema(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth == 0:
        return _leaf()

    @st.composite
    def node(draw: st.DrawFn) -> dict[str, Any]:
        s = draw(_leaf())
        child = _schema(depth - 1)
        for key in draw(st.lists(st.sampled_from(NODE), max_size=3, unique=True)):
            if key == "properties":
                names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
                s[key] = {n: draw(child | st.just({}) | st.just({"description": "free-form"})) for n in names}
            elif key == "required":
                s[key] = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True))
            elif key in ("additionalProperties", "items"):
                s[key] = draw(st.booleans() | child | st.just({}))
            elif key == "patternProperties":
                s[key] = {draw(_patterns): draw(child | st.booleans())}
                if draw(st.booleans()):  # the members no pattern matches are what additionalProperties is about
                    s["additionalProperties"] = draw(st.booleans() | child)
            elif key == "propertyNames":
                s[key] = draw(
                    st.sampled_from([{"enum": ["a", "b"]}, {"not": {"const": "b"}}, {"maxLength": 1}]) | child
                )
            elif key == "dependentRequired":
                s[key] = {"a": draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True))}
            elif key == "dependentSchemas":
                s[key] = {draw(st.sampled_from(NAMES)): draw(child)}
            elif key in ("prefixItems", "allOf", "anyOf", "oneOf"):
                s[key] = draw(st.lists(child | st.booleans(), min_size=1, max_size=3))
                if key == "prefixItems" and draw(st.booleans()):  # items then covers the items after the prefix
                    s["items"] = draw(st.booleans() | child)
            elif key == "contains":
                s[key] = draw(child)
                for bound in draw(st.lists(st.sampled_from(["minContains", "maxContains"]), max_size=2, unique=True)):
                    s[bound] = draw(st.integers(0, 2))
            elif key == "not":
                s[key] = draw(child | st.booleans())
            elif key == "if":
                s["if"] = draw(child)
                for branch in draw(st.lists(st.sampled_from(["then", "else"]), max_size=2, unique=True)):
                    s[branch] = draw(child)
            elif key == "rule":
                s["title"] = f"rule-{draw(st.integers(0, 9))}"
                s["description"] = "the rule's message"
            elif key == "contentMediaType":
                s[key] = "application/json"
                if draw(st.booleans()):
                    s["contentSchema"] = draw(child)
            else:
                s["$ref"] = f"#/components/schemas/{AUX}"
        return s

    return node()


_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
    max_leaves=8,
)


def test_the_random_schemas_use_every_keyword_of_the_table() -> None:
    written = set(LEAF) | set(NODE) | COMPANIONS
    assert set(KEYWORDS) - written == set(), "add the new keywords to LEAF or NODE above"


@settings(
    max_examples=examples(500), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(top=_schema(3), aux=_schema(1), values=st.lists(_values, min_size=10, max_size=10))
def test_every_accepted_schema_compiles_and_judges_values_as_jsonschema_does(
    top: dict[str, Any], aux: dict[str, Any], values: list[Any]
) -> None:
    aux.pop("$ref", None)
    compiled = compiled_schema(top, aux)
    if compiled is None:
        return
    for value in values:
        compiled.agrees_with_the_reference(value)
