"""What a JSON payload may hold, and how JSON values compare: the helpers the compiled validators call.

A payload `validate()` accepts is one a client can send: every value in it must be one the client's encoder writes
(`json.dumps(allow_nan=False)`, then UTF-8). So NaN and the infinities (1e400
parses as one), integers longer than Python converts to text (`sys.get_int_max_str_digits()`), strings holding a
lone surrogate, keys that are not strings, and Python values JSON has no word for (a set, bytes, a tuple, a
datetime) are violations of keyword "json". Where a schema pins a value down (`type: boolean`, an enum) its own
test already says so; the compiled validators call these only for what the schema leaves open (strings, numbers,
free-form members), so a payload pays for the check where it can fail.
"""

from __future__ import annotations

import json
import math
import re
import sys
from fractions import Fraction
from typing import Any

from .violations import MISSING, Violation, path_index, path_key

__all__ = [
    "NUMBER_LIMIT",
    "is_json",
    "is_multiple",
    "is_text",
    "json_document",
    "json_equal",
    "json_item_violations",
    "json_items",
    "json_member_violations",
    "json_members",
    "json_violations",
    "not_json",
    "unique_items",
]

_DIGITS = sys.get_int_max_str_digits()
NUMBER_LIMIT: int | float = 10**_DIGITS if _DIGITS else float("inf")
"""`abs(x) < NUMBER_LIMIT` holds exactly for the numbers the encoder writes: finite floats (NaN compares false,
infinity is not below it) and integers of at most `sys.get_int_max_str_digits()` digits."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_SCALARS = (str, int, float, bool, type(None))


def is_text(value: str) -> bool:
    """Whether a string holds no surrogate code point: text that UTF-8, and so JSON, can carry."""
    try:
        # Strict UTF-16 refuses exactly the surrogates, as strict UTF-8 does (tests/test_json_values.py holds them to
        # it), and CPython writes it two to seven times faster from non-ASCII text: a request's lyrics were a third
        # of its validation (bench/RESULTS.md, figure 7)
        value.encode("utf-16")
    except UnicodeEncodeError:
        return False
    return True


def _is_json_scalar(value: object) -> bool:
    if isinstance(value, str):
        return value.isascii() or is_text(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return abs(value) < NUMBER_LIMIT
    return isinstance(value, bool) or value is None


def _problem(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "NaN is not a JSON number"
        return f"{value} is not a JSON number: JSON has no infinity (a literal like 1e400 parses as one)"
    if isinstance(value, int):
        return f"an integer of more than {_DIGITS} digits: Python's JSON encoder does not write it"
    if isinstance(value, str):
        surrogate = _SURROGATE.search(value)
        code = ord(surrogate.group()) if surrogate else 0
        return f"holds a lone surrogate (U+{code:04X}), which is not text JSON can carry"
    if isinstance(value, tuple):
        return "a tuple is not a JSON value (a list is)"
    return f"{type(value).__name__} is not a JSON value"


def not_json(path: str, value: object) -> Violation:
    """The violation for a value that is not JSON (a NaN, a set...) at `path`."""
    return Violation(path, "json", _problem(value))


def _walk(value: object, path: str, out: list[Violation] | None) -> bool:
    # One loop over an explicit stack, not recursion: a free-form value may be nested deeper than the call stack.
    # With `out`, every problem is reported; without, the first one ends the walk.
    clean = True
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key, member in node.items():
                if isinstance(key, str) and (key.isascii() or is_text(key)):
                    stack.append((member, path_key(where, key) if out is not None else where))
                    continue
                clean = False
                if out is None:
                    return False
                detail = "JSON object keys are strings" if not isinstance(key, str) else _problem(key)
                out.append(Violation(where, "json", f"member name {key!r}: {detail}"))
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                stack.append((node[index], path_index(where, index) if out is not None else where))
        elif not (isinstance(node, _SCALARS) and _is_json_scalar(node)):
            clean = False
            if out is None:
                return False
            out.append(not_json(where, node))
    return clean


def is_json(value: object) -> bool:
    """Whether a value, all the way down, is one a JSON encoder writes."""
    return _walk(value, "", None)


def json_violations(value: object, path: str, out: list[Violation]) -> None:
    """Append a violation for every part of `value` that is not JSON (nothing for a JSON value)."""
    _walk(value, path, out)


def json_members(value: dict[Any, Any], declared: frozenset[str]) -> bool:
    """Whether an object's member names are JSON strings and its undeclared members JSON values.

    Declared members (`properties`) are checked by their own schemas.
    """
    return _walk({k: v for k, v in value.items() if k not in declared}, "", None)


def json_member_violations(value: dict[Any, Any], declared: frozenset[str], path: str, out: list[Violation]) -> None:
    """Append a violation for each problem `json_members` finds."""
    _walk({k: v for k, v in value.items() if k not in declared}, path, out)


def json_items(value: list[Any], start: int) -> bool:
    """Whether an array's items from `start` on (those no item schema covers) are JSON values."""
    return all(_walk(item, "", None) for item in value[start:])


def json_item_violations(value: list[Any], start: int, path: str, out: list[Violation]) -> None:
    """Append a violation for each problem `json_items` finds."""
    for index in range(start, len(value)):
        _walk(value[index], path_index(path, index), out)


def json_equal(a: object, b: object) -> bool:
    """Equality as JSON Schema defines it for const, enum and uniqueItems: 1 == 1.0, but true != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _identity(value: object) -> object:
    # A hashable stand-in equal exactly when the values are JSON-equal: a bool is tagged apart from the numbers
    # (true != 1), numbers keep Python's equality (1 == 1.0), arrays and objects compare member by member.
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, list):
        return ("array", tuple(_identity(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _identity(member)) for key, member in value.items()))
    return value


def unique_items(value: list[Any]) -> bool:
    """Whether no two items of an array are JSON-equal (uniqueItems)."""
    return len({_identity(item) for item in value}) == len(value)


def is_multiple(value: int | float, divisor: int | float) -> bool:
    """Whether a number is a multiple of `divisor` (multipleOf), computed as jsonschema computes it.

    NaN and the infinities are multiples of nothing (they are not JSON numbers either), where jsonschema raises.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if isinstance(divisor, float):
        try:
            quotient = value / divisor
            return int(quotient) == quotient
        except OverflowError:  # a quotient too large for a float: exact arithmetic decides
            return (Fraction(value) / Fraction(divisor)).denominator == 1
    return value % divisor == 0


def json_document(value: str) -> Any:
    """The JSON document a string holds (contentMediaType: application/json), or MISSING if it holds none."""
    try:
        return json.loads(value, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return MISSING


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
