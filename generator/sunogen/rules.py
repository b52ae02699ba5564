"""Stage 4b, rules: compile the request schemas of the IR into Python validator source.

datamodel-code-generator drops `if`/`then`/`else`, `dependentRequired` and the like silently, so every rule of
the spec is compiled here into straight-line Python, two functions per schema node:

- `_ok_N(x) -> bool` answers "is it valid?" with early exits; a valid payload (the common case) runs only these.
- `_err_N(x, path, out, r)` runs only when `_ok_N` said no, and appends every violation with its JSON path, the
  keyword, and the message of the innermost named rule `r` it sits under.

Both follow JSON Schema 2020-12 exactly (a keyword applies only to its instance type; `true` is not a number;
1.0 is an integer); the differential tests hold them to the `jsonschema` package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import ir
from .build import python_name, thaw

_TYPE_TESTS = {
    "string": "isinstance({x}, str)",
    "integer": "(isinstance({x}, int) and not isinstance({x}, bool) or isinstance({x}, float) and {x}.is_integer())",
    "number": "(isinstance({x}, int | float) and not isinstance({x}, bool))",
    "boolean": "isinstance({x}, bool)",
    "null": "{x} is None",
    "object": "isinstance({x}, dict)",
    "array": "isinstance({x}, list)",
}
_NUMBER = _TYPE_TESTS["number"]
_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "null": "null",
    "object": "an object",
    "array": "an array",
}


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """The validator module's body: constants, node functions, and one public function per request model."""

    constants: tuple[str, ...]
    functions: tuple[str, ...]
    entry_points: tuple[tuple[str, str], ...]  # (request model name, public function name)


def _set_literal(values: list[str] | list[int | float]) -> str:
    """A frozenset literal in sorted order: `repr(frozenset(...))` follows hash order, which varies per process."""
    return "frozenset({" + ", ".join(repr(v) for v in sorted(set(values))) + "})"


def _lit(value: ir.JsonValue) -> str:
    return repr(thaw(value))


def _json(value: ir.JsonValue) -> str:
    return json.dumps(thaw(value), ensure_ascii=False)


@dataclass
class _Compiler:
    """Emits functions for the schema nodes of one vendor, sharing one function per component."""

    components: dict[str, ir.Schema]
    constants: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    _names: dict[tuple[str, str], str] = field(default_factory=dict)
    _constant_names: dict[str, str] = field(default_factory=dict)

    # -- naming --------------------------------------------------------------------------------------------

    def constant(self, prefix: str, source: str) -> str:
        if source not in self._constant_names:
            name = f"_{prefix}{len(self._constant_names)}"
            self._constant_names[source] = name
            self.constants.append(f"{name} = {source}")
        return self._constant_names[source]

    def known(self, s: ir.Schema) -> str:
        """The constant holding the property names an object schema declares."""
        return self.constant("K", _set_literal([name for name, _ in s.properties]))

    def describe(self, s: ir.Schema) -> str:
        """A short phrase for what a schema accepts, for messages about anyOf/oneOf branches."""
        if s.ref is not None and not _has_siblings(s):
            return self.describe(self.components[s.ref])
        if s.has_const:
            return _json(s.const)
        if s.enum is not None:
            return "one of " + ", ".join(_json(v) for v in s.enum)
        words = " or ".join(_TYPE_WORDS[t] for t in s.types) or "a value"
        if s.format == "uri":
            words += " holding an absolute URI"
        if s.max_length is not None:
            words += f" of at most {s.max_length} characters"
        return words

    def rule_constant(self, rule: ir.Rule) -> str:
        return self.constant("R", f"Rule({rule.id!r}, {rule.message!r})")

    def function(self, kind: str, schema: ir.Schema) -> str:
        """The name of the `ok` or `err` function for a node, emitting it on first use."""
        key = (kind, schema.pointer)
        if key not in self._names:
            self._names[key] = f"_{kind}{len(self._names)}"
            body = self._ok_body(schema) if kind == "ok" else self._err_body(schema)
            self.functions.append(body.replace("__NAME__", self._names[key]))
        return self._names[key]

    # -- "is it valid?" ------------------------------------------------------------------------------------

    def ok(self, schema: ir.Schema, x: str) -> str:
        """A boolean expression over the variable `x`: True exactly when it is valid against `schema`."""
        if schema.ref is not None and not _has_siblings(schema):
            return self.ok(self.components[schema.ref], x)
        if _is_trivial(schema):
            return "True"
        if _is_leaf(schema):
            tests = self._leaf_tests(schema, x)
            # parenthesised: callers write `not <expr>` and `<a> and <expr>`
            return "True" if not tests else tests[0] if len(tests) == 1 else f"({' and '.join(tests)})"
        return f"{self.function('ok', schema)}({x})"

    def _leaf_tests(self, s: ir.Schema, x: str) -> list[str]:
        tests: list[str] = []
        if s.types:
            tests.append(_type_test(s.types, x))
        if s.enum is not None:
            tests.append(self._enum_test(s.enum, x))
        if s.has_const:
            tests.append(self._enum_test((s.const,), x))
        tests.extend(self._string_tests(s, x))
        tests.extend(self._number_tests(s, x))
        return tests

    def _guard(self, s: ir.Schema, json_type: str, x: str, tests: list[str]) -> list[str]:
        if not tests:
            return []
        if s.types == (json_type,):
            return tests
        return [f"(not {_TYPE_TESTS[json_type].format(x=x)} or {' and '.join(tests)})"]

    def _string_tests(self, s: ir.Schema, x: str) -> list[str]:
        tests = []
        if s.min_length is not None:
            tests.append(f"len({x}) >= {s.min_length}")
        if s.max_length is not None:
            tests.append(f"len({x}) <= {s.max_length}")
        if s.pattern is not None:
            tests.append(f"{self.constant('P', f're.compile({s.pattern!r})')}.search({x}) is not None")
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
        return [f"(not {_NUMBER.format(x=x)} or {' and '.join(tests)})"]

    def _enum_test(self, values: tuple[ir.JsonValue, ...], x: str) -> str:
        strings = [v for v in values if isinstance(v, str)]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        tests = []
        if strings:
            tests.append(f"isinstance({x}, str) and {x} in {self.constant('S', _set_literal(strings))}")
        if numbers:
            tests.append(f"{_NUMBER.format(x=x)} and {x} in {self.constant('N', _set_literal(numbers))}")
        tests.extend(f"{x} is {v!r}" for v in values if isinstance(v, bool) or v is None)
        tests.extend(
            f"json_equal({x}, {self.constant('J', _lit(v))})" for v in values if isinstance(v, tuple | ir.Frozen)
        )
        return "(" + " or ".join(tests) + ")"

    def _ok_body(self, s: ir.Schema) -> str:
        lines = ["def __NAME__(x: object) -> bool:"]
        if s.ref is not None:
            lines.append(f"    if not {self.ok(self.components[s.ref], 'x')}:")
            lines.append("        return False")
        for test in self._leaf_tests(s, "x"):
            lines.append(f"    if not {test}:")
            lines.append("        return False")
        if _has_object_keywords(s):
            must = s.types == ("object",)
            if must:
                pad = "    "
            else:
                lines.append("    if isinstance(x, dict):")
                pad = "        "
            lines.extend(pad + line for line in self._ok_object(s))
        if _has_array_keywords(s):
            lines.append("    if isinstance(x, list):")
            if s.min_items is not None:
                lines += [f"        if len(x) < {s.min_items}:", "            return False"]
            if s.max_items is not None:
                lines += [f"        if len(x) > {s.max_items}:", "            return False"]
            if s.items is not None and not _is_trivial(s.items):
                lines += ["        for item in x:", f"            if not {self.ok(s.items, 'item')}:"]
                lines.append("                return False")
        for child in s.all_of:
            lines += [f"    if not {self.ok(child, 'x')}:", "        return False"]
        if s.any_of:
            lines += [f"    if not ({' or '.join(self.ok(c, 'x') for c in s.any_of)}):", "        return False"]
        if s.one_of:
            count = " + ".join(f"(1 if {self.ok(c, 'x')} else 0)" for c in s.one_of)
            lines += [f"    if {count} != 1:", "        return False"]
        if s.not_ is not None:
            lines += [f"    if {self.ok(s.not_, 'x')}:", "        return False"]
        if s.if_ is not None and (s.then is not None or s.else_ is not None):
            then = self.ok(s.then, "x") if s.then is not None else "True"
            else_ = self.ok(s.else_, "x") if s.else_ is not None else "True"
            lines += [f"    if not ({then} if {self.ok(s.if_, 'x')} else {else_}):", "        return False"]
        lines.append("    return True")
        return "\n".join(lines)

    def _ok_object(self, s: ir.Schema) -> list[str]:
        lines: list[str] = []
        if s.required:
            present = " and ".join(f"{name!r} in x" for name in s.required)
            lines += [f"if not ({present}):", "    return False"]
        for name, prop in s.properties:
            test = self.ok(prop, "v")
            if test != "True":
                lines += [f"v = x.get({name!r}, MISSING)", f"if v is not MISSING and not {test}:", "    return False"]
        if s.additional is False:
            lines += [f"if not {self.known(s)}.issuperset(x):", "    return False"]
        elif isinstance(s.additional, ir.Schema) and not _is_trivial(s.additional):
            lines += [
                "for k, v in x.items():",
                f"    if k not in {self.known(s)} and not {self.ok(s.additional, 'v')}:",
            ]
            lines.append("        return False")
        if s.property_names is not None and not _is_trivial(s.property_names):
            lines += ["for k in x:", f"    if not {self.ok(s.property_names, 'k')}:", "        return False"]
        for name, needed in s.dependent_required:
            present = " and ".join(f"{n!r} in x" for n in needed) or "True"
            lines += [f"if {name!r} in x and not ({present}):", "    return False"]
        return lines

    # -- "what is wrong?" ----------------------------------------------------------------------------------

    def err(self, schema: ir.Schema, x: str, path: str) -> list[str]:
        """Statements appending every violation of `x` (at JSON path expression `path`) to `out`."""
        if schema.ref is not None and not _has_siblings(schema):
            return self.err(self.components[schema.ref], x, path)
        if _is_trivial(schema):
            return []
        return [f"{self.function('err', schema)}({x}, {path}, out, r)"]

    def _err_body(self, s: ir.Schema) -> str:
        lines = ["def __NAME__(x: object, path: str, out: list[Violation], r: Rule | None) -> None:"]
        if s.rule is not None:
            lines.append(f"    r = {self.rule_constant(s.rule)}")
        if s.ref is not None:
            lines += ["    " + line for line in self.err(self.components[s.ref], "x", "path")]
        if s.types:
            words = " or ".join(_TYPE_WORDS[t] for t in s.types)
            lines += [
                f"    if not {_type_test(s.types, 'x')}:",
                f'        out.append(violation(path, "type", f"must be {words}, not {{json_type(x)}}", r))',
                "        return",
            ]
        if s.enum is not None:
            allowed = ", ".join(_json(v) for v in s.enum)
            lines += [
                f"    if not {self._enum_test(s.enum, 'x')}:",
                f"        out.append(violation(path, 'enum', {'must be one of ' + allowed!r}, r))",
            ]
        if s.has_const:
            lines += [
                f"    if not {self._enum_test((s.const,), 'x')}:",
                f"        out.append(violation(path, 'const', {'must be ' + _json(s.const)!r}, r))",
            ]
        lines += ["    " + line for line in self._err_string(s)]
        lines += ["    " + line for line in self._err_number(s)]
        if _has_object_keywords(s):
            lines.append("    if isinstance(x, dict):")
            lines += ["        " + line for line in self._err_object(s)]
        if _has_array_keywords(s):
            lines.append("    if isinstance(x, list):")
            if s.min_items is not None:
                lines += [
                    f"        if len(x) < {s.min_items}:",
                    f"            out.append(violation(path, 'minItems', 'must have at least {s.min_items} items', r))",
                ]
            if s.max_items is not None:
                lines += [
                    f"        if len(x) > {s.max_items}:",
                    f"            out.append(violation(path, 'maxItems', 'must have at most {s.max_items} items', r))",
                ]
            if s.items is not None and not _is_trivial(s.items):
                lines.append("        for i, item in enumerate(x):")
                lines += ["            " + line for line in self.err(s.items, "item", "path_index(path, i)")]
        for child in s.all_of:
            lines += ["    " + line for line in self.err(child, "x", "path")]
        for keyword, children in (("anyOf", s.any_of), ("oneOf", s.one_of)):
            if not children:
                continue
            shapes = [c.rule.message if c.rule is not None else self.describe(c) for c in children]
            detail = "must be " + ("exactly one" if keyword == "oneOf" else "one") + " of: " + "; ".join(shapes)
            count = " + ".join(f"(1 if {self.ok(c, 'x')} else 0)" for c in children)
            test = f"{count} == 0" if keyword == "anyOf" else f"{count} != 1"
            lines += [f"    if {test}:", f"        out.append(violation(path, {keyword!r}, {detail!r}, r))"]
        if s.not_ is not None:
            inner = s.not_.rule
            rule = self.rule_constant(inner) if inner is not None else "r"
            lines += [
                f"    if {self.ok(s.not_, 'x')}:",
                f"        out.append(violation(path, 'not', {_not_detail(s.not_)!r}, {rule}))",
            ]
        if s.if_ is not None and (s.then is not None or s.else_ is not None):
            lines.append(f"    if {self.ok(s.if_, 'x')}:")
            then = self.err(s.then, "x", "path") if s.then is not None else []
            lines += ["        " + line for line in then or ["pass"]]
            if s.else_ is not None:
                lines.append("    else:")
                lines += ["        " + line for line in self.err(s.else_, "x", "path") or ["pass"]]
        if len(lines) == 1 + (s.rule is not None):
            lines.append("    return")
        return "\n".join(lines)

    def _err_string(self, s: ir.Schema) -> list[str]:
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
            pattern = self.constant("P", f"re.compile({s.pattern!r})")
            checks += [
                f"if {pattern}.search(x) is None:",
                f"    out.append(violation(path, 'pattern', {'must match ' + s.pattern!r}, r))",
            ]
        if s.format == "uri":
            checks += ["if not is_uri(x):", "    out.append(violation(path, 'format', 'must be an absolute URI', r))"]
        if not checks:
            return []
        return ["if isinstance(x, str):"] + ["    " + c for c in checks]

    def _err_number(self, s: ir.Schema) -> list[str]:
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
        return [f"if {_NUMBER.format(x='x')}:"] + ["    " + c for c in checks]

    def _err_object(self, s: ir.Schema) -> list[str]:
        lines: list[str] = []
        for name in s.required:
            lines += [
                f"if {name!r} not in x:",
                f"    out.append(violation(path_key(path, {name!r}), 'required', {f'{name!r} is required'!r}, r))",
            ]
        for name, prop in s.properties:
            inner = self.err(prop, "x[k]", "path_key(path, k)")
            if inner:
                lines += [f"k = {name!r}", "if k in x:"] + ["    " + line for line in inner]
        if s.additional is False:
            lines += [
                "for k in x:",
                f"    if k not in {self.known(s)}:",
                '        out.append(violation(path_key(path, k), "additionalProperties", f"unknown field {k!r}", r))',
            ]
        elif isinstance(s.additional, ir.Schema) and not _is_trivial(s.additional):
            lines += ["for k in x:", f"    if k not in {self.known(s)}:"]
            lines += ["        " + line for line in self.err(s.additional, "x[k]", "path_key(path, k)")]
        if s.property_names is not None and not _is_trivial(s.property_names):
            lines += [
                "for k in x:",
                f"    if not {self.ok(s.property_names, 'k')}:",
                '        out.append(violation(path_key(path, k), "propertyNames", f"field {k!r} is not allowed here", '
                + (self.rule_constant(s.property_names.rule) if s.property_names.rule else "r")
                + "))",
            ]
        for name, needed in s.dependent_required:
            for other in needed:
                detail = f"{other!r} is required when {name!r} is present"
                lines += [
                    f"if {name!r} in x and {other!r} not in x:",
                    f"    out.append(violation(path_key(path, {other!r}), 'dependentRequired', {detail!r}, r))",
                ]
        return lines


def _type_test(types: tuple[str, ...], x: str) -> str:
    tests = [_TYPE_TESTS[t].format(x=x) for t in types]
    return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"


def _not_detail(schema: ir.Schema) -> str:
    if schema.required and not schema.properties:
        return "must not have " + ", ".join(repr(n) for n in schema.required)
    if schema.any_of and all(c.required and not c.properties for c in schema.any_of):
        return "must not have any of " + ", ".join(repr(n) for c in schema.any_of for n in c.required)
    return "is not allowed here"


def _has_object_keywords(s: ir.Schema) -> bool:
    return bool(s.properties or s.required or s.additional is not None or s.property_names or s.dependent_required)


def _has_array_keywords(s: ir.Schema) -> bool:
    return s.items is not None or s.min_items is not None or s.max_items is not None


def _has_siblings(s: ir.Schema) -> bool:
    return s != ir.Schema(s.pointer, ref=s.ref, rule=s.rule) or s.rule is not None


def _is_leaf(s: ir.Schema) -> bool:
    return (
        s.ref is None
        and not _has_object_keywords(s)
        and not _has_array_keywords(s)
        and not (s.all_of or s.any_of or s.one_of or s.not_ or s.if_)
    )


def _is_trivial(s: ir.Schema) -> bool:
    # `if` alone constrains nothing: without `then` or `else` it is an annotation.
    return s == ir.Schema(s.pointer, if_=s.if_, rule=s.rule) and s.then is None and s.else_ is None


def validator_name(model: str) -> str:
    """`CreateTaskRequest` -> `validate_create_task_request`."""
    return f"validate_{python_name(model)}"


def compile_rules(vendor: ir.Vendor) -> CompiledRules:
    """The validator source for every request model of a vendor."""
    components = {c.name: c.schema for c in vendor.components}
    compiler = _Compiler(components)
    entries: list[tuple[str, str]] = []
    functions: list[str] = []
    for component in vendor.components:
        # every request model gets its validator, nested ones too, so a model built on its own is checked as well
        if not component.request:
            continue
        ok = compiler.ok(component.schema, "payload")
        err = compiler.err(component.schema, "payload", '"$"')
        name = validator_name(component.name)
        entries.append((component.name, name))
        body = "\n".join("    " + line for line in err) or "    pass"
        functions.append(
            f"def {name}(payload: object) -> list[Violation]:\n"
            f'    """Every violation of {component.name} in `payload` (a parsed JSON value); empty when valid."""\n'
            f"    if {ok}:\n"
            "        return []\n"
            "    out: list[Violation] = []\n"
            "    r: Rule | None = None\n"
            f"{body}\n"
            "    return out"
        )
    return CompiledRules(tuple(compiler.constants), tuple(compiler.functions + functions), tuple(entries))
