"""The keyword entries that apply subschemas: to the value itself (allOf, if...), or to an array's items."""

from __future__ import annotations

from sunogen import ir

from .checks import Apply, Assert, Branch, Check, Context, Each, Part, said
from .literals import TYPE_WORDS, as_json, negated
from .value_keywords import FORMATS


def describe(s: ir.Schema, ctx: Context) -> str:
    """A short phrase for what a schema accepts, for messages about anyOf/oneOf branches and contains."""
    if s.has("$ref") and len(s.keywords) == 1:
        return describe(ctx.component(str(s.ref)), ctx)
    if s.has_const:
        return as_json(s.const)
    if s.enum is not None:
        return "one of " + ", ".join(as_json(v) for v in s.enum)
    words = " or ".join(TYPE_WORDS[t] for t in s.types) or "a value"
    if s.has("format"):
        words += " holding " + str(FORMATS[str(s.text("format"))][1]).removeprefix("must be ")
    if s.has("maxLength"):
        words += f" of at most {s.number('maxLength')} characters"
    return words


def not_detail(s: ir.Schema) -> str:
    """What a `not` forbids, in words."""
    if s.required and not s.properties:
        return "must not have " + ", ".join(repr(n) for n in s.required)
    if s.any_of and all(c.required and not c.properties for c in s.any_of):
        return "must not have any of " + ", ".join(repr(n) for c in s.any_of for n in c.required)
    return "is not allowed here"


# -- arrays -----------------------------------------------------------------------------------------------------


def prefix_items(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(child, Part("item", index=i)) for i, child in enumerate(s.schemas("prefixItems"))]


def items(s: ir.Schema, ctx: Context) -> list[Check]:
    items = s.items
    start = len(s.schemas("prefixItems"))
    if items is None or (not items.keywords and not items.never):
        return []
    if items.never:
        detail = "must be empty" if start == 0 else f"must have at most {start} item{'s' if start > 1 else ''}"
        return [Assert("items", lambda x: f"len({x}) <= {start}", said(detail))]
    return [Each("items", "items", schema=items, start=start)]


def unique_items(s: ir.Schema, ctx: Context) -> list[Check]:
    if s.json("uniqueItems") is not True:
        return []
    return [Assert("uniqueItems", lambda x: f"unique_items({x})", said("must not hold the same item twice"))]


def contains(s: ir.Schema, ctx: Context) -> list[Check]:
    wanted = s.schema("contains")
    assert wanted is not None
    low, high = s.number("minContains"), s.number("maxContains")
    low = 1 if low is None else low
    what = describe(wanted, ctx)
    if high is None:
        if low == 0:
            return []
        if low == 1:
            return [
                Assert(
                    "contains",
                    lambda x: f"any({ctx.ok_part(wanted, 'item')} for item in {x})",
                    said(f"must contain an item that is {what}"),
                )
            ]

    def count(x: str) -> str:
        return f"sum(1 for item in {x} if {ctx.ok_part(wanted, 'item')})"

    if high is None:
        detail = f"must contain at least {low} items that are {what}"
        return [Assert("minContains", lambda x: f"{count(x)} >= {low}", said(detail))]
    words = f"at most {high}" if low == 0 else f"between {low} and {high}"
    detail = f"must contain {words} items that are {what}"
    return [Assert("maxContains", lambda x: f"{low} <= {count(x)} <= {high}", said(detail))]


# -- applicators ------------------------------------------------------------------------------------------------


def ref(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(ctx.component(str(s.ref)))]


def all_of(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(child) for child in s.all_of]


def _branches(s: ir.Schema, keyword: str, ctx: Context) -> str:
    shapes = [c.rule.message if c.rule is not None else describe(c, ctx) for c in s.schemas(keyword)]
    return "must be " + ("exactly one" if keyword == "oneOf" else "one") + " of: " + "; ".join(shapes)


def any_of(s: ir.Schema, ctx: Context) -> list[Check]:
    children = s.any_of

    def any_one(x: str) -> str:
        return "(" + " or ".join(ctx.ok(c, x) for c in children) + ")"

    return [Assert("anyOf", any_one, said(_branches(s, "anyOf", ctx)))]


def one_of(s: ir.Schema, ctx: Context) -> list[Check]:
    children = s.one_of

    def exactly_one(x: str) -> str:
        return "(" + " + ".join(f"(1 if {ctx.ok(c, x)} else 0)" for c in children) + ") == 1"

    return [Assert("oneOf", exactly_one, said(_branches(s, "oneOf", ctx)))]


def not_(s: ir.Schema, ctx: Context) -> list[Check]:
    child = s.schema("not")
    assert child is not None
    return [Assert("not", lambda x: negated(ctx.ok(child, x)), said(not_detail(child)), rule=child.rule)]


def if_(s: ir.Schema, ctx: Context) -> list[Check]:
    condition, then, else_ = s.schema("if"), s.schema("then"), s.schema("else")
    assert condition is not None
    if then is None and else_ is None:
        return []  # `if` alone is an annotation
    return [Branch(condition, then, else_)]
