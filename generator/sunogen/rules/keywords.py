"""The keyword table: one entry per JSON Schema 2020-12 keyword a spec may use, and everything about it.

An entry says how the keyword's value must look (`value`, read by the check and build stages), which JSON type it
constrains (`applies_to`: a string keyword says nothing about a number), and how it compiles (`compile`: the
checks it asks of a value, see checks.py, each with its test and its violation message). The valid pass and the
violation pass derive from these checks alone, the way `jsonschema`'s `_keywords.py` drives its validator:
adding a keyword is adding an entry here (and a case to the tests). A keyword absent from the table is a spec
error (`unsupported-keyword`), never dropped silently.

Entries are in the order their checks run: `type` first (a value of the wrong type gets that one violation), then
the value keywords, each type's keywords together (one type test guards them all), then the applicators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sunogen import ir

from .checks import Apply, Assert, Branch, Check, Each, Expr, Part
from .literals import TYPE_TESTS, TYPE_WORDS, as_json, literal, member_path, negated, set_literal, type_test
from .values import (
    Annotation,
    Choice,
    Count,
    Flag,
    Format,
    NamedSubschemas,
    NameLists,
    Names,
    Number,
    Ref,
    Regex,
    Subschema,
    Subschemas,
    Text,
    Types,
    Value,
    Values,
)


class Context(Protocol):
    """What an entry may ask of the compiler while compiling one node."""

    def ok(self, schema: ir.Schema, x: str) -> str:
        """The valid pass's expression for `schema` over `x` (the same value as the node's, or a part of it)."""

    def constant(self, what: str, source: str) -> str:
        """The name of a module constant holding `source`, named after the node and `what` it is."""

    def component(self, name: str) -> ir.Schema:
        """The schema of a component a `$ref` names."""


Compile = Callable[[ir.Schema, Context], list[Check]]


@dataclass(frozen=True, slots=True)
class Keyword:
    """One JSON Schema keyword: its value's kind, the type it constrains, and the checks it compiles to.

    `compile` is None for an annotation, and for a keyword another entry reads (`then` is compiled by `if`);
    `needs` names the keyword without which it means nothing (a spec error otherwise). `positions`: its
    subschemas apply to places in the payload's shape (a member, an item), which get the JSON-value checks.
    `in_place`: its subschemas apply to the very value the node applies to (a schema that reaches itself this
    way would never finish validating).
    """

    value: Value
    applies_to: str | None = None
    compile: Compile | None = None
    needs: str | None = None
    positions: bool = False
    in_place: bool = False


FORMATS = {
    "uri": ("is_uri", "must be an absolute URI"),
    "date-time": ("is_date_time", "must be a date-time as RFC 3339 writes it (2024-05-01T12:30:00Z)"),
}
"""The formats a request may use: the runtime test of each, and its message. Both accept exactly what the
packages jsonschema uses for them accept (rfc3986-validator, rfc3339-validator)."""


# -- messages -----------------------------------------------------------------------------------------------------


def describe(s: ir.Schema) -> str:
    """A short phrase for what a schema accepts, for messages about anyOf/oneOf branches and contains."""
    if s.has("$ref") and len(s.keywords) == 1:
        return str(s.ref)
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


def _said(text: str) -> Expr:
    """A fixed message, as the Python literal a violation is made with."""
    return lambda x: repr(text)


def _fixed(expression: str) -> Expr:
    """An expression that names its variables itself (`k` in a loop over members)."""
    return lambda k: expression


def _has(name: str) -> Expr:
    return lambda x: f"{name!r} in {x}"


def _member_at(name: str) -> Expr:
    return lambda path: member_path(path, name)


def _needs(name: str, other: str) -> Expr:
    return lambda x: f"({name!r} not in {x} or {other!r} in {x})"


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


# -- any type ---------------------------------------------------------------------------------------------------


def _type(s: ir.Schema, ctx: Context) -> list[Check]:
    types, words = s.types, " or ".join(TYPE_WORDS[t] for t in s.types)
    return [
        Assert(
            "type",
            lambda x: type_test(types, x),
            lambda x: f'f"must be {words}, not {{json_type({x})}}"',
            stop=True,
        )
    ]


def _enum(s: ir.Schema, ctx: Context) -> list[Check]:
    values = s.enum or ()
    allowed = "must be one of " + ", ".join(as_json(v) for v in values)
    return [Assert("enum", lambda x: equals_one_of(values, x, s, ctx, "enum"), _said(allowed))]


def _const(s: ir.Schema, ctx: Context) -> list[Check]:
    value = (s.const,)
    return [Assert("const", lambda x: equals_one_of(value, x, s, ctx, "const"), _said("must be " + as_json(s.const)))]


# -- strings ----------------------------------------------------------------------------------------------------


def _min_length(s: ir.Schema, ctx: Context) -> list[Check]:
    n = s.number("minLength")
    return [
        Assert(
            "minLength", lambda x: f"len({x}) >= {n}", lambda x: f'f"must be at least {n} characters, not {{len({x})}}"'
        )
    ]


def _max_length(s: ir.Schema, ctx: Context) -> list[Check]:
    n = s.number("maxLength")
    return [
        Assert(
            "maxLength", lambda x: f"len({x}) <= {n}", lambda x: f'f"must be at most {n} characters, not {{len({x})}}"'
        )
    ]


def _pattern(s: ir.Schema, ctx: Context) -> list[Check]:
    pattern = str(s.text("pattern"))
    compiled = ctx.constant("pattern", f"re.compile({pattern!r})")
    return [Assert("pattern", lambda x: f"{compiled}.search({x}) is not None", _said("must match " + pattern))]


def _format(s: ir.Schema, ctx: Context) -> list[Check]:
    test, message = FORMATS[str(s.text("format"))]
    return [Assert("format", lambda x: f"{test}({x})", _said(message))]


def _media_type(s: ir.Schema, ctx: Context) -> list[Check]:
    # contentMediaType: application/json (the only one the check stage lets through): the string is a JSON text,
    # and contentSchema, if any, applies to the document it holds
    checks: list[Check] = [
        Assert("contentMediaType", lambda x: f"json_document({x}) is not MISSING", _said("must hold a JSON document"))
    ]
    content = s.schema("contentSchema")
    if content is not None:
        checks.append(Apply(content, Part("document")))
    return checks


# -- numbers ----------------------------------------------------------------------------------------------------


def _bound(keyword: str, op: str, words: str) -> Compile:
    def compile_bound(s: ir.Schema, ctx: Context) -> list[Check]:
        bound = s.number(keyword)
        return [Assert(keyword, lambda x: f"{x} {op} {bound!r}", _said(f"must be {words} {bound!r}"))]

    return compile_bound


def _multiple_of(s: ir.Schema, ctx: Context) -> list[Check]:
    d = s.number("multipleOf")
    return [Assert("multipleOf", lambda x: f"is_multiple({x}, {d!r})", _said(f"must be a multiple of {d!r}"))]


# -- objects ----------------------------------------------------------------------------------------------------


def _required(s: ir.Schema, ctx: Context) -> list[Check]:
    return [
        Assert(
            "required",
            _has(name),
            _said(f"{name!r} is required"),
            at=_member_at(name),
        )
        for name in s.required
    ]


def _properties(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(child, Part("member", name)) for name, child in s.properties]


def declared(s: ir.Schema, ctx: Context) -> str:
    """The member names `properties` declares: a constant, or `()` when it declares none."""
    names = [name for name, _ in s.properties]
    return ctx.constant("fields", set_literal(names)) if names else "()"


def _matches_a_pattern(s: ir.Schema, ctx: Context, k: str) -> str | None:
    patterns = [ctx.constant("pattern", f"re.compile({p!r})") for p, _ in s.members("patternProperties")]
    if not patterns:
        return None
    return f"isinstance({k}, str) and (" + " or ".join(f"{p}.search({k}) is not None" for p in patterns) + ")"


def _additional_properties(s: ir.Schema, ctx: Context) -> list[Check]:
    extra = s.schema("additionalProperties")
    if extra is None or (not extra.keywords and not extra.never):
        return []
    known = declared(s, ctx)
    matched = _matches_a_pattern(s, ctx, "k")
    tests = [f"k not in {known}"] if s.properties else []
    tests += [f"not ({matched})"] if matched else []
    where = _fixed(" and ".join(tests)) if tests else None
    if not extra.never:
        return [Each("additionalProperties", "members", schema=extra, where=where)]
    unknown = Assert(
        "additionalProperties", None, lambda k: 'f"unknown field {k!r}"', at=lambda path: f"path_key({path}, k)"
    )
    if matched:
        return [Each("additionalProperties", "members", test=unknown, where=where)]
    whole = (lambda x: f"{known}.issuperset({x})") if s.properties else (lambda x: f"not {x}")
    return [Each("additionalProperties", "members", test=unknown, where=where, whole=whole)]


def _pattern_properties(s: ir.Schema, ctx: Context) -> list[Check]:
    checks: list[Check] = []
    for pattern, child in s.members("patternProperties"):
        compiled = ctx.constant("pattern", f"re.compile({pattern!r})")
        where = f"isinstance(k, str) and {compiled}.search(k) is not None"
        checks.append(Each("patternProperties", "members", schema=child, where=_fixed(where)))
    return checks


def _property_names(s: ir.Schema, ctx: Context) -> list[Check]:
    names = s.schema("propertyNames")
    assert names is not None
    test = Assert(
        "propertyNames",
        lambda k: ctx.ok(names, k),
        lambda k: f'f"field {{{k}!r}} is not allowed here"',
        at=lambda path: f"path_key({path}, k)",
        rule=names.rule,
    )
    return [Each("propertyNames", "members", test=test, whole=_names_test(names, ctx))]


def _string_choices(s: ir.Schema) -> list[str] | None:
    """The strings of a node that is only an enum (or const) of strings, with or without `type: string`."""
    values = s.enum if s.has("enum") else (s.const,) if s.has_const else None
    others = [name for name, _ in s.keywords if name not in ("enum", "const", "type")]
    if values is None or others or s.types not in ((), ("string",)) or (s.has("enum") and s.has_const):
        return None
    strings = [v for v in values if isinstance(v, str)]
    return strings if len(strings) == len(values) else None


def _names_test(names: ir.Schema, ctx: Context) -> Callable[[str], str] | None:
    """propertyNames as one set operation over a dict's keys, when it allows (or forbids) a few names."""
    allowed = _string_choices(names)
    if allowed is not None:
        known = ctx.constant("names", set_literal(allowed))
        return lambda x: f"{known}.issuperset({x})"
    forbidden = names.schema("not")
    choices = _string_choices(forbidden) if forbidden is not None and len(names.keywords) == 1 else None
    if choices is not None:
        taken = ctx.constant("names", set_literal(choices))
        return lambda x: f"{taken}.isdisjoint({x})"
    return None


def _dependent_required(s: ir.Schema, ctx: Context) -> list[Check]:
    dependencies = s.json("dependentRequired")
    assert isinstance(dependencies, ir.Frozen)
    return [
        Assert(
            "dependentRequired",
            _needs(name, other),
            _said(f"{other!r} is required when {name!r} is present"),
            at=_member_at(other),
        )
        for name, needed in dependencies.items
        if isinstance(needed, tuple)
        for other in needed
        if isinstance(other, str)
    ]


def _dependent_schemas(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(child, when=_has(name)) for name, child in s.members("dependentSchemas")]


def _size(keyword: str, op: str, words: str, unit: str) -> Compile:
    def compile_size(s: ir.Schema, ctx: Context) -> list[Check]:
        n = s.number(keyword)
        plural = unit if n == 1 else unit + "s"
        return [Assert(keyword, lambda x: f"len({x}) {op} {n}", _said(f"must have {words} {n} {plural}"))]

    return compile_size


# -- arrays -----------------------------------------------------------------------------------------------------


def _prefix_items(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(child, Part("item", index=i)) for i, child in enumerate(s.schemas("prefixItems"))]


def _items(s: ir.Schema, ctx: Context) -> list[Check]:
    items = s.items
    start = len(s.schemas("prefixItems"))
    if items is None or (not items.keywords and not items.never):
        return []
    if items.never:
        detail = "must be empty" if start == 0 else f"must have at most {start} item{'s' if start > 1 else ''}"
        return [Assert("items", lambda x: f"len({x}) <= {start}", _said(detail))]
    return [Each("items", "items", schema=items, start=start)]


def _unique_items(s: ir.Schema, ctx: Context) -> list[Check]:
    if s.json("uniqueItems") is not True:
        return []
    return [Assert("uniqueItems", lambda x: f"unique_items({x})", _said("must not hold the same item twice"))]


def _contains(s: ir.Schema, ctx: Context) -> list[Check]:
    wanted = s.schema("contains")
    assert wanted is not None
    low, high = s.number("minContains"), s.number("maxContains")
    low = 1 if low is None else low
    what = describe(wanted)
    if high is None:
        if low == 0:
            return []
        if low == 1:
            return [
                Assert(
                    "contains",
                    lambda x: f"any({ctx.ok(wanted, 'item')} for item in {x})",
                    _said(f"must contain an item that is {what}"),
                )
            ]

    def count(x: str) -> str:
        return f"sum(1 for item in {x} if {ctx.ok(wanted, 'item')})"

    if high is None:
        detail = f"must contain at least {low} items that are {what}"
        return [Assert("minContains", lambda x: f"{count(x)} >= {low}", _said(detail))]
    words = f"at most {high}" if low == 0 else f"between {low} and {high}"
    detail = f"must contain {words} items that are {what}"
    return [Assert("maxContains", lambda x: f"{low} <= {count(x)} <= {high}", _said(detail))]


# -- applicators ------------------------------------------------------------------------------------------------


def _ref(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(ctx.component(str(s.ref)))]


def _all_of(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(child) for child in s.all_of]


def _branches(s: ir.Schema, keyword: str) -> str:
    shapes = [c.rule.message if c.rule is not None else describe(c) for c in s.schemas(keyword)]
    return "must be " + ("exactly one" if keyword == "oneOf" else "one") + " of: " + "; ".join(shapes)


def _any_of(s: ir.Schema, ctx: Context) -> list[Check]:
    children = s.any_of

    def any_one(x: str) -> str:
        return "(" + " or ".join(ctx.ok(c, x) for c in children) + ")"

    return [Assert("anyOf", any_one, _said(_branches(s, "anyOf")))]


def _one_of(s: ir.Schema, ctx: Context) -> list[Check]:
    children = s.one_of

    def exactly_one(x: str) -> str:
        return "(" + " + ".join(f"(1 if {ctx.ok(c, x)} else 0)" for c in children) + ") == 1"

    return [Assert("oneOf", exactly_one, _said(_branches(s, "oneOf")))]


def _not(s: ir.Schema, ctx: Context) -> list[Check]:
    child = s.schema("not")
    assert child is not None
    return [Assert("not", lambda x: negated(ctx.ok(child, x)), _said(not_detail(child)), rule=child.rule)]


def _if(s: ir.Schema, ctx: Context) -> list[Check]:
    condition, then, else_ = s.schema("if"), s.schema("then"), s.schema("else")
    assert condition is not None
    if then is None and else_ is None:
        return []  # `if` alone is an annotation
    return [Branch(condition, then, else_)]


KEYWORDS: dict[str, Keyword] = {
    "type": Keyword(Types(), compile=_type),
    "enum": Keyword(Values(), compile=_enum),
    "const": Keyword(Value(), compile=_const),
    "minLength": Keyword(Count(), "string", _min_length),
    "maxLength": Keyword(Count(), "string", _max_length),
    "pattern": Keyword(Regex(), "string", _pattern),
    "format": Keyword(Format(), "string", _format),
    "contentMediaType": Keyword(Choice("application/json", code="unsupported-media-type"), "string", _media_type),
    "contentSchema": Keyword(Subschema(), needs="contentMediaType"),
    "minimum": Keyword(Number(), "number", _bound("minimum", ">=", "at least")),
    "maximum": Keyword(Number(), "number", _bound("maximum", "<=", "at most")),
    "exclusiveMinimum": Keyword(Number(), "number", _bound("exclusiveMinimum", ">", "greater than")),
    "exclusiveMaximum": Keyword(Number(), "number", _bound("exclusiveMaximum", "<", "less than")),
    "multipleOf": Keyword(Number(positive=True), "number", _multiple_of),
    "required": Keyword(Names(), "object", _required),
    "properties": Keyword(NamedSubschemas(), "object", _properties, positions=True),
    "additionalProperties": Keyword(Subschema(), "object", _additional_properties),
    "patternProperties": Keyword(NamedSubschemas(patterns=True), "object", _pattern_properties),
    "propertyNames": Keyword(Subschema(), "object", _property_names),
    "dependentRequired": Keyword(NameLists(), "object", _dependent_required),
    "dependentSchemas": Keyword(NamedSubschemas(), "object", _dependent_schemas, in_place=True),
    "minProperties": Keyword(Count(), "object", _size("minProperties", ">=", "at least", "member")),
    "maxProperties": Keyword(Count(), "object", _size("maxProperties", "<=", "at most", "member")),
    "prefixItems": Keyword(Subschemas(), "array", _prefix_items, positions=True),
    "items": Keyword(Subschema(), "array", _items, positions=True),
    "minItems": Keyword(Count(), "array", _size("minItems", ">=", "at least", "item")),
    "maxItems": Keyword(Count(), "array", _size("maxItems", "<=", "at most", "item")),
    "uniqueItems": Keyword(Flag(), "array", _unique_items),
    "contains": Keyword(Subschema(), "array", _contains),
    "minContains": Keyword(Count(), needs="contains"),
    "maxContains": Keyword(Count(), needs="contains"),
    "$ref": Keyword(Ref(), compile=_ref, in_place=True),
    "allOf": Keyword(Subschemas(), compile=_all_of, in_place=True),
    "anyOf": Keyword(Subschemas(), compile=_any_of, in_place=True),
    "oneOf": Keyword(Subschemas(), compile=_one_of, in_place=True),
    "not": Keyword(Subschema(), compile=_not, in_place=True),
    "if": Keyword(Subschema(), compile=_if, in_place=True),
    "then": Keyword(Subschema(), needs="if", in_place=True),
    "else": Keyword(Subschema(), needs="if", in_place=True),
    "title": Keyword(Text()),
    "description": Keyword(Text()),
    "$comment": Keyword(Text()),
    "default": Keyword(Annotation()),
    "examples": Keyword(Annotation()),
    "deprecated": Keyword(Annotation()),
}
"""Every keyword a spec may use, in the order their checks run."""
