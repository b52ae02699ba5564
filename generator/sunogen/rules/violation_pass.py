"""The violation pass: "what is wrong?", as statements appending every violation to `out`.

It prints the same checks the valid pass reads (see valid.py), as statements: an Assert appends its violation when
its test fails, an Apply descends into the part, an Each loops, a Branch picks a side. A node whose checks are
about the value itself (a member's type and limits, a rule's if/then) is written in place; a node that looks into
members or items gets a `_check_<name>(x, path, out, r)` function, called only when the valid pass's test of it
fails (unless that test is a function too, which would walk the node twice). Violations carry their JSON path
(member paths are literals decided here) and are worded by the innermost named rule `r` around them.
On a valid payload this pass costs what the valid pass does, so a public validator runs it alone, once.
"""

from __future__ import annotations

from contextlib import nullcontext

from sunogen import ir

from .checks import Apply, Assert, Branch, Check, Each
from .literals import item_path, member_path, negated
from .locals import Members
from .module import Module
from .valid_pass import Typed, ValidPass, grouped, guard, known_after
from .writer import Writer


def _in_place(check: Check) -> bool:
    """Whether a check is about the value itself, not a member, an item or a document inside it."""
    return not isinstance(check, Each) and not (isinstance(check, Apply) and check.part.kind != "whole")


class ViolationPass:
    """Compiles schema nodes into statements appending violations to `out`."""

    def __init__(self, module: Module, valid: ValidPass) -> None:
        self.module = module
        self.valid = valid

    def err(
        self,
        schema: ir.Schema,
        x: str,
        path: str,
        w: Writer,
        *,
        rule: str = "r",
        known: str | None = None,
        checked: bool = False,
    ) -> None:
        """Write statements appending every violation of `x` (at the path expression `path`) to `out`.

        `rule` is the expression of the innermost named rule around them; `known` the JSON type `x` is known to
        have; `checked`: the caller knows `x` is invalid, so the valid pass is not asked first.
        """
        s = schema if schema.rule is not None else self.valid.resolve(schema)
        checks = self.valid.checks(s, known)
        if not checks:
            return
        if all(_in_place(check) for _, check in checks):
            # it tests the value itself: its statements go where it is asked, what looks further is called
            self._statements(s, checks, x, path, w, rule, known, inline=True)
            return
        name = self.module.function("check", s, lambda body, name: self._function(s, name, body))
        call = f"{name}({x}, {path}, out, {rule})"
        test, is_function = self.valid.form(s, x, known=known)
        if checked or is_function:
            w.line(call)
        else:
            with w.block(f"if {negated(test)}:"):
                w.line(call)

    def _function(self, s: ir.Schema, name: str, w: Writer) -> None:
        with w.block(f"def {name}(x: object, path: str, out: list[Violation], r: Rule | None) -> None:"):
            self._statements(s, self.valid.checks(s), "x", "path", w, "r", None, inline=False)
        assert not w.empty(), f"{name} would check nothing"

    def _statements(
        self,
        s: ir.Schema,
        checks: list[Typed],
        x: str,
        path: str,
        w: Writer,
        rule: str,
        known: str | None,
        *,
        inline: bool,
    ) -> None:
        if s.rule is not None:
            rule = self.module.rule(s, s.rule)
        first = checks[0][1]
        if not (isinstance(first, Assert) and first.stop):
            self._groups(s, checks, x, path, w, rule, known)
            return
        # the type: a value of the wrong one gets that violation alone (its other keywords would only repeat it)
        assert first.test is not None
        with w.block(f"if {negated(first.test(x))}:"):
            self._report(s, first, x, path, rule, w)
            if not inline:
                w.line("return")
        known = known_after(s, known)
        if inline:
            with w.block("else:"):
                self._groups(s, checks[1:], x, path, w, rule, known)
        elif known == "object":
            self._bound(s, checks[1:], x, path, w, rule)
        else:
            self._groups(s, checks[1:], x, path, w, rule, known)

    def _bound(self, s: ir.Schema, checks: list[Typed], x: str, path: str, w: Writer, rule: str) -> None:
        """The checks of an object, its rules reading the members worth it from locals bound first (locals.py)."""
        members, body = Members(x), Writer()
        with self.valid.members_bound(members):
            self._groups(s, checks, x, path, body, rule, "object")
        worth = members.worth_binding(body)
        if worth != members.asked():
            members, body = Members(x, only=worth), Writer()
            with self.valid.members_bound(members):
                self._groups(s, checks, x, path, body, rule, "object")
        for line in members.bindings([name for name, _ in s.properties]):
            w.line(line)
        w.extend(body)

    def _groups(
        self, s: ir.Schema, checks: list[Typed], x: str, path: str, w: Writer, rule: str, known: str | None
    ) -> None:
        for kind, group in grouped(checks):
            when = guard(kind, known, x)
            with w.block(f"if {when}:") if when else nullcontext():
                for check in group:
                    self._check(s, check, x, path, w, rule, kind or known)

    def _check(self, s: ir.Schema, check: Check, x: str, path: str, w: Writer, rule: str, known: str | None) -> None:
        if isinstance(check, Assert):
            assert check.test is not None
            with w.block(f"if {negated(check.test(x))}:"):
                self._report(s, check, x, path, rule, w)
        elif isinstance(check, Apply):
            self._apply(check, x, path, w, rule, known)
        elif isinstance(check, Each):
            self._each(s, check, x, path, w, rule)
        else:
            self._branch(s, check, x, path, w, rule, known)

    def _report(self, s: ir.Schema, check: Assert, x: str, path: str, rule: str, w: Writer) -> None:
        if check.report is not None:
            w.line(check.report(x, path, rule))
            return
        where = check.at(path) if check.at is not None else path
        words = self.module.rule(s, check.rule) if check.rule is not None else rule
        w.line(f"out.append(violation({where}, {check.keyword!r}, {check.message(x)}, {words}))")

    def _apply(self, check: Apply, x: str, path: str, w: Writer, rule: str, known: str | None) -> None:
        part = check.part
        if part.kind == "whole":
            with w.block(f"if {check.when(x)}:") if check.when is not None else nullcontext():
                self.err(check.schema, x, path, w, rule=rule, known=known)
            return
        assert x == "x", "only a node's own function looks into parts of its value"
        if part.kind == "member":
            with w.block(f"if {part.name!r} in x:", f"v = x[{part.name!r}]"):
                self.err(check.schema, "v", member_path(path, part.name), w, rule=rule)
        elif part.kind == "item":
            with w.block(f"if len(x) > {part.index}:", f"v = x[{part.index}]"):
                self.err(check.schema, "v", item_path(path, part.index), w, rule=rule)
        else:
            # (the string's own check reported it when it holds no JSON document)
            w.line("doc = json_document(x)")
            with w.block("if doc is not MISSING:"):
                self.err(check.schema, "doc", path, w, rule=rule)

    def _each(self, s: ir.Schema, each: Each, x: str, path: str, w: Writer, rule: str) -> None:
        assert x == "x", "only a node's own function loops over parts of its value"
        with w.block(f"if {negated(each.whole(x))}:") if each.whole is not None else nullcontext():
            if each.over == "items":
                assert each.schema is not None
                loop = "for i, v in enumerate(x):" if each.start == 0 else f"for i in range({each.start}, len(x)):"
                setup = () if each.start == 0 else ("v = x[i]",)
                with w.block(loop, *setup):
                    self.err(each.schema, "v", f"path_index({path}, i)", w, rule=rule)
                return
            where = each.where("k") if each.where is not None else None
            if each.test is None:
                assert each.schema is not None
                with w.block("for k, v in x.items():"), w.block(f"if {where}:") if where else nullcontext():
                    self.err(each.schema, "v", f"path_key({path}, k)", w, rule=rule)
                return
            test = each.test
            conditions = [where] if where is not None else []
            if test.test is not None:
                conditions.append(negated(test.test("k")))
            with w.block("for k in x:"), w.block(f"if {' and '.join(conditions)}:") if conditions else nullcontext():
                self._report(s, test, "k", path, rule, w)

    def _branch(self, s: ir.Schema, branch: Branch, x: str, path: str, w: Writer, rule: str, known: str | None) -> None:
        then, else_ = Writer(), Writer()
        if branch.then is not None:
            # inside the `if`, the members it requires are there, of the types it gives them
            facts = self.valid.facts(x, branch.if_, known)
            with self.valid.members_facts(facts) if facts else nullcontext():
                self.err(branch.then, x, path, then, rule=rule, known=known)
        if branch.else_ is not None:
            self.err(branch.else_, x, path, else_, rule=rule, known=known)
        if s.rule is not None:
            # the `if` is written in place (and may be shared with the rule before): each side says whose it is
            then, else_ = (self._titled(s, side) for side in (then, else_))
        test = self.valid.condition(branch.if_, x, known=known)
        if not then.empty():
            with w.block(f"if {test}:"):
                w.extend(then)
            if not else_.empty():
                with w.block("else:"):
                    w.extend(else_)
        elif not else_.empty():
            with w.block(f"if {negated(test)}:"):
                w.extend(else_)

    def _titled(self, s: ir.Schema, side: Writer) -> Writer:
        """`side` under a comment naming the rule and where it is in the spec (nothing, if it says nothing)."""
        if side.empty():
            return side
        assert s.rule is not None
        titled = Writer()
        titled.line(f"# rule {s.rule.id}: {self.module.file}#{s.pointer}")
        titled.extend(side)
        return titled
