"""Every keyword of the table, case by case: values on both sides of it, judged by our validator and by jsonschema.

A keyword entry (sunogen/rules/keywords.py) comes with its cases here; a compiled keyword without one fails
`test_every_compiled_keyword_has_cases`, naming it. Each case holds each value to the reference (tests/reference.py)
and the valid pass to the violation pass, and must include both valid and invalid values.
"""

from __future__ import annotations

from typing import Any

import pytest

from sunogen.rules.keywords import KEYWORDS

from .compiled_schema import AUX, compiled_schema

REF = f"#/components/schemas/{AUX}"

CASES: dict[str, list[tuple[dict[str, Any], list[Any]]]] = {
    "type": [
        ({"type": "integer"}, [1, 1.0, 1.5, True, "1", None, 10**30]),
        ({"type": ["string", "null"]}, ["a", None, 0, False, []]),
        ({"type": "object"}, [{}, [], "x"]),
    ],
    "enum": [({"enum": [1, "a", None, [1], {"a": 1}]}, [1, 1.0, True, "a", "b", None, [1], [True], {"a": 1.0}, {}])],
    "const": [
        ({"const": {"a": [1, True]}}, [{"a": [1, True]}, {"a": [1.0, True]}, {"a": [1, 1]}, None]),
        ({"const": "custom"}, ["custom", "Custom", ["custom"], None]),
        ({"const": False}, [False, 0, None]),
    ],
    "minLength": [({"minLength": 2}, ["", "a", "ab", "🎵🎵", 5])],
    "maxLength": [({"maxLength": 2}, ["abc", "ab", "🎵🎵", "🎵🎵🎵", 5])],
    "pattern": [({"pattern": "^a[0-9]+$"}, ["a1", "a", "b1", "a1\n", 5]), ({"pattern": "é"}, ["café", "cafe"])],
    "format": [
        ({"format": "uri"}, ["https://x.example/a?b#c", "not a uri", "x:", "/relative", 5]),
        (
            {"format": "date-time"},
            [
                "2024-05-01T12:30:00Z",
                "2024-05-01T12:30:00.25+02:00",
                "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z",
                "2024-05-01t12:30:00z",
                "2024-05-01 12:30:00Z",
                "0000-01-01T00:00:00Z",
                "2024-05-01T12:30:00Z\n",
                "2024-05-01T24:00:00Z",
                "2024-05-01",
                5,
            ],
        ),
    ],
    "contentMediaType": [({"contentMediaType": "application/json"}, ['{"a": 1}', "{", "NaN", "1", "", 5])],
    "contentSchema": [
        (
            {"contentMediaType": "application/json", "contentSchema": {"type": "object", "required": ["a"]}},
            ['{"a": 1}', '{"b": 1}', "[1]", "{", 5],
        ),
        (
            {
                "type": "object",
                "properties": {
                    "meta": {"contentMediaType": "application/json", "contentSchema": {"items": {"type": "integer"}}}
                },
            },
            [{"meta": "[1, 2]"}, {"meta": '[1, "2"]'}, {"meta": "["}, {}],
        ),
    ],
    "minimum": [({"minimum": 1.5}, [1, 1.5, 2, "x"])],
    "maximum": [({"maximum": 1.5}, [1, 1.5, 2, "x"])],
    "exclusiveMinimum": [({"exclusiveMinimum": 1}, [1, 1.0, 1.5, "x"])],
    "exclusiveMaximum": [({"exclusiveMaximum": 1}, [1, 0.5, 2, None])],
    "multipleOf": [
        ({"multipleOf": 0.5}, [1, 1.5, 1.25, 10**20, "x"]),
        ({"multipleOf": 3}, [9, 10, 9.0, 4.5, 10**30]),
        ({"multipleOf": 0.1}, [0.3, 0.2, 1, 1e308, 10**400]),
    ],
    "required": [
        ({"required": ["a", "b"]}, [{}, {"a": 1}, {"a": 1, "b": 2}, [], "x"]),
        # a required member whose schema refuses null is tested as x.get("a") == "x", which says `required` too
        ({"required": ["a"], "properties": {"a": {"const": "x"}}}, [{"a": "x"}, {"a": None}, {"a": "y"}, {}]),
        ({"required": ["a"], "properties": {"a": {"enum": [1, None]}}}, [{"a": 1}, {"a": None}, {}]),
        # ...but `required` stays when only a keyword applying under a condition reads it that way
        (
            {
                "type": "object",
                "required": ["a"],
                "dependentSchemas": {"b": {"required": ["a"], "properties": {"a": {"const": "x"}}}},
            },
            [{"a": "x"}, {}, {"a": "y", "b": 1}, {"a": "y"}, {"b": 1}],
        ),
    ],
    "properties": [
        (
            {"properties": {"a": {"type": "string"}, "b c": {"maxLength": 1}}},
            [{"a": "x"}, {"a": 1}, {"b c": "xy"}, {}, [1]],
        ),
        ({"properties": {"a": False}}, [{"a": 1}, {"b": 1}]),
    ],
    "additionalProperties": [
        ({"properties": {"a": {}}, "additionalProperties": False}, [{"a": 1}, {"b": 1}, {}]),
        (
            {"patternProperties": {"^x": {"type": "string"}}, "additionalProperties": {"type": "integer"}},
            [{"x1": "s", "b": 1}, {"x1": 1}, {"b": "s"}, {"a": 1}],
        ),
        ({"patternProperties": {"^x": {}}, "additionalProperties": False}, [{"x1": 1}, {"y": 1}]),
    ],
    "patternProperties": [
        (
            {"patternProperties": {"^x": {"type": "string"}, "[0-9]$": {"minLength": 2}}},
            [{"x1": "ab"}, {"x1": "a"}, {"x": 1}, {"y1": "a"}, {"y": 1}],
        )
    ],
    "propertyNames": [
        ({"propertyNames": {"maxLength": 1}}, [{"a": 1}, {"ab": 1}, {}]),
        ({"type": "object", "propertyNames": {"maxLength": 1, "maxProperties": 0}}, [{"a": 1}, {"ab": 1}]),  # k: a str
        ({"propertyNames": {"enum": ["a", "b"]}}, [{"a": 1, "b": 2}, {"c": 1}]),
        ({"propertyNames": {"not": {"const": "b"}}}, [{"a": 1}, {"b": 1}]),
        ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"ab": 1}, {"a1": 1}]),
    ],
    "dependentRequired": [({"dependentRequired": {"a": ["b", "c"]}}, [{"a": 1}, {"a": 1, "b": 1, "c": 1}, {"b": 1}])],
    "dependentSchemas": [
        (
            {"dependentSchemas": {"a": {"required": ["b"], "properties": {"b": {"type": "integer"}}}}},
            [{"a": 1}, {"a": 1, "b": 1}, {"a": 1, "b": "x"}, {"b": "x"}],
        ),
    ],
    "minProperties": [({"minProperties": 1}, [{}, {"a": 1}, []])],
    "maxProperties": [({"maxProperties": 1}, [{"a": 1, "b": 2}, {"a": 1}, "ab"])],
    "prefixItems": [
        ({"prefixItems": [{"type": "string"}, {"type": "integer"}]}, [["a", 1], ["a", "b"], [1], [], ["a", 1, None]]),
        ({"prefixItems": [{"type": "string"}], "items": {"type": "boolean"}}, [["a", True], ["a", 1], [True], ["a"]]),
        ({"prefixItems": [{}, {}], "items": False}, [[1, 2], [1, 2, 3], []]),
    ],
    "items": [({"items": {"type": "integer"}}, [[1, 2], [1, "a"], [], "x"]), ({"items": False}, [[], [1]])],
    "minItems": [({"minItems": 2}, [[1], [1, 2], "ab"])],
    "maxItems": [({"maxItems": 1}, [[1], [1, 2], "ab"])],
    "uniqueItems": [
        ({"uniqueItems": True}, [[1, 2], [1, 1.0], [1, True], [[1], [True], [1]], [{"a": 1}, {"a": 1.0}], [0, False]]),
        ({"uniqueItems": False, "maxItems": 2}, [[1, 1], [1, 1, 1]]),
    ],
    "contains": [
        ({"contains": {"type": "string"}}, [[1, "a"], [1, 2], []]),
        ({"contains": {"type": "string"}, "minContains": 2}, [["a", "b"], ["a"]]),
        ({"contains": {"type": "string"}, "maxContains": 1}, [["a"], ["a", "b"], [1]]),
        ({"contains": {"type": "string"}, "minContains": 0, "maxItems": 1}, [[], [1], [1, 2]]),
        ({"contains": {"type": "string"}, "minContains": 0, "maxContains": 1}, [[], ["a", "b"]]),
        # under an applicator of a typed array, an item is still of no known type (an array keyword on it does
        # not apply to 5): once a TypeError (len(5))
        ({"type": "array", "allOf": [{"contains": {"minItems": 1}}]}, [[5], [[1]], [[]], []]),
    ],
    "minContains": [({"contains": {"const": 1}, "minContains": 2}, [[1, 1], [1, 2]])],
    "maxContains": [({"contains": {"const": 1}, "maxContains": 1}, [[1, 2], [1, 1]])],
    "$ref": [({"$ref": REF}, ["a", 1]), ({"$ref": REF, "maxLength": 1}, ["a", "ab", 1])],
    "allOf": [({"allOf": [{"minimum": 1}, {"maximum": 2}]}, [0, 1, 2, 3])],
    "anyOf": [({"anyOf": [{"type": "string"}, {"minimum": 3}]}, ["a", 3, 1, None])],
    "oneOf": [({"oneOf": [{"type": "integer"}, {"minimum": 2}]}, [1, 3, 2.5, "x"])],
    "not": [({"not": {"type": "string"}}, ["a", 1]), ({"not": {"required": ["a"]}}, [{"a": 1}, {}])],
    "if": [
        ({"if": {"minimum": 5}, "then": {"multipleOf": 2}, "else": {"maximum": 0}}, [6, 7, -1, 3, "x"]),
        ({"if": {"required": ["a"]}, "then": {"required": ["b"]}}, [{"a": 1}, {"a": 1, "b": 2}, {}]),
        ({"if": {"required": ["a"]}, "else": {"required": ["b"]}}, [{"a": 1}, {}, {"b": 1}]),
        ({"if": {"minimum": 5}, "maximum": 10}, [1, 6, 11]),  # `if` alone is an annotation
    ],
    "then": [({"if": {"type": "string"}, "then": {"minLength": 1}}, ["", "a", 1])],
    "else": [({"if": {"type": "string"}, "else": {"minimum": 1}}, ["", 0, 1])],
}
"""Per keyword, schemas using it and values on both sides of it."""

AUX_SCHEMA = {"type": "string"}


def test_every_compiled_keyword_has_cases() -> None:
    compiled = {name for name, entry in KEYWORDS.items() if entry.compile is not None or entry.needs is not None}
    missing = sorted(compiled - set(CASES))
    assert not missing, f"add schemas and values for {missing} to CASES in tests/test_keywords.py"


@pytest.mark.parametrize(
    ("schema", "values"),
    [
        pytest.param(schema, values, id=f"{keyword}-{i}")
        for keyword, cases in CASES.items()
        for i, (schema, values) in enumerate(cases)
    ],
)
def test_a_keyword_judges_its_values_as_jsonschema_does(schema: dict[str, Any], values: list[Any]) -> None:
    compiled = compiled_schema(schema, AUX_SCHEMA)
    assert compiled is not None, "the spec check refuses the case's schema"
    verdicts = [compiled.agrees_with_the_reference(value) == [] for value in values]
    assert False in verdicts, "no value breaks the schema"
    assert True in verdicts, "no value satisfies the schema"
