"""The violation pass: "what is wrong?", one `_errN(x, path, out, r)` function per node.

Each appends every violation under it with its JSON path, keyword, and the message of the innermost named rule
`r` it sits under. Before each member and branch it asks the valid pass (an inline test where the node is
small) and descends only into what is invalid; member paths are literals decided here. On a valid payload it
costs what the valid pass does, so a public validator runs it alone, once.
"""

from __future__ import annotations

from sunogen import ir

from .emitted import Emitted
from .shape import (
    TYPE_TESTS,
    TYPE_WORDS,
    as_json,
    has_array_keywords,
    has_object_keywords,
    has_siblings,
    is_conditional,
    is_leaf,
    is_trivial,
    member_path,
    not_detail,
    type_test,
)
from .valid import ValidPass


class ViolationPass:
    """Compiles schema nodes into statements appending violations to `out`, sharing one function per node."""

    def __init__(self, out: Emitted, components: dict[str, ir.Schema], valid: ValidPass) -> None:
        self.out = out
        self.components = components
        self.valid = valid

    def err(
        self, schema: ir.Schema, x: str, path: str, *, checked: bool = False, is_dict: bool = False, rule: str = "r"
    ) -> list[str]:
        """Statements appending every violation of `x` (at the path expression `path`) to `out`.

        They first ask the valid pass, unless `checked`: the caller already knows `x` is invalid. `rule` is the
        expression for the innermost named rule around them.
        """
        if schema.ref is not None and not has_siblings(schema):
            return self.err(self.components[schema.ref], x, path, checked=checked, is_dict=is_dict, rule=rule)
        if is_trivial(schema):
            return []
        if is_conditional(schema):
            # a rule that is only if/then/else (most of them) is written in place: no call, no second test
            inner = self.out.rule(schema.rule) if schema.rule is not None else rule
            return self._conditional(schema, x, path, is_dict, inner)
        name = self.out.function("err", schema, lambda: self._body(schema), by_body=is_leaf(schema))
        call = f"{name}({x}, {path}, out, {rule})"
        test = self.valid.ok(schema, x, is_dict=is_dict)
        if checked or test.startswith("_ok"):
            # a test that is a function would walk the node once more: `_errN` asks it part by part itself
            return [call]
        return [f"if not {test}:", f"    {call}"]

    def _conditional(self, s: ir.Schema, x: str, path: str, is_dict: bool, rule: str) -> list[str]:
        then = self.err(s.then, x, path, is_dict=is_dict, rule=rule) if s.then is not None else []
        else_ = self.err(s.else_, x, path, is_dict=is_dict, rule=rule) if s.else_ is not None else []
        if not then and not else_:
            return []
        test = self.valid.ok(s.if_, x, is_dict=is_dict) if s.if_ is not None else "True"
        if not then:
            return [f"if not {test}:"] + ["    " + line for line in else_]
        lines = [f"if {test}:"] + ["    " + line for line in then]
        if else_:
            lines += ["else:"] + ["    " + line for line in else_]
        return lines

    def describe(self, s: ir.Schema) -> str:
        """A short phrase for what a schema accepts, for messages about anyOf/oneOf branches."""
        if s.ref is not None and not has_siblings(s):
            return self.describe(self.components[s.ref])
        if s.has_const:
            return as_json(s.const)
        if s.enum is not None:
            return "one of " + ", ".join(as_json(v) for v in s.enum)
        words = " or ".join(TYPE_WORDS[t] for t in s.types) or "a value"
        if s.format == "uri":
            words += " holding an absolute URI"
        if s.max_length is not None:
            words += f" of at most {s.max_length} characters"
        return words

    def _body(self, s: ir.Schema) -> str:
        lines = ["def __NAME__(x: object, path: str, out: list[Violation], r: Rule | None) -> None:"]
        if s.rule is not None:
            lines.append(f"    r = {self.out.rule(s.rule)}")
        if s.ref is not None:
            lines += ["    " + line for line in self.err(self.components[s.ref], "x", "path")]
        if s.types:
            words = " or ".join(TYPE_WORDS[t] for t in s.types)
            lines += [
                f"    if not {type_test(s.types, 'x')}:",
                f'        out.append(violation(path, "type", f"must be {words}, not {{json_type(x)}}", r))',
                "        return",
            ]
        string = s.types == ("string",)
        if s.enum is not None:
            allowed = ", ".join(as_json(v) for v in s.enum)
            lines += [
                f"    if not {self.valid.enum_test(s.enum, 'x', string=string)}:",
                f"        out.append(violation(path, 'enum', {'must be one of ' + allowed!r}, r))",
            ]
        if s.has_const:
            lines += [
                f"    if not {self.valid.enum_test((s.const,), 'x', string=string)}:",
                f"        out.append(violation(path, 'const', {'must be ' + as_json(s.const)!r}, r))",
            ]
        lines += ["    " + line for line in self._string(s)]
        lines += ["    " + line for line in self._number(s)]
        is_dict = s.types == ("object",)  # a non-object returned above
        # a block is written only when it says something: properties or items that constrain nothing make none
        members = self._object(s) if has_object_keywords(s) else []
        if members and is_dict:
            lines += ["    " + line for line in members]
        elif members:
            lines.append("    if isinstance(x, dict):")
            lines += ["        " + line for line in members]
        if has_array_keywords(s):
            lines += ["    " + line for line in self._array(s)]
        for child in s.all_of:
            lines += ["    " + line for line in self.err(child, "x", "path", is_dict=is_dict)]
        lines += ["    " + line for line in self._branches(s, is_dict)]
        if len(lines) == 1 + (s.rule is not None):
            lines.append("    return")
        return "\n".join(lines)

    def _branches(self, s: ir.Schema, is_dict: bool) -> list[str]:
        lines: list[str] = []
        for keyword, children in (("anyOf", s.any_of), ("oneOf", s.one_of)):
            if not children:
                continue
            shapes = [c.rule.message if c.rule is not None else self.describe(c) for c in children]
            detail = "must be " + ("exactly one" if keyword == "oneOf" else "one") + " of: " + "; ".join(shapes)
            count = " + ".join(f"(1 if {self.valid.ok(c, 'x', is_dict=is_dict)} else 0)" for c in children)
            test = f"{count} == 0" if keyword == "anyOf" else f"{count} != 1"
            lines += [f"if {test}:", f"    out.append(violation(path, {keyword!r}, {detail!r}, r))"]
        if s.not_ is not None:
            inner = s.not_.rule
            rule = self.out.rule(inner) if inner is not None else "r"
            lines += [
                f"if {self.valid.ok(s.not_, 'x', is_dict=is_dict)}:",
                f"    out.append(violation(path, 'not', {not_detail(s.not_)!r}, {rule}))",
            ]
        if s.if_ is not None and (s.then is not None or s.else_ is not None):
            lines.append(f"if {self.valid.ok(s.if_, 'x', is_dict=is_dict)}:")
            then = self.err(s.then, "x", "path", is_dict=is_dict) if s.then is not None else []
            lines += ["    " + line for line in then or ["pass"]]
            if s.else_ is not None:
                lines.append("else:")
                lines += ["    " + line for line in self.err(s.else_, "x", "path", is_dict=is_dict) or ["pass"]]
        return lines

    def _string(self, s: ir.Schema) -> list[str]:
        checks = []
        if s.min_length is not None:
            checks += [
                f"if len(x) < {s.min_length}:",
                f'    out.append(violation(path, "minLength", f"must be at least {s.min_length} characters, '
                f'not {{len(x)}}", r))',
            ]
        if s.max_length is not None:
            checks += [
                f"if len(x) > {s.max_length}:",
                f'    out.append(violation(path, "maxLength", f"must be at most {s.max_length} characters, '
                f'not {{len(x)}}", r))',
            ]
        if s.pattern is not None:
            pattern = self.out.constant("P", f"re.compile({s.pattern!r})")
            checks += [
                f"if {pattern}.search(x) is None:",
                f"    out.append(violation(path, 'pattern', {'must match ' + s.pattern!r}, r))",
            ]
        if s.format == "uri":
            checks += ["if not is_uri(x):", "    out.append(violation(path, 'format', 'must be an absolute URI', r))"]
        if not checks:
            return []
        return ["if isinstance(x, str):"] + ["    " + c for c in checks]

    def _number(self, s: ir.Schema) -> list[str]:
        checks = []
        for bound, op, keyword, words in (
            (s.minimum, "<", "minimum", "at least"),
            (s.maximum, ">", "maximum", "at most"),
            (s.exclusive_minimum, "<=", "exclusiveMinimum", "greater than"),
            (s.exclusive_maximum, ">=", "exclusiveMaximum", "less than"),
        ):
            if bound is not None:
                checks += [
                    f"if x {op} {bound!r}:",
                    f"    out.append(violation(path, {keyword!r}, {f'must be {words} {bound!r}'!r}, r))",
                ]
        if not checks:
            return []
        return [f"if {TYPE_TESTS['number'].format(x='x')}:"] + ["    " + c for c in checks]

    def _array(self, s: ir.Schema) -> list[str]:
        lines: list[str] = []
        if s.min_items is not None:
            lines += [
                f"    if len(x) < {s.min_items}:",
                f"        out.append(violation(path, 'minItems', 'must have at least {s.min_items} items', r))",
            ]
        if s.max_items is not None:
            lines += [
                f"    if len(x) > {s.max_items}:",
                f"        out.append(violation(path, 'maxItems', 'must have at most {s.max_items} items', r))",
            ]
        if s.items is not None and not is_trivial(s.items):
            lines.append("    for i, item in enumerate(x):")
            lines += ["        " + line for line in self.err(s.items, "item", "path_index(path, i)")]
        return ["if isinstance(x, list):", *lines] if lines else []

    def _object(self, s: ir.Schema) -> list[str]:
        lines: list[str] = []
        for name in s.required:
            lines += [
                f"if {name!r} not in x:",
                f"    out.append(violation({member_path('path', name)}, 'required', {f'{name!r} is required'!r}, r))",
            ]
        for name, prop in s.properties:
            inner = self.err(prop, f"x[{name!r}]", member_path("path", name))
            if inner:
                lines += [f"if {name!r} in x:"] + ["    " + line for line in inner]
        if s.additional is False:
            known = self.out.known(s)
            lines += [
                f"if not {known}.issuperset(x):",
                "    for k in x:",
                f"        if k not in {known}:",
                "            out.append(",
                '                violation(path_key(path, k), "additionalProperties", f"unknown field {k!r}", r)',
                "            )",
            ]
        elif isinstance(s.additional, ir.Schema) and not is_trivial(s.additional):
            lines += ["for k in x:", f"    if k not in {self.out.known(s)}:"]
            lines += ["        " + line for line in self.err(s.additional, "x[k]", "path_key(path, k)")]
        if s.property_names is not None and not is_trivial(s.property_names):
            lines += [
                "for k in x:",
                f"    if not {self.valid.ok(s.property_names, 'k')}:",
                '        out.append(violation(path_key(path, k), "propertyNames", f"field {k!r} is not allowed here", '
                + (self.out.rule(s.property_names.rule) if s.property_names.rule else "r")
                + "))",
            ]
        for name, needed in s.dependent_required:
            for other in needed:
                detail = f"{other!r} is required when {name!r} is present"
                lines += [
                    f"if {name!r} in x and {other!r} not in x:",
                    f"    out.append(violation({member_path('path', other)}, 'dependentRequired', {detail!r}, r))",
                ]
        return lines
