"""What the rules compiler reads off one schema node before compiling it: its shape, and its keywords as text.

Everything here is a pure function of the IR; nothing emits code or names a constant.
"""

from __future__ import annotations

import json

from sunogen import ir
from sunogen.build import thaw
from sunogen.runtime.violations import path_key

TYPE_TESTS = {
    "string": "isinstance({x}, str)",
    "integer": "(isinstance({x}, int) and not isinstance({x}, bool) or isinstance({x}, float) and {x}.is_integer())",
    "number": "(isinstance({x}, NUMBER) and not isinstance({x}, bool))",
    "boolean": "isinstance({x}, bool)",
    "null": "{x} is None",
    "object": "isinstance({x}, dict)",
    "array": "isinstance({x}, list)",
}
"""A Python test of each JSON type over the expression `{x}` (`true` is not a number; 1.0 is an integer)."""

TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "null": "null",
    "object": "an object",
    "array": "an array",
}


def type_test(types: tuple[str, ...], x: str) -> str:
    """True when `x` has one of the JSON types."""
    tests = [TYPE_TESTS[t].format(x=x) for t in types]
    return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"


def set_literal(values: list[str] | list[int | float]) -> str:
    """A frozenset literal in sorted order: `repr(frozenset(...))` follows hash order, which varies per process."""
    return "frozenset({" + ", ".join(repr(v) for v in sorted(set(values))) + "})"


def literal(value: ir.JsonValue) -> str:
    """A JSON value as a Python literal."""
    return repr(thaw(value))


def as_json(value: ir.JsonValue) -> str:
    """A JSON value as the message shows it."""
    return json.dumps(thaw(value), ensure_ascii=False)


def member_path(path: str, name: str) -> str:
    """The expression for the JSON path of member `name` under the path expression `path`, decided now.

    The same text `path_key` would build at run time (`$.input.prompt`, `$["odd key"]`), as a literal suffix.
    """
    return f"{path} + {path_key('', name)!r}"


def has_object_keywords(s: ir.Schema) -> bool:
    return bool(s.properties or s.required or s.additional is not None or s.property_names or s.dependent_required)


def has_array_keywords(s: ir.Schema) -> bool:
    return s.items is not None or s.min_items is not None or s.max_items is not None


def has_siblings(s: ir.Schema) -> bool:
    """Whether a `$ref` node says anything besides the reference (then it is compiled as its own node)."""
    return s != ir.Schema(s.pointer, ref=s.ref, rule=s.rule) or s.rule is not None


def is_leaf(s: ir.Schema) -> bool:
    """A node of value keywords only: no reference, no members, no items, no applicators."""
    return (
        s.ref is None
        and not has_object_keywords(s)
        and not has_array_keywords(s)
        and not (s.all_of or s.any_of or s.one_of or s.not_ or s.if_)
    )


def is_trivial(s: ir.Schema) -> bool:
    """A node every value satisfies. `if` alone constrains nothing: without `then` or `else` it is an annotation."""
    return s == ir.Schema(s.pointer, if_=s.if_, rule=s.rule) and s.then is None and s.else_ is None


def is_conditional(s: ir.Schema) -> bool:
    """A node that is only `if` with `then` and/or `else` (and maybe a rule's title): what most rules are."""
    bare = ir.Schema(s.pointer, if_=s.if_, then=s.then, else_=s.else_, rule=s.rule)
    return s == bare and s.if_ is not None and (s.then is not None or s.else_ is not None)


def string_enum(s: ir.Schema) -> tuple[str, ...] | None:
    """The strings of a node that is only an enum (or const) of strings, with or without `type: string`."""
    if s.has_const and isinstance(s.const, str):
        values: tuple[ir.JsonValue, ...] = (s.const,)
        bare = ir.Schema(s.pointer, types=s.types, has_const=True, const=s.const, rule=s.rule)
    elif s.enum is not None:
        values = s.enum
        bare = ir.Schema(s.pointer, types=s.types, enum=s.enum, rule=s.rule)
    else:
        return None
    if s != bare or s.types not in ((), ("string",)) or not all(isinstance(v, str) for v in values):
        return None
    return tuple(v for v in values if isinstance(v, str))


def not_detail(schema: ir.Schema) -> str:
    """What a `not` forbids, in words."""
    if schema.required and not schema.properties:
        return "must not have " + ", ".join(repr(n) for n in schema.required)
    if schema.any_of and all(c.required and not c.properties for c in schema.any_of):
        return "must not have any of " + ", ".join(repr(n) for c in schema.any_of for n in c.required)
    return "is not allowed here"
