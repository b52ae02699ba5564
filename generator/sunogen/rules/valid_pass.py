"""The valid pass: "is it valid?", as a boolean expression in place, or a `_valid_<name>(x)` function with early exits.

It reads each node's checks (the keyword table's, plus the JSON-value checks of a place in the payload) and prints
them: an Assert is its test, an Apply the child's own expression, an Each a loop (or its loop-free form), a Branch a
conditional. A small node is an expression at the place that asks; a larger one, or one that loops, a function,
except a rule's `if`, which is written where the rule is however long it is. The violation pass asks it before
descending into anything, and this class also tells both passes what a node's checks are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sunogen import ir

from .checks import Apply, Assert, Branch, Check, Each
from .jsonness import json_checks
from .keywords import KEYWORDS
from .literals import GUARDS, TYPE_TESTS, negated
from .locals import Members
from .module import Module
from .writer import Writer

INLINE_LIMIT = 160
"""The longest expression written in place; a longer one becomes a function."""

Typed = tuple[str | None, Check]
"""A check with the JSON type it applies to (None: every value)."""

_GROUPS = {None: 0, "string": 1, "number": 2, "object": 3, "array": 4}
_FIRST_TYPED = list(KEYWORDS).index(next(name for name, k in KEYWORDS.items() if k.applies_to is not None))
_ORDER = {
    name: ((_GROUPS[k.applies_to] if k.applies_to else 0 if i < _FIRST_TYPED else 5), i)
    for i, (name, k) in enumerate(KEYWORDS.items())
}
"""Where each keyword's checks run: its type's group (the untyped before the first typed keyword lead, the
applicators close), then its place in the table."""


class NodeContext:
    """The compiler as one keyword entry sees it while compiling a node (keywords.Context).

    `known`: the JSON type the node's value is known to have when its keywords other than `type` run, which is
    only once its `type` test passed; a part of the value (an item, a member's name) is of no known type.
    """

    def __init__(self, valid: ValidPass, node: ir.Schema, known: str | None) -> None:
        self.valid = valid
        self.node = node
        self.known = known

    def ok(self, schema: ir.Schema, x: str) -> str:
        return self.valid.ok(schema, x, known=self.known)

    def ok_part(self, schema: ir.Schema, x: str) -> str:
        return self.valid.ok(schema, x)

    def constant(self, what: str, source: str) -> str:
        return self.valid.module.constant(self.node, what, source)

    def component(self, name: str) -> ir.Schema:
        return self.valid.components[name]


def known_after(s: ir.Schema, known: str | None) -> str | None:
    """The JSON type a value is known to have once the node's `type` test passed (None: not one type)."""
    return GUARDS.get(s.types[0]) if len(s.types) == 1 else known


def guard(kind: str | None, known: str | None, x: str) -> str | None:
    """The test that a value is of the type a group of checks applies to; None when nothing needs testing."""
    if kind is None or kind == known:
        return None
    return TYPE_TESTS[kind].format(x=x)


class ValidPass:
    """Compiles schema nodes into boolean expressions over a variable, one function per node where they grow."""

    def __init__(self, module: Module, components: dict[str, ir.Schema], places: frozenset[str]) -> None:
        self.module = module
        self.components = components
        self.places = places
        self._checks: dict[tuple[str, str | None], list[Typed]] = {}
        self._trivial: dict[str, bool] = {}
        self._leaf: dict[str, bool] = {}
        self._expanding: set[str] = set()
        self._members: Members | None = None

    def facts(self, x: str, condition: ir.Schema, known: str | None) -> dict[str, str | None]:
        """What holding `condition` (a rule's `if`) says of the members of `x`: those it requires are there, each
        of the one type its `properties` give it (None: any). Nothing unless `x` is an object (`required` holds for
        any other value) whose members are bound."""
        if known != "object" or self._members is None or self._members.subject != x:
            return {}
        s = self.resolve(condition)
        declared = dict(s.properties)

        def type_of(name: str) -> str | None:
            member = self.resolve(declared[name]) if name in declared else None
            return GUARDS.get(member.types[0]) if member is not None and len(member.types) == 1 else None

        return {name: type_of(name) for name in s.required}

    @contextmanager
    def members_bound(self, members: Members) -> Iterator[None]:
        """Inside the block, expressions read the members of `members.subject` from the locals it names."""
        outer, self._members = self._members, members
        try:
            yield
        finally:
            self._members = outer

    # -- what a node asks ------------------------------------------------------------------------------------

    def resolve(self, s: ir.Schema) -> ir.Schema:
        """The component a node that is only a `$ref` names (its rule, if any, aside); the node itself otherwise."""
        while s.keywords and len(s.keywords) == 1 and s.ref is not None and not s.never:
            s = self.components[s.ref]
        return s

    def checks(self, s: ir.Schema, known: str | None = None) -> list[Typed]:
        """The node's checks in the order they run, type groups together; those about trivial subschemas left out."""
        key = (s.pointer, known)
        if key not in self._checks:
            self._checks[key] = self._compile(s, known)
        return self._checks[key]

    def _compile(self, s: ir.Schema, known: str | None) -> list[Typed]:
        if s.never:
            return [(None, Assert("false", lambda x: "False", lambda x: repr("is not allowed here")))]
        ctx = NodeContext(self, s, known_after(s, known))
        found: list[tuple[tuple[int, int], Typed]] = []
        for name in sorted((name for name, _ in s.keywords), key=_ORDER.__getitem__):
            entry = KEYWORDS[name]
            if entry.compile is not None:
                found.extend((_ORDER[name], (entry.applies_to, c)) for c in entry.compile(s, ctx) if not self._idle(c))
        if s.pointer in self.places:
            found.extend(((_GROUPS[kind] if kind else 5, len(_ORDER)), (kind, c)) for kind, c in json_checks(s, ctx))
        return [typed for _, typed in sorted(found, key=lambda pair: pair[0])]

    def _idle(self, check: Check) -> bool:
        """Whether a check applies a subschema that checks nothing."""
        if isinstance(check, Apply | Each) and check.schema is not None:
            return self.trivial(check.schema)
        if isinstance(check, Branch):
            return all(c is None or self.trivial(c) for c in (check.then, check.else_))
        return False

    def trivial(self, s: ir.Schema) -> bool:
        """Whether every value satisfies the node (in its place: a free-form place still checks for JSON)."""
        s = self.resolve(s)
        if s.pointer not in self._trivial:
            self._trivial[s.pointer] = False  # while it is being decided, a recursive schema is not trivial
            self._trivial[s.pointer] = not self.checks(s)
        return self._trivial[s.pointer]

    def leaf(self, s: ir.Schema) -> bool:
        """Whether the node only tests the value itself: it never looks into a member, an item or a document."""
        s = self.resolve(s)
        if s.pointer not in self._leaf:
            self._leaf[s.pointer] = False
            self._leaf[s.pointer] = all(self._tests_in_place(c) for _, c in self.checks(s))
        return self._leaf[s.pointer]

    def _tests_in_place(self, check: Check) -> bool:
        if isinstance(check, Each):
            return False
        if isinstance(check, Apply):
            return check.part.kind == "whole" and self.leaf(check.schema)
        if isinstance(check, Branch):  # `if` is only asked, never reported on
            return all(c is None or self.leaf(c) for c in (check.then, check.else_))
        return True

    # -- expressions -----------------------------------------------------------------------------------------

    def ok(self, schema: ir.Schema, x: str, *, known: str | None = None) -> str:
        """An expression over `x`, True exactly when it is valid; `known`: the JSON type `x` is known to have."""
        expression, _ = self.form(schema, x, known=known)
        return expression

    def condition(self, schema: ir.Schema, x: str, *, known: str | None = None) -> str:
        """`ok`'s expression for an `if`, written in place however long it is, unless it needs a loop.

        A rule's `if` is asked once per payload and is mostly member tests: a call to a `_valid_` function cost more
        than the test itself (bench/RESULTS.md, figure 7), and the test reads better where the rule is.
        """
        expression, _ = self.form(schema, x, known=known, limit=None)
        return expression

    def form(
        self, schema: ir.Schema, x: str, *, known: str | None = None, limit: int | None = INLINE_LIMIT
    ) -> tuple[str, bool]:
        """`ok`'s expression, and whether it is a call to the node's function (which walks the node itself).

        `limit`: the longest expression written in place (None: any length).
        """
        s = self.resolve(schema)
        checks = self.checks(s, known)
        if not checks:
            return "True", False
        call = f"{self.module.function('valid', s, lambda w, name: self._function(s, name, w))}({x})"
        if s.pointer in self._expanding:
            return call, True  # a schema that contains itself (a tree): its inner occurrences call its function
        self._expanding.add(s.pointer)
        try:
            expression = self._expression(s, checks, x, known)
        finally:
            self._expanding.discard(s.pointer)
        if expression is not None and (self.leaf(s) or limit is None or len(expression) <= limit):
            return expression, False
        return call, True

    def _expression(self, s: ir.Schema, checks: list[Typed], x: str, known: str | None) -> str | None:
        """The whole node as one expression, or None when a check needs statements (a loop)."""
        tests: list[str] = []
        fetched: set[str] = set()
        for kind, group in grouped(checks):
            parts = []
            for check in group:
                test = self._test(s, check, x, known)
                if test is None:
                    return None
                if isinstance(check, Apply) and check.part.kind == "member":
                    name = check.part.name
                    if f"{x}.get({name!r})" in test or self._says_required(s, check, x):
                        fetched.add(f"{name!r} in {x}")  # `required`'s test of it is this test's too
                if test != "True":
                    parts.append(test)
                if isinstance(check, Assert) and check.stop:
                    known = known_after(s, known)  # the tests after it in the conjunction run only if it held
            # `"model" in x` says nothing `x.get("model") == "suno"` does not (see _applied)
            parts = [part for part in parts if part not in fetched]
            if parts:
                test = _conjunction(parts)
                when = guard(kind, known, x)
                tests.append(test if when is None else f"(not {when} or {test})")
        return _conjunction(tests) if tests else "True"

    def _test(self, s: ir.Schema, check: Check, x: str, known: str | None) -> str | None:
        if isinstance(check, Assert):
            assert check.test is not None
            return check.test(x)
        if isinstance(check, Apply):
            return self._applied(s, check, x, known)
        if isinstance(check, Each):
            return check.whole(x) if check.whole is not None else None
        if_ = self.ok(check.if_, x, known=known)
        then = self.ok(check.then, x, known=known) if check.then is not None else "True"
        else_ = self.ok(check.else_, x, known=known) if check.else_ is not None else "True"
        if else_ == "True":
            return f"(not {if_} or {then})"
        if then == "True":
            return f"({if_} or {else_})"
        return f"({then} if {if_} else {else_})"

    def _refuses_null(self, schema: ir.Schema) -> bool:
        """Whether the node's test is False for null, by its own type, const or enum."""
        s = self.resolve(schema)
        if s.has_const:
            return s.const is not None
        if s.enum is not None:
            return None not in s.enum
        return bool(s.types) and "null" not in s.types

    def members_facts(self, facts: dict[str, str | None]) -> AbstractContextManager[None]:
        """Inside the block, the bound members know `facts` (see `facts`)."""
        assert self._members is not None
        return self._members.facts(facts)

    def _local(self, x: str, name: str) -> str | None:
        """The local holding member `name` of `x` (MISSING when absent), where a function bound it."""
        members = self._members
        return members.local(name) if members is not None and members.subject == x else None

    def _says_required(self, s: ir.Schema, check: Apply, x: str) -> bool:
        """Whether a member's test, read from its local, is False when the member is absent (MISSING)."""
        name = check.part.name
        return name in s.required and self._local(x, name) is not None and self._refuses_null(check.schema)

    def _passes_absent(self, schema: ir.Schema) -> bool:
        """Whether the node's test holds for MISSING: each of its checks applies to one JSON type, which it is not."""
        return all(kind is not None for kind, _ in self.checks(self.resolve(schema)))

    def _applied(self, s: ir.Schema, check: Apply, x: str, known: str | None) -> str | None:
        part = check.part
        if part.kind == "document":
            return None  # the document is parsed once, into a name: statements
        if part.kind == "whole":
            test = self.ok(check.schema, x, known=known)
            return test if check.when is None else f"(not {check.when(x)} or {test})"
        local = self._local(x, part.name) if part.kind == "member" else None
        if local is not None:
            assert self._members is not None
            present = self._members.present(part.name)  # an `if` around it required it
            test = self.ok(check.schema, local, known=self._members.known(part.name))
            # a member the node requires is there (the conjunction tested `required` first, or this test says it:
            # _says_required); an absent one is MISSING, which a test of JSON types alone lets through
            if present or part.name in s.required or test == "True" or self._passes_absent(check.schema):
                return test
            return f"({local} is MISSING or {test})"
        if part.kind == "member":
            if part.name in s.required and self._refuses_null(check.schema):
                # `x.get(name)` is None when the member is absent, which the test refuses: it says `required` too
                # (_expression drops that test), for one lookup instead of two, where the value is read once
                fetched = f"{x}.get({part.name!r})"
                test = self.ok(check.schema, fetched)
                if test.count(fetched) == 1:
                    return test
            test = self.ok(check.schema, f"{x}[{part.name!r}]")
            # a member the node requires is there: the conjunction tested `required` first
            return test if part.name in s.required else f"({part.name!r} not in {x} or {test})"
        return f"(len({x}) <= {part.index} or {self.ok(check.schema, f'{x}[{part.index}]')})"

    # -- functions -------------------------------------------------------------------------------------------

    def _function(self, s: ir.Schema, name: str, w: Writer) -> None:
        with w.block(f"def {name}(x: object) -> bool:"):
            known: str | None = None
            for kind, group in grouped(self.checks(s)):
                when = guard(kind, known, "x")
                with w.block(f"if {when}:") if when else nullcontext():
                    for check in group:
                        self._statement(s, check, w, known)
                        if isinstance(check, Assert) and check.stop:
                            known = known_after(s, known)
            w.line("return True")

    def _statement(self, s: ir.Schema, check: Check, w: Writer, known: str | None) -> None:
        if isinstance(check, Each):
            self._loop(check, w)
            return
        if isinstance(check, Apply) and check.part.kind == "member":
            test = self.ok(check.schema, "v")
            w.line(f"v = x.get({check.part.name!r}, MISSING)")
            with w.block(f"if v is not MISSING and {negated(test)}:"):
                w.line("return False")
            return
        if isinstance(check, Apply) and check.part.kind == "document":
            # the Assert before it returned if the string holds no JSON document
            w.line("doc = json_document(x)")
            with w.block(f"if {negated(self.ok(check.schema, 'doc'))}:"):
                w.line("return False")
            return
        found = self._test(s, check, "x", known)
        assert found is not None
        if found != "True":
            with w.block(f"if {negated(found)}:"):
                w.line("return False")

    def _loop(self, each: Each, w: Writer) -> None:
        if each.whole is not None:
            with w.block(f"if {negated(each.whole('x'))}:"):
                w.line("return False")
            return
        if each.over == "items":
            header = "for v in x" if each.start == 0 else f"for v in x[{each.start}:]"
            test = self.ok(each.schema, "v") if each.schema is not None else "True"
            with w.block(f"{header}:"), w.block(f"if {negated(test)}:"):
                w.line("return False")
            return
        conditions = [each.where("k")] if each.where is not None else []
        if each.test is not None:
            header = "for k in x:"
            if each.test.test is not None:
                conditions.append(negated(each.test.test("k")))
        else:
            assert each.schema is not None
            header = "for k, v in x.items():"
            conditions.append(negated(self.ok(each.schema, "v")))
        with w.block(header), w.block(f"if {' and '.join(conditions)}:") if conditions else nullcontext():
            w.line("return False")


def grouped(checks: list[Typed]) -> Iterator[tuple[str | None, list[Check]]]:
    """Runs of checks that apply to the same JSON type, in order."""
    group: list[Check] = []
    kind: str | None = None
    for check_kind, check in checks:
        if group and check_kind != kind:
            yield kind, group
            group = []
        kind = check_kind
        group.append(check)
    if group:
        yield kind, group


def _conjunction(tests: list[str]) -> str:
    return tests[0] if len(tests) == 1 else "(" + " and ".join(tests) + ")"
