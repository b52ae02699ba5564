"""Shapes: the smallest instance of a schema, and values placed at dotted paths as the schema takes them."""

from __future__ import annotations

from typing import Any

from sunogen import ir
from sunogen.build import schema
from sunogen.runtime.missing import MISSING
from sunogen.serve.instances import ANY, Shapes


def S(node: Any) -> ir.Schema:
    """The IR of a schema written as JSON (`$ref: Clip` names the component Clip)."""
    return schema(node, "", rules=False)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


NULL = {"type": "null"}
TEXT = {"type": "string"}
CLIP = S({"type": "object", "properties": {"id": TEXT, "seconds": {"type": "string"}}, "required": ["id"]})
TASK = S(
    {
        "type": "object",
        "properties": {"status": TEXT, "clips": {"type": ["array", "null"], "items": ref("Clip")}},
        "required": ["status"],
    }
)
BODY = S(
    {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "data": {"anyOf": [ref("Task"), NULL]}},
        "required": ["code"],
        "additionalProperties": False,
    }
)
SHAPES = Shapes({"Clip": CLIP, "Task": TASK, "Body": BODY})


def test_the_smallest_instance_has_the_required_fields_only() -> None:
    assert SHAPES.minimal(S(ref("Body"))) == {"code": 0}
    assert SHAPES.minimal(S(ref("Task"))) == {"status": ""}


def test_the_smallest_value_respects_const_enum_bounds_and_formats() -> None:
    assert SHAPES.minimal(S({"const": "x"})) == "x"
    assert SHAPES.minimal(S({"type": "string", "enum": ["b", "a"]})) == "b"
    assert SHAPES.minimal(S({"type": "string", "minLength": 3})) == "xxx"
    assert SHAPES.minimal(S({"type": "integer", "minimum": 5})) == 5
    assert SHAPES.minimal(S({"type": "integer", "exclusiveMinimum": 5})) == 6
    assert SHAPES.minimal(S({"type": ["string", "null"]})) == ""
    assert SHAPES.minimal(S({"type": "string", "format": "uri"})).startswith("http")
    assert SHAPES.minimal(ANY) is None


def test_a_value_is_placed_through_the_object_branch_of_an_any_of_making_objects_on_the_way() -> None:
    body = SHAPES.put(BODY, SHAPES.minimal(BODY), ("data", "status"), "running")
    assert body == {"code": 0, "data": {"status": "running"}}


def test_clips_are_placed_at_their_path_and_an_index_makes_the_list() -> None:
    body = SHAPES.put(BODY, {"code": 0}, ("data", "clips", "1", "id"), "c2")
    assert body == {"code": 0, "data": {"status": "", "clips": [{"id": ""}, {"id": "c2"}]}}
    assert SHAPES.items_at(BODY, ("data", "clips")).ref == "Clip"


def test_a_number_becomes_its_text_where_only_text_is_allowed() -> None:
    assert SHAPES.put(CLIP, {"id": "c"}, ("seconds",), 2.0) == {"id": "c", "seconds": "2"}
    assert SHAPES.fit(S({"type": "integer"}), "7") == 7
    assert SHAPES.fit(S({"type": "integer"}), "seven") is MISSING


def test_a_field_a_closed_object_does_not_declare_is_left_out() -> None:
    assert SHAPES.put(BODY, {"code": 0}, ("task_id",), "t-1") == {"code": 0}


def test_a_value_no_branch_takes_leaves_the_place_as_it_was() -> None:
    assert SHAPES.put(BODY, {"code": 3}, ("code",), {"not": "a number"}) == {"code": 3}
