"""The check and build stages agree on what a rule is, and find `$ref`s by walking schemas, not by reading text."""

from __future__ import annotations

import copy
from typing import Any

from sunogen.build import build
from sunogen.check import check
from sunogen.load import load
from sunogen.schema_keywords import names_a_rule, ref_cycles, request_components

from .compiled_schema import BASE, compiled_schema
from .spec_files import dump


def _spec(top: dict[str, Any], **others: dict[str, Any]) -> Any:
    spec = copy.deepcopy(BASE)
    spec["components"]["schemas"]["CreateRequest"] = top
    spec["components"]["schemas"].update(others)
    return load("specs/example.yaml", dump(spec))


def test_a_titled_property_of_a_request_is_a_rule_its_violations_name() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"title": "a-is-short", "description": "a is short.", "maxLength": 1}},
    }
    compiled = compiled_schema(schema)
    assert compiled is not None
    (violation,) = compiled.agrees_with_the_reference({"a": "xy"})
    assert (violation.rule, violation.message) == ("a-is-short", "a is short. (must be at most 1 characters, not 2)")


def test_a_titled_property_whose_title_is_not_a_rule_id_is_a_spec_error() -> None:
    errors = check(_spec({"type": "object", "properties": {"a": {"title": "A Title", "description": "x"}}}))
    assert [e.code for e in errors] == ["bad-rule"]


def test_a_component_root_title_names_the_model_not_a_rule() -> None:
    loaded = _spec({"title": "Create Request", "type": "object"})
    assert check(loaded) == []
    assert build(loaded).components[0].schema.rule is None
    assert not names_a_rule({"title": "x"}, "/components/schemas/CreateRequest")
    assert names_a_rule({"title": "x"}, "/components/schemas/CreateRequest/properties/a")


def test_a_rule_inside_a_warning_is_a_warning_too() -> None:
    warning = {
        "title": "prefer-short-prompts",
        "description": "Prompts should be short.",
        "x-sunogen-severity": "warning",
        "properties": {"prompt": {"title": "prompt-under-ten", "description": "under ten", "maxLength": 9}},
    }
    loaded = _spec({"type": "object", "allOf": [warning]})
    assert check(loaded) == []
    (rule_node,) = build(loaded).components[0].schema.all_of
    inner = rule_node.properties[0][1]
    assert rule_node.rule is not None
    assert inner.rule is not None
    assert (rule_node.rule.severity, inner.rule.severity) == ("warning", "warning")


def test_refs_are_found_in_schemas_not_in_descriptions() -> None:
    schemas = {
        "Body": {
            "description": "like #/components/schemas/Other",
            "properties": {"a": {"$ref": "#/components/schemas/A"}},
        },
        "A": {"items": {"anyOf": [{"$ref": "#/components/schemas/B"}]}},
        "B": {"type": "string"},
        "Other": {"type": "string"},
    }
    assert request_components(schemas, [{"$ref": "#/components/schemas/Body"}]) == {"Body", "A", "B"}


def test_a_schema_that_contains_itself_in_place_is_a_cycle_but_a_tree_is_not() -> None:
    schemas = {
        "Tree": {"properties": {"children": {"items": {"$ref": "#/components/schemas/Tree"}}}},
        "Loop": {"anyOf": [{"$ref": "#/components/schemas/Again"}]},
        "Again": {"not": {"$ref": "#/components/schemas/Loop"}},
    }
    assert sorted(name for name, _ in ref_cycles(schemas)) == ["Again", "Loop"]


def test_a_tree_shaped_request_compiles_into_a_function_that_calls_itself() -> None:
    children = {"type": "array", "items": {"$ref": "#/components/schemas/Aux"}}
    tree = {"type": "object", "properties": {"name": {"type": "string"}, "children": children}}
    compiled = compiled_schema({"$ref": "#/components/schemas/Aux"}, tree)
    assert compiled is not None
    assert compiled.agrees_with_the_reference({"name": "a", "children": [{"name": "b", "children": []}]}) == []
    (violation,) = compiled.agrees_with_the_reference({"children": [{"children": [{"name": 1}]}]})
    assert violation.path == "$.children[0].children[0].name"
