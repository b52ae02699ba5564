"""The keyword entries about a value itself: its type, its enum or const, and what strings and numbers must be."""

from __future__ import annotations

from sunogen import ir

from .checks import Apply, Assert, Check, Compile, Context, Part, said
from .literals import TYPE_TESTS, TYPE_WORDS, as_json, literal, set_literal, type_test

FORMATS = {
    "uri": ("is_uri", "must be an absolute URI"),
    "date-time": ("is_date_time", "must be a date-time as RFC 3339 writes it (2024-05-01T12:30:00Z)"),
}
"""The formats a request may use: the runtime test of each, and its message. Both accept exactly what the
packages jsonschema uses for them accept (rfc3986-validator, rfc3339-validator)."""


def equals_one_of(values: tuple[ir.JsonValue, ...], x: str, s: ir.Schema, ctx: Context, what: str) -> str:
    """True when `x` is one of the values, by JSON equality (1 == 1.0; true is not 1; "a" is not ["a"])."""
    strings = [v for v in values if isinstance(v, str)]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    tests = []
    if len(strings) == 1:
        tests.append(f"{x} == {strings[0]!r}")  # only a string equals a string: no type test needed
    elif strings:
        names = ctx.constant(what, set_literal(strings))
        tests.append(f"{x} in {names}" if s.types == ("string",) else f"(isinstance({x}, str) and {x} in {names})")
    if numbers:
        numeric = ctx.constant(f"{what}_numbers", set_literal(numbers))
        tests.append(f"({TYPE_TESTS['number'].format(x=x)} and {x} in {numeric})")
    tests.extend(f"{x} is {v!r}" for v in values if isinstance(v, bool) or v is None)
    tests.extend(
        f"json_equal({x}, {ctx.constant(f'{what}_value', literal(v))})"
        for v in values
        if isinstance(v, tuple | ir.Frozen)
    )
    return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"


def type_(s: ir.Schema, ctx: Context) -> list[Check]:
    types, words = s.types, " or ".join(TYPE_WORDS[t] for t in s.types)
    return [
        Assert(
            "type",
            lambda x: type_test(types, x),
            lambda x: f'f"must be {words}, not {{json_type({x})}}"',
            stop=True,
        )
    ]


def enum(s: ir.Schema, ctx: Context) -> list[Check]:
    values = s.enum or ()
    allowed = "must be one of " + ", ".join(as_json(v) for v in values)
    return [Assert("enum", lambda x: equals_one_of(values, x, s, ctx, "enum"), said(allowed))]


def const(s: ir.Schema, ctx: Context) -> list[Check]:
    value = (s.const,)
    return [Assert("const", lambda x: equals_one_of(value, x, s, ctx, "const"), said("must be " + as_json(s.const)))]


# -- strings ----------------------------------------------------------------------------------------------------


def min_length(s: ir.Schema, ctx: Context) -> list[Check]:
    n = s.number("minLength")
    return [
        Assert(
            "minLength", lambda x: f"len({x}) >= {n}", lambda x: f'f"must be at least {n} characters, not {{len({x})}}"'
        )
    ]


def max_length(s: ir.Schema, ctx: Context) -> list[Check]:
    n = s.number("maxLength")
    return [
        Assert(
            "maxLength", lambda x: f"len({x}) <= {n}", lambda x: f'f"must be at most {n} characters, not {{len({x})}}"'
        )
    ]


def pattern(s: ir.Schema, ctx: Context) -> list[Check]:
    pattern = str(s.text("pattern"))
    compiled = ctx.constant("pattern", f"re.compile({pattern!r})")
    return [Assert("pattern", lambda x: f"{compiled}.search({x}) is not None", said("must match " + pattern))]


def format_(s: ir.Schema, ctx: Context) -> list[Check]:
    test, message = FORMATS[str(s.text("format"))]
    return [Assert("format", lambda x: f"{test}({x})", said(message))]


def media_type(s: ir.Schema, ctx: Context) -> list[Check]:
    # contentMediaType: application/json (the only one the check stage lets through): the string is a JSON text,
    # and contentSchema, if any, applies to the document it holds
    checks: list[Check] = [
        Assert("contentMediaType", lambda x: f"json_document({x}) is not MISSING", said("must hold a JSON document"))
    ]
    content = s.schema("contentSchema")
    if content is not None:
        checks.append(Apply(content, Part("document")))
    return checks


# -- numbers ----------------------------------------------------------------------------------------------------


def bound(keyword: str, op: str, words: str) -> Compile:
    def compile_bound(s: ir.Schema, ctx: Context) -> list[Check]:
        bound = s.number(keyword)
        return [Assert(keyword, lambda x: f"{x} {op} {bound!r}", said(f"must be {words} {bound!r}"))]

    return compile_bound


def multiple_of(s: ir.Schema, ctx: Context) -> list[Check]:
    d = s.number("multipleOf")
    return [Assert("multipleOf", lambda x: f"is_multiple({x}, {d!r})", said(f"must be a multiple of {d!r}"))]


def size(keyword: str, op: str, words: str, unit: str) -> Compile:
    def compile_size(s: ir.Schema, ctx: Context) -> list[Check]:
        n = s.number(keyword)
        plural = unit if n == 1 else unit + "s"
        return [Assert(keyword, lambda x: f"len({x}) {op} {n}", said(f"must have {words} {n} {plural}"))]

    return compile_size
