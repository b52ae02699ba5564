"""The members a function's rules ask about are read once into locals; inside an `if`, what it required is known."""

from __future__ import annotations

import copy
import re
from typing import Any

from sunogen.build import build
from sunogen.check import check
from sunogen.load import load
from sunogen.rules.compiler import compile_rules

from .compiled_schema import BASE, TOP, compiled_schema
from .spec_files import dump


def _source(top: dict[str, Any]) -> str:
    """The validator functions compiled for `top` as a spec's request body."""
    spec = copy.deepcopy(BASE)
    spec["components"]["schemas"][TOP] = top
    spec["components"]["schemas"]["Aux"] = {}
    loaded = load("specs/example.yaml", dump(spec))
    assert not check(loaded)
    return "\n".join(compile_rules(build(loaded)).functions).replace("'", '"')  # (before ruff formats it)


def _rule(member: str, value: str, then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"required": [member], "properties": {member: {"const": value}}}, "then": then}


MODES = {
    "type": "object",
    "properties": {
        "mode": {"type": "string", "enum": ["a", "b", "c"]},
        "input": {"type": "object"},
        "tags": {"type": "string"},
    },
    "allOf": [
        _rule("mode", "a", {"required": ["input"]}),
        _rule("mode", "b", {"properties": {"input": {"required": ["prompt"]}}}),
        _rule("mode", "c", {"properties": {"tags": {"maxLength": 3}}}),
    ],
}


def test_a_member_every_rule_asks_about_is_read_once_into_a_local_named_after_it() -> None:
    text = _source(MODES)
    assert 'mode = x.get("mode", MISSING)' in text
    assert 'x.get("mode")' not in text
    assert 'if mode == "a":' in text
    compiled = compiled_schema(MODES)
    assert compiled is not None
    for value in ({"mode": "a"}, {"mode": "a", "input": {}}, {"mode": "b", "input": {}}, {"mode": "b"}, {}):
        compiled.agrees_with_the_reference(value)
    assert [v.path for v in compiled.validate({"mode": "b", "input": {}})] == ["$.input.prompt"]


def test_a_member_read_once_or_only_inside_a_rule_is_read_where_it_is() -> None:
    text = _source(MODES)
    # `tags` is asked about only when mode is "c": no payload of another mode pays for looking it up
    assert "tags = " not in text
    assert "input_ = " not in text  # `input` is read once, by one rule's then


def test_a_member_named_like_a_name_the_code_uses_gets_a_local_of_its_own() -> None:
    names = ["input", "x", "is_uri", "class", "2nd", "out"]
    top = {
        "type": "object",
        "properties": {name: {"type": "string"} for name in names},
        "allOf": [
            {"if": {"properties": {name: {"const": "on"}}}, "then": {"required": ["out"]}}
            for name in names
            for _ in range(2)  # asked twice, so each is worth its local
        ],
    }
    text = _source(top)
    locals_ = re.findall(r"^    (\w+) = x\.get\(", text, re.MULTILINE)
    assert sorted(locals_) == sorted(["input_", "x_", "is_uri_", "class_", "member_2nd", "out_"])
    compiled = compiled_schema(top)
    assert compiled is not None
    for name in names:
        compiled.agrees_with_the_reference({name: "on"})
        compiled.agrees_with_the_reference({name: "on", "out": "here"})
        compiled.agrees_with_the_reference({name: 1})


def test_inside_an_if_that_requires_an_object_member_its_then_neither_asks_for_it_nor_tests_its_type() -> None:
    top = {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "input": {"type": "object"}},
        "allOf": [
            {
                "if": {
                    "required": ["kind", "input"],
                    "properties": {"kind": {"const": "music"}, "input": {"type": "object", "required": ["song"]}},
                },
                "then": {"properties": {"input": {"propertyNames": {"not": {"const": "lyrics"}}}}},
            },
            _rule("kind", "lyrics", {"properties": {"input": {"required": ["prompt"]}}}),
        ],
    }
    text = _source(top)
    header = next(line for line in text.splitlines() if line.strip().startswith("if") and '"song" in input_' in line)
    then = text.splitlines()[text.splitlines().index(header) + 2]  # under the rule's comment
    assert "isinstance(input_, dict)" in header
    assert "isinstance" not in then, then
    assert "MISSING" not in then, then
    compiled = compiled_schema(top)
    assert compiled is not None
    for value in (
        {"kind": "music", "input": {"song": 1, "lyrics": 2}},
        {"kind": "music", "input": {"lyrics": 2}},
        {"kind": "music", "input": []},
        {"kind": "lyrics", "input": {}},
        {"kind": "lyrics", "input": "text"},
        {"kind": "lyrics"},
    ):
        compiled.agrees_with_the_reference(value)
