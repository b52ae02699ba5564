"""The keyword entries about objects: the members they must, may and must not have."""

from __future__ import annotations

from collections.abc import Callable

from sunogen import ir

from .checks import Apply, Assert, Check, Context, Each, Part, fixed, has, member_at, needs, said
from .literals import set_literal


def required(s: ir.Schema, ctx: Context) -> list[Check]:
    return [
        Assert(
            "required",
            has(name),
            said(f"{name!r} is required"),
            at=member_at(name),
        )
        for name in s.required
    ]


def properties(s: ir.Schema, ctx: Context) -> list[Check]:
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


def additional_properties(s: ir.Schema, ctx: Context) -> list[Check]:
    extra = s.schema("additionalProperties")
    if extra is None or (not extra.keywords and not extra.never):
        return []
    known = declared(s, ctx)
    matched = _matches_a_pattern(s, ctx, "k")
    tests = [f"k not in {known}"] if s.properties else []
    tests += [f"not ({matched})"] if matched else []
    where = fixed(" and ".join(tests)) if tests else None
    if not extra.never:
        return [Each("additionalProperties", "members", schema=extra, where=where)]
    unknown = Assert(
        "additionalProperties", None, lambda k: 'f"unknown field {k!r}"', at=lambda path: f"path_key({path}, k)"
    )
    if matched:
        return [Each("additionalProperties", "members", test=unknown, where=where)]
    whole = (lambda x: f"{known}.issuperset({x})") if s.properties else (lambda x: f"not {x}")
    return [Each("additionalProperties", "members", test=unknown, where=where, whole=whole)]


def pattern_properties(s: ir.Schema, ctx: Context) -> list[Check]:
    checks: list[Check] = []
    for pattern, child in s.members("patternProperties"):
        compiled = ctx.constant("pattern", f"re.compile({pattern!r})")
        where = f"isinstance(k, str) and {compiled}.search(k) is not None"
        checks.append(Each("patternProperties", "members", schema=child, where=fixed(where)))
    return checks


def property_names(s: ir.Schema, ctx: Context) -> list[Check]:
    names = s.schema("propertyNames")
    assert names is not None
    test = Assert(
        "propertyNames",
        lambda k: ctx.ok_part(names, k),
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


def dependent_required(s: ir.Schema, ctx: Context) -> list[Check]:
    dependencies = s.json("dependentRequired")
    assert isinstance(dependencies, ir.Frozen)
    return [
        Assert(
            "dependentRequired",
            needs(name, other),
            said(f"{other!r} is required when {name!r} is present"),
            at=member_at(other),
        )
        for name, needed in dependencies.items
        if isinstance(needed, tuple)
        for other in needed
        if isinstance(other, str)
    ]


def dependent_schemas(s: ir.Schema, ctx: Context) -> list[Check]:
    return [Apply(child, when=has(name)) for name, child in s.members("dependentSchemas")]
