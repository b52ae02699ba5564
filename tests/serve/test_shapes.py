"""Shapes: the smallest instance of a schema, and values placed at dotted paths as the schema takes them."""

from __future__ import annotations

from sunogen import ir
from sunogen.serve.shapes import ANY, MISSING, Shapes

S = ir.Schema
NULL = S("", types=("null",))
TEXT = S("", types=("string",))
CLIP = S("", types=("object",), properties=(("id", TEXT), ("seconds", S("", types=("string",)))), required=("id",))
TASK = S(
    "",
    types=("object",),
    properties=(("status", TEXT), ("clips", S("", types=("array", "null"), items=S("", ref="Clip")))),
    required=("status",),
)
BODY = S(
    "",
    types=("object",),
    properties=(("code", S("", types=("integer",))), ("data", S("", any_of=(S("", ref="Task"), NULL)))),
    required=("code",),
    additional=False,
)
SHAPES = Shapes({"Clip": CLIP, "Task": TASK, "Body": BODY})


def test_the_smallest_instance_has_the_required_fields_only() -> None:
    assert SHAPES.minimal(S("", ref="Body")) == {"code": 0}
    assert SHAPES.minimal(S("", ref="Task")) == {"status": ""}


def test_the_smallest_value_respects_const_enum_bounds_and_formats() -> None:
    assert SHAPES.minimal(S("", has_const=True, const="x")) == "x"
    assert SHAPES.minimal(S("", types=("string",), enum=("b", "a"))) == "b"
    assert SHAPES.minimal(S("", types=("string",), min_length=3)) == "xxx"
    assert SHAPES.minimal(S("", types=("integer",), minimum=5)) == 5
    assert SHAPES.minimal(S("", types=("integer",), exclusive_minimum=5)) == 6
    assert SHAPES.minimal(S("", types=("string", "null"))) == ""
    assert SHAPES.minimal(S("", types=("string",), format="uri")).startswith("http")
    assert SHAPES.minimal(ANY) is None


def test_a_value_is_placed_through_the_object_branch_of_an_any_of_making_objects_on_the_way() -> None:
    body = SHAPES.put(BODY, SHAPES.minimal(BODY), ("data", "status"), "running")
    assert body == {"code": 0, "data": {"status": "running"}}


def test_clips_are_placed_at_their_path_and_an_index_makes_the_list() -> None:
    body = SHAPES.put(BODY, {"code": 0}, ("data", "clips", "1", "id"), "c2")
    assert body == {"code": 0, "data": {"status": "", "clips": [{"id": ""}, {"id": "c2"}]}}
    assert SHAPES.items_at(BODY, ("data", "clips")) == S("", ref="Clip")


def test_a_number_becomes_its_text_where_only_text_is_allowed() -> None:
    assert SHAPES.put(CLIP, {"id": "c"}, ("seconds",), 2.0) == {"id": "c", "seconds": "2"}
    assert SHAPES.fit(S("", types=("integer",)), "7") == 7
    assert SHAPES.fit(S("", types=("integer",)), "seven") is MISSING


def test_a_field_a_closed_object_does_not_declare_is_left_out() -> None:
    assert SHAPES.put(BODY, {"code": 0}, ("task_id",), "t-1") == {"code": 0}


def test_a_value_no_branch_takes_leaves_the_place_as_it_was() -> None:
    assert SHAPES.put(BODY, {"code": 3}, ("code",), {"not": "a number"}) == {"code": 3}
