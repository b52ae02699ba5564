"""Python source for JSON values and JSON types: the literals and type tests both passes of the compiler print."""

from __future__ import annotations

import ast
import json

from sunogen import ir
from sunogen.runtime.violations import path_key

from .values import thaw

TYPE_TESTS = {
    "string": "isinstance({x}, str)",
    "integer": "(isinstance({x}, int) and not isinstance({x}, bool) or isinstance({x}, float) and {x}.is_integer())",
    "number": "(isinstance({x}, NUMBER) and not isinstance({x}, bool))",
    "boolean": "isinstance({x}, bool)",
    "null": "{x} is None",
    "object": "isinstance({x}, dict)",
    "array": "isinstance({x}, list)",
}
"""A Python test of each JSON type over the expression `{x}` (`true` is not a number; 1.0 is an integer)."""

TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "null": "null",
    "object": "an object",
    "array": "an array",
}

GUARDS = {"string": "string", "number": "number", "integer": "number", "object": "object", "array": "array"}
"""The type a keyword applies to, by the type a node declares: an integer is a number to `minimum`."""


def type_test(types: tuple[str, ...], x: str) -> str:
    """True when `x` has one of the JSON types."""
    tests = [TYPE_TESTS[t].format(x=x) for t in types]
    return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"


def set_literal(values: list[str] | list[int | float]) -> str:
    """A frozenset literal in sorted order: `repr(frozenset(...))` follows hash order, which varies per process."""
    return "frozenset({" + ", ".join(repr(v) for v in sorted(set(values))) + "})"


def literal(value: ir.JsonValue) -> str:
    """A JSON value as a Python literal."""
    return repr(thaw(value))


def as_json(value: ir.JsonValue) -> str:
    """A JSON value as a message shows it."""
    return json.dumps(thaw(value), ensure_ascii=False)


def member_path(path: str, name: str) -> str:
    """The expression for the JSON path of member `name` under the path expression `path`, decided now.

    The same text `path_key` would build at run time (`$.input.prompt`, `$["odd key"]`), as a literal suffix.
    """
    return _suffixed(path, path_key("", name))


def item_path(path: str, index: int) -> str:
    """The expression for the JSON path of item `index` under the path expression `path` (`$.ids[0]`)."""
    return _suffixed(path, f"[{index}]")


def _suffixed(path: str, suffix: str) -> str:
    # `path + ".input"` and `.prompt` make `path + ".input.prompt"`, not a second addition at run time
    node = ast.parse(path, mode="eval").body
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.Constant):
        literal = node.right.value
        if isinstance(literal, str):
            return f"{ast.unparse(node.left)} + {literal + suffix!r}"
    return f"{path} + {suffix!r}"


_FLIPPED = {"==": "!=", "!=": "==", "in": "not in", "not in": "in", "is": "is not", "is not": "is"}
_FLIPPED_COUNTS = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}  # exact for integers only (NaN compares false)


def _top_level(test: str) -> list[tuple[int, str]]:
    """Where each operator of `test` is at its top level, outside brackets and strings: (index, operator)."""
    depth, quote, found = 0, "", []
    i = 0
    while i < len(test):
        c = test[i]
        if quote:
            i += 2 if c == "\\" else 1
            if c == quote:
                quote = ""
            continue
        if c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c == " ":
            for op in ("not in", "is not", "==", "!=", "<=", ">=", "<", ">", "in", "is", "and", "or", "if"):
                if test.startswith(f" {op} ", i):
                    found.append((i, op))
                    i += len(op) + 1
                    break
        i += 1
    return found


def _comparison(test: str) -> tuple[str, str, str] | None:
    """(left, operator, right) when `test` is one comparison at its top level, outside brackets and strings."""
    found = _top_level(test)
    if len(found) != 1 or found[0][1] in ("and", "or", "if"):
        return None
    at, op = found[0]
    return test[:at], op, test[at + len(op) + 2 :]


def _alternatives(test: str) -> list[str] | None:
    """The parts of `(a or b or ...)`, a parenthesized disjunction and nothing else; None for any other test."""
    if not (test.startswith("(") and test.endswith(")")) or _top_level(test):
        return None  # (a test in brackets has no top-level operator; `(a) or (b)` has one)
    inner = test[1:-1]
    found = _top_level(inner)
    splits = [at for at, op in found if op == "or"]
    if not splits or any(op in ("and", "if") for _, op in found):
        return None
    bounds = [0, *splits, len(inner)]
    starts = [0, *(at + len(" or ") for at in splits)]
    return [inner[start:end] for start, end in zip(starts, bounds[1:], strict=True)]


def negated(test: str) -> str:
    """`not test`, in its plainest form (`x != 1`, `"a" not in x`, `len(x) > 3`), never a double negation.

    Every test the compiler makes is an atom, a call, one comparison, or `not` before one of those (a compound test
    is parenthesized where it is made), so `not` in front binds to all of it.
    """
    if test.startswith("not "):
        return test[len("not ") :]
    if test in ("True", "False"):
        return "False" if test == "True" else "True"
    parts = _comparison(test)
    if parts is not None:
        left, op, right = parts
        if op in _FLIPPED:
            return f"{left} {_FLIPPED[op]} {right}"
        if op in _FLIPPED_COUNTS and left.startswith("len("):
            return f"{left} {_FLIPPED_COUNTS[op]} {right}"
    alternatives = _alternatives(test)
    if alternatives is not None:
        # `not (not isinstance(v, dict) or "a" in v)` reads `(isinstance(v, dict) and "a" not in v)`, unless a part
        # would only get a `not` before its brackets
        each = [negated(part) for part in alternatives]
        if not any(part.startswith("not (") for part in each):
            return "(" + " and ".join(each) + ")"
    return f"not {test}"
