"""The valid pass: "is it valid?" as Python boolean expressions, and functions with early exits where they grow.

The violation pass asks it before descending into a member or a branch. Small nodes (an `if` that tests one
member, a `then` that requires two) become expressions at the place that uses them; larger ones become `_okN(x)`
functions.
"""

from __future__ import annotations

from sunogen import ir

from .emitted import Emitted
from .shape import (
    TYPE_TESTS,
    has_array_keywords,
    has_object_keywords,
    has_siblings,
    is_leaf,
    is_trivial,
    literal,
    set_literal,
    string_enum,
    type_test,
)

INLINE_LIMIT = 160
"""The longest expression written in place; a longer one becomes a function."""


class ValidPass:
    """Compiles schema nodes into boolean expressions over a variable, sharing one function per node."""

    def __init__(self, out: Emitted, components: dict[str, ir.Schema]) -> None:
        self.out = out
        self.components = components

    def ok(self, schema: ir.Schema, x: str, *, is_dict: bool = False) -> str:
        """An expression over `x`, True exactly when it is valid; `is_dict`: `x` is known to be a dict here."""
        if schema.ref is not None and not has_siblings(schema):
            return self.ok(self.components[schema.ref], x, is_dict=is_dict)
        if is_trivial(schema):
            return "True"
        expression = self._expression(schema, x, is_dict)
        if expression is not None and (is_leaf(schema) or len(expression) <= INLINE_LIMIT):
            return expression
        return f"{self.out.function('ok', schema, lambda: self._body(schema))}({x})"

    # -- value keywords ------------------------------------------------------------------------------------

    def leaf_tests(self, s: ir.Schema, x: str) -> list[str]:
        """The tests of the value keywords (type, enum, const, string and number bounds), type first."""
        tests: list[str] = []
        if s.types:
            tests.append(type_test(s.types, x))
        string = s.types == ("string",)  # the enum tests run after the type test passed
        if s.enum is not None:
            tests.append(self.enum_test(s.enum, x, string=string))
        if s.has_const:
            tests.append(self.enum_test((s.const,), x, string=string))
        tests.extend(self._string_tests(s, x))
        tests.extend(self._number_tests(s, x))
        return tests

    def enum_test(self, values: tuple[ir.JsonValue, ...], x: str, *, string: bool = False) -> str:
        """True when `x` is one of the values (JSON equality: 1 == 1.0, true != 1); `string`: `x` is a str."""
        strings = [v for v in values if isinstance(v, str)]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        tests = []
        if strings:
            names = self.out.constant("S", set_literal(strings))
            tests.append(f"{x} in {names}" if string else f"isinstance({x}, str) and {x} in {names}")
        if numbers and not string:
            numeric = self.out.constant("N", set_literal(numbers))
            tests.append(f"{TYPE_TESTS['number'].format(x=x)} and {x} in {numeric}")
        if not string:
            tests.extend(f"{x} is {v!r}" for v in values if isinstance(v, bool) or v is None)
            tests.extend(
                f"json_equal({x}, {self.out.constant('J', literal(v))})"
                for v in values
                if isinstance(v, tuple | ir.Frozen)
            )
        return "(" + (" or ".join(tests) or "False") + ")"

    def _guard(self, s: ir.Schema, json_type: str, x: str, tests: list[str]) -> list[str]:
        if not tests:
            return []
        if s.types == (json_type,):
            return tests
        return [f"(not {TYPE_TESTS[json_type].format(x=x)} or {' and '.join(tests)})"]

    def _string_tests(self, s: ir.Schema, x: str) -> list[str]:
        tests = []
        if s.min_length is not None:
            tests.append(f"len({x}) >= {s.min_length}")
        if s.max_length is not None:
            tests.append(f"len({x}) <= {s.max_length}")
        if s.pattern is not None:
            tests.append(f"{self.out.constant('P', f're.compile({s.pattern!r})')}.search({x}) is not None")
        if s.format == "uri":
            tests.append(f"is_uri({x})")
        return self._guard(s, "string", x, tests)

    def _number_tests(self, s: ir.Schema, x: str) -> list[str]:
        tests = []
        for bound, op in (
            (s.minimum, ">="),
            (s.maximum, "<="),
            (s.exclusive_minimum, ">"),
            (s.exclusive_maximum, "<"),
        ):
            if bound is not None:
                tests.append(f"{x} {op} {bound!r}")
        if not tests:
            return []
        if s.types in (("number",), ("integer",)):
            return tests
        return [f"(not {TYPE_TESTS['number'].format(x=x)} or {' and '.join(tests)})"]

    # -- object keywords -----------------------------------------------------------------------------------

    def names_test(self, names: ir.Schema, x: str) -> str | None:
        """propertyNames as one set operation, when it is an enum of strings or `not` one (a dict's keys)."""
        allowed = string_enum(names)
        if allowed is not None:
            return f"{self.out.constant('S', set_literal(list(allowed)))}.issuperset({x})"
        if names.not_ is not None and names == ir.Schema(names.pointer, not_=names.not_, rule=names.rule):
            forbidden = string_enum(names.not_)
            if forbidden is not None:
                return f"{self.out.constant('S', set_literal(list(forbidden)))}.isdisjoint({x})"
        return None

    def _object_parts(self, s: ir.Schema, x: str) -> list[str] | None:
        """The object keywords as tests over a dict `x`, or None when one of them needs a loop."""
        parts = [f"{name!r} in {x}" for name in s.required]
        for name, prop in s.properties:
            test = self.ok(prop, f"{x}[{name!r}]")
            if test != "True":
                # a required member is there: the tests above it in the conjunction said so
                parts.append(test if name in s.required else f"({name!r} not in {x} or {test})")
        if s.additional is False:
            parts.append(f"{self.out.known(s)}.issuperset({x})")
        elif isinstance(s.additional, ir.Schema) and not is_trivial(s.additional):
            return None
        if s.property_names is not None and not is_trivial(s.property_names):
            names = self.names_test(s.property_names, x)
            if names is None:
                return None
            parts.append(names)
        for name, needed in s.dependent_required:
            present = " and ".join(f"{n!r} in {x}" for n in needed) or "True"
            parts.append(f"({name!r} not in {x} or ({present}))")
        return parts

    # -- a node as an expression ---------------------------------------------------------------------------

    def _expression(self, s: ir.Schema, x: str, is_dict: bool) -> str | None:
        """The whole node as one expression, or None when it needs statements (loops over members or items)."""
        if s.ref is not None or has_array_keywords(s):
            return None
        tests = self.leaf_tests(s, x)
        is_dict = is_dict or s.types == ("object",)  # the type test comes first in the conjunction
        if has_object_keywords(s):
            parts = self._object_parts(s, x)
            if parts is None:
                return None
            if parts:
                joined = parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"
                tests.append(joined if is_dict else f"(not isinstance({x}, dict) or {joined})")
        tests.extend(self.ok(child, x, is_dict=is_dict) for child in s.all_of)
        if s.any_of:
            tests.append("(" + " or ".join(self.ok(c, x, is_dict=is_dict) for c in s.any_of) + ")")
        if s.one_of:
            count = " + ".join(f"(1 if {self.ok(c, x, is_dict=is_dict)} else 0)" for c in s.one_of)
            tests.append(f"({count} == 1)")
        if s.not_ is not None:
            tests.append(f"(not {self.ok(s.not_, x, is_dict=is_dict)})")
        if s.if_ is not None and (s.then is not None or s.else_ is not None):
            if_ = self.ok(s.if_, x, is_dict=is_dict)
            then = self.ok(s.then, x, is_dict=is_dict) if s.then is not None else "True"
            else_ = self.ok(s.else_, x, is_dict=is_dict) if s.else_ is not None else "True"
            if else_ == "True":
                tests.append(f"(not {if_} or {then})")
            elif then == "True":
                tests.append(f"({if_} or {else_})")
            else:
                tests.append(f"({then} if {if_} else {else_})")
        tests = [t for t in tests if t != "True"]
        if not tests:
            return "True"
        return tests[0] if len(tests) == 1 else "(" + " and ".join(tests) + ")"

    # -- a node as a function ------------------------------------------------------------------------------

    def _body(self, s: ir.Schema) -> str:
        lines = ["def __NAME__(x: object) -> bool:"]
        if s.ref is not None:
            lines += [f"    if not {self.ok(self.components[s.ref], 'x')}:", "        return False"]
        for test in self.leaf_tests(s, "x"):
            lines += [f"    if not {test}:", "        return False"]
        is_dict = s.types == ("object",)
        # a block is written only when it says something: properties or items that constrain nothing make none
        members = self._object_statements(s) if has_object_keywords(s) else []
        if members:
            if is_dict:
                lines.extend("    " + line for line in members)
            else:
                lines.append("    if isinstance(x, dict):")
                lines.extend("        " + line for line in members)
        items: list[str] = []
        if s.min_items is not None:
            items += [f"if len(x) < {s.min_items}:", "    return False"]
        if s.max_items is not None:
            items += [f"if len(x) > {s.max_items}:", "    return False"]
        if s.items is not None and not is_trivial(s.items):
            items += ["for item in x:", f"    if not {self.ok(s.items, 'item')}:", "        return False"]
        if items:
            lines.append("    if isinstance(x, list):")
            lines.extend("        " + line for line in items)
        for child in s.all_of:
            test = self.ok(child, "x", is_dict=is_dict)
            if test != "True":
                lines += [f"    if not {test}:", "        return False"]
        # the applicators left (anyOf, oneOf, not, if): the node without its other keywords, as one expression
        rest = self._expression(
            ir.Schema(s.pointer, any_of=s.any_of, one_of=s.one_of, not_=s.not_, if_=s.if_, then=s.then, else_=s.else_),
            "x",
            is_dict,
        )
        if rest is not None and rest != "True":
            lines += [f"    if not {rest}:", "        return False"]
        lines.append("    return True")
        return "\n".join(lines)

    def _object_statements(self, s: ir.Schema) -> list[str]:
        lines: list[str] = []
        if s.required:
            present = " and ".join(f"{name!r} in x" for name in s.required)
            lines += [f"if not ({present}):", "    return False"]
        for name, prop in s.properties:
            test = self.ok(prop, "v")
            if test != "True":
                lines += [f"v = x.get({name!r}, MISSING)", f"if v is not MISSING and not {test}:", "    return False"]
        if s.additional is False:
            lines += [f"if not {self.out.known(s)}.issuperset(x):", "    return False"]
        elif isinstance(s.additional, ir.Schema) and not is_trivial(s.additional):
            lines += [
                "for k, v in x.items():",
                f"    if k not in {self.out.known(s)} and not {self.ok(s.additional, 'v')}:",
                "        return False",
            ]
        if s.property_names is not None and not is_trivial(s.property_names):
            names = self.names_test(s.property_names, "x")
            if names is not None:
                lines += [f"if not {names}:", "    return False"]
            else:
                lines += ["for k in x:", f"    if not {self.ok(s.property_names, 'k')}:", "        return False"]
        for name, needed in s.dependent_required:
            present = " and ".join(f"{n!r} in x" for n in needed) or "True"
            lines += [f"if {name!r} in x and not ({present}):", "    return False"]
        return lines
