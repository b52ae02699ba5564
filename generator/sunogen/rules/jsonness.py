"""The JSON-value checks: what makes each place of a payload hold only values a client can send.

`validate()` must not accept what the client's encoder refuses (NaN, 1e400, a lone surrogate, a set, a key that is
not a string: see runtime/json_values.py). A place in the payload's shape (the body, a member `properties` names,
an item) is checked once, by the node of its shape, and only for what that node's own keywords leave open:

- a node pinned to values from the spec (an enum, a const, `type: boolean`) or a `$ref` (its component checks) needs
  nothing; nor does a string with a format (a URI or a date-time is ASCII);
- a string is tested for surrogates (`isascii()` first: a few nanoseconds for most strings), a number for being
  finite and writable;
- an object, for its member names and its undeclared members (none where `additionalProperties: false` alone
  decides); an array, for the items no item schema covers;
- a node with no type (a free-form value) is walked whole.

Nodes under applicators (allOf, if, not...) test the same value as the place's own node and add nothing.
"""

from __future__ import annotations

from sunogen import ir

from .checks import Assert, Check, Context
from .object_keywords import declared

_PINNED = frozenset({"boolean", "null"})


def _pins(s: ir.Schema) -> bool:
    """Whether every value the node accepts is one the encoder writes, by its own keywords alone."""
    if s.never or s.has("enum") or s.has_const or s.has("$ref"):
        return True
    if s.types and set(s.types) <= _PINNED:
        return True
    if s.types == ("string",) and s.has("format"):
        return True
    branches = s.any_of + s.one_of
    return (bool(branches) and all(_pins(c) for c in branches)) or any(_pins(c) for c in s.all_of)


def _assert(test: str, report: str) -> Assert:
    return Assert(
        "json",
        lambda x: test.format(x=x),
        lambda x: repr("is not a JSON value"),
        report=lambda x, path, rule: report.format(x=x, path=path),
    )


def json_checks(s: ir.Schema, ctx: Context) -> list[tuple[str | None, Check]]:
    """The JSON-value checks of a place's node, each with the JSON type it applies to (None: any value)."""
    if _pins(s):
        return []
    if not s.types:
        return [(None, _assert("is_json({x})", "json_violations({x}, {path}, out)"))]
    checks: list[tuple[str | None, Check]] = []
    if "string" in s.types and not s.has("format"):
        checks.append(("string", _assert("({x}.isascii() or is_text({x}))", "out.append(not_json({path}, {x}))")))
    if "number" in s.types or "integer" in s.types:
        checks.append(("number", _assert("abs({x}) < NUMBER_LIMIT", "out.append(not_json({path}, {x}))")))
    extra = s.schema("additionalProperties")
    if "object" in s.types and not (extra is not None and extra.never and not s.has("patternProperties")):
        names = declared(s, ctx)
        checks.append(
            (
                "object",
                _assert(f"json_members({{x}}, {names})", f"json_member_violations({{x}}, {names}, {{path}}, out)"),
            )
        )
    items = s.items
    if "array" in s.types and (items is None or not (items.keywords or items.never)):
        start = len(s.schemas("prefixItems"))
        checks.append(
            ("array", _assert(f"json_items({{x}}, {start})", f"json_item_violations({{x}}, {start}, {{path}}, out)"))
        )
    return checks
