"""What a keyword asks of a value, as data: four kinds of check that both passes of the compiler turn into code.

A keyword entry (keywords.py) compiles its keyword of a schema node into a few checks, asking the compiler what
it needs through a Context; the valid pass (valid.py) makes each a boolean expression or early-exit statements,
the violation pass (violations.py) statements that append violations. Neither pass knows a keyword, and no entry
knows how code is laid out.

Expressions are built by functions of the expression they test (`x`), because the same check is printed over
`x`, `v` or `x["input"]` depending on where it lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from sunogen import ir

from .literals import member_path

Expr = Callable[[str], str]
"""The Python expression of something about the value whose expression is the argument."""


@dataclass(frozen=True, slots=True)
class Assert:
    """A test of the value itself; when it fails, one violation of `keyword`, worded by `message`.

    `message` is the Python expression of the detail (a string literal, or an f-string over the value). The
    violation is at the value's path unless `at` maps that path expression to another (`required` reports the
    missing member's path). `rule` words it instead of the enclosing rule (`not` around a titled schema). `stop`:
    when the test fails, the node's other keywords are not checked (the type keyword: they would repeat it).
    `report`, given (value, path, rule) expressions, is a statement that appends the violations itself, for a
    test that may find several (a walk of a free-form value).
    """

    keyword: str
    test: Expr | None  # None: always fails (an Each's test of the parts it picks: additionalProperties false)
    message: Expr
    at: Expr | None = None
    rule: ir.Rule | None = None
    stop: bool = False
    report: Callable[[str, str, str], str] | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """Where a subschema applies: the value itself, a member, an item, or the JSON document a string holds."""

    kind: Literal["whole", "member", "item", "document"] = "whole"
    name: str = ""
    index: int = 0


WHOLE = Part()


@dataclass(frozen=True, slots=True)
class Apply:
    """A subschema applied to a part of the value, when that part is there (and `when` holds, if given)."""

    schema: ir.Schema
    part: Part = WHOLE
    when: Expr | None = None


@dataclass(frozen=True, slots=True)
class Each:
    """A subschema (or an Assert on the member's name) for every member or item a loop yields.

    Over members the loop binds `k` and `v`, over items `i` and `v` (items from `start` on). `where` (over `k`,
    or `i`) picks the parts the keyword is about; `schema` applies to each `v`, or `test` (an Assert over `k`)
    judges each name. `whole`, when given, is a loop-free expression over the value that holds exactly when every
    part passes: the valid pass uses it instead of the loop, and the violation pass asks it before looping.
    """

    keyword: str
    over: Literal["members", "items"]
    schema: ir.Schema | None = None
    test: Assert | None = None
    where: Expr | None = None
    start: int = 0
    whole: Expr | None = None


@dataclass(frozen=True, slots=True)
class Branch:
    """if/then/else: `then` applies to the value when `if_` holds, `else_` when it does not."""

    if_: ir.Schema
    then: ir.Schema | None
    else_: ir.Schema | None


Check = Assert | Apply | Each | Branch


class Context(Protocol):
    """What an entry may ask of the compiler while compiling one node."""

    def ok(self, schema: ir.Schema, x: str) -> str:
        """The valid pass's expression for `schema` over `x`, the node's own value (its type test has passed)."""

    def ok_part(self, schema: ir.Schema, x: str) -> str:
        """The valid pass's expression for `schema` over `x`, a part of the value (an item, a member's name)."""

    def constant(self, what: str, source: str) -> str:
        """The name of a module constant holding `source`, named after the node and `what` it is."""

    def component(self, name: str) -> ir.Schema:
        """The schema of a component a `$ref` names."""


Compile = Callable[[ir.Schema, Context], list[Check]]
"""A keyword entry's compiler: the checks its keyword asks of a node's value."""


# -- small expressions the entries share -------------------------------------------------------------------------


def said(text: str) -> Expr:
    """A fixed message, as the Python literal a violation is made with."""
    return lambda x: repr(text)


def fixed(expression: str) -> Expr:
    """An expression that names its variables itself (`k` in a loop over members)."""
    return lambda k: expression


def has(name: str) -> Expr:
    """True when the value has the member `name`."""
    return lambda x: f"{name!r} in {x}"


def member_at(name: str) -> Expr:
    """The path of the member `name` under a path."""
    return lambda path: member_path(path, name)


def needs(name: str, other: str) -> Expr:
    """True when the value has `other` or lacks `name` (dependentRequired)."""
    return lambda x: f"({name!r} not in {x} or {other!r} in {x})"
