"""The TypedDicts of keyword fields and the Python types of schema shapes, made in the build stage (unit tests)."""

from __future__ import annotations

import ast
import typing
from typing import Any

import pytest

import sunogen
from sunogen.pytypes import TypedDicts, TypeWriter, model_field_type
from sunogen.render import docstring

DEFS: dict[str, Any] = {
    "Mode": {"type": "string", "enum": ["simple", "custom"]},
    "Input": {
        "type": "object",
        "description": "What to make.",
        "required": ["mode"],
        "properties": {"mode": {"$ref": "#/$defs/Mode"}, "weight": {"type": "number"}},
    },
    "Request": {
        "type": "object",
        "required": ["input"],
        "properties": {
            "input": {"$ref": "#/$defs/Input"},
            "extra": {"type": "object", "properties": {"seed": {"type": "integer"}}, "required": ["seed"]},
            "clips": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Request"}},
        },
    },
}


def _type(node: Any) -> str:
    return TypeWriter(DEFS, lambda name: f"models.{name}", lambda node, hint: "Nested").type_of(node, "/x")


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ({"type": "string"}, "str"),
        ({"type": ["string", "null"]}, "str | None"),
        ({"type": "integer"}, "int"),
        ({"type": "number"}, "float"),
        ({"type": "boolean"}, "bool"),
        ({"enum": ["a", "b", None]}, "Literal['a', 'b'] | None"),
        ({"enum": [1, True, 0.5]}, "Literal[1, True] | float"),
        ({"const": "suno/music-generate"}, "Literal['suno/music-generate']"),
        ({"anyOf": [{"const": ""}, {"type": "string"}]}, "str"),
        ({"anyOf": [{"$ref": "#/$defs/Input"}, {"type": "null"}]}, "models.Input | None"),
        ({"$ref": "#/$defs/Mode"}, "Literal['simple', 'custom']"),
        ({"type": "array", "items": {"type": "string"}}, "list[str]"),
        ({"type": "array"}, "list[Any]"),
        ({"type": "object"}, "dict[str, Any]"),
        ({"type": "object", "properties": {"a": {}}}, "Nested"),
        ({"type": ["string", "object"], "properties": {"a": {}}}, "str | Nested"),
        ({}, "Any"),
        ({"anyOf": [{}, {"type": "string"}]}, "Any"),
    ],
)
def test_a_shape_is_written_as_the_python_type_a_json_value_of_it_has(node: dict[str, Any], expected: str) -> None:
    assert _type(node) == expected


def test_an_object_component_becomes_a_typeddict_after_the_ones_it_refers_to() -> None:
    typed = TypedDicts(DEFS)
    assert typed.component("Request") == "RequestParams"
    assert list(typed.made) == ["InputParams", "RequestExtraParams", "RequestClipsItemParams", "RequestParams"]
    request = typed.made["RequestParams"]
    assert [(k.name, k.annotation) for k in request.keys] == [
        ("input", "Required[InputParams]"),
        ("extra", "RequestExtraParams"),
        ("clips", "list[RequestClipsItemParams]"),
        ("children", "list['RequestParams']"),  # a cycle: a forward reference, the class is still being made
    ]
    assert request.keys[0].doc == "What to make."  # a $ref without a description of its own takes its target's
    assert typed.made["InputParams"].keys[0].annotation == "Required[Literal['simple', 'custom']]"
    assert typed.made["RequestExtraParams"].component is None
    assert typed.problems == []


def test_a_typeddict_named_like_a_component_is_a_problem_at_the_object_it_would_mirror() -> None:
    defs = {**DEFS, "RequestExtraParams": {"type": "object", "properties": {}}}
    typed = TypedDicts(defs)
    typed.component("Request")
    assert [(p.pointer, p.code) for p in typed.problems] == [
        ("/components/schemas/Request/properties/extra", "name-clash")
    ]


def test_an_object_inline_under_an_odd_key_is_named_with_the_key_s_letters_and_digits() -> None:
    defs = {"Req": {"type": "object", "properties": {"a.b-c": {"type": "object", "properties": {"x": {}}}}}}
    typed = TypedDicts(defs)
    typed.component("Req")
    assert list(typed.made) == ["ReqABCParams", "ReqParams"]


def test_a_model_field_not_required_by_its_schema_may_be_none_as_the_models_type_it() -> None:
    defs = {
        "Body": {
            "type": "object",
            "required": ["data"],
            "properties": {"data": {"$ref": "#/$defs/Input"}, "id": {"type": "string"}},
        },
        "Input": DEFS["Input"],
    }
    assert model_field_type(defs, "Body", "data") == "models.Input"
    assert model_field_type(defs, "Body", "id") == "str | None"
    assert model_field_type(defs, "Body", "missing") is None


@pytest.mark.parametrize(
    "text",
    [
        "One line.",
        'Ends with a quote: "x"',
        'Holds """ three quotes and a \\ backslash and \\n an escape',
        "Two lines.\n\nThe second, after a blank.",
    ],
)
def test_a_docstring_literal_reads_back_as_the_text_it_was_made_from(text: str) -> None:
    source = f"class A:\n    {docstring(text, 4)}\n"
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.ClassDef)
    assert ast.get_docstring(node, clean=True) == text.strip()


WEIRD_KEYS = """\
openapi: 3.1.0
info: {title: Weird, version: "1", x-sunogen-document: weird.txt}
servers: [{url: "https://weird.invalid"}]
security: [{apiKey: []}]
x-sunogen-envelope: {code: code, success: [200], message: message, data: data}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: x-api-key}
  schemas:
    SendRequest:
      type: object
      additionalProperties: false
      required: [from]
      properties:
        from: {type: string, description: Who sends it.}
        continue-at: {type: number}
    SendResponse:
      type: object
      properties:
        code: {type: integer}
paths:
  /send:
    post:
      operationId: send
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SendRequest'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SendResponse'}
"""


def test_fields_that_are_no_python_identifier_get_the_functional_typeddict_form() -> None:
    files = sunogen.generate({"specs/weird.yaml": WEIRD_KEYS})
    namespace: dict[str, Any] = {}
    exec(files["suno_clients/weird/params.py"], namespace)
    params = namespace["SendRequestParams"]
    assert params.__required_keys__ == frozenset({"from"})
    assert params.__optional_keys__ == frozenset({"continue-at"})
    assert typing.get_type_hints(params) == {"from": str, "continue-at": float}
    assert "'from': Who sends it." in files["suno_clients/weird/params.py"]
