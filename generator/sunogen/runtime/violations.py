"""What a failed offline check reports, and the small helpers the generated validators call."""

from __future__ import annotations

import json
from typing import Literal, NamedTuple

from .missing import MISSING

__all__ = [
    "MISSING",
    "NUMBER",
    "Rule",
    "Severity",
    "Violation",
    "errors_only",
    "json_type",
    "path_index",
    "path_key",
    "violation",
]


Severity = Literal["error", "warning"]
"""An error: the vendor document's words make the payload invalid. A warning: the document only advises."""


class Rule(NamedTuple):
    """A named rule of a vendor document: its id, the message the document words it with, and its severity."""

    id: str
    message: str
    severity: Severity = "error"


class Violation(NamedTuple):
    """One way a payload breaks its spec: where (a JSON path), which rule, what to do about it, and how much it matters.

    An "error" makes the payload invalid: clients refuse to send it. A "warning" is the document's advice (a field
    "only used in" another mode, a recommended form): clients send the payload and log the warning.
    Immutable and cheap to make (a tuple: a payload with mistakes makes one per mistake).
    """

    path: str
    keyword: str
    message: str
    rule: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        shown = f"{self.path}: {self.message} [{self.rule or self.keyword}]"
        return shown if self.severity == "error" else f"{shown} (warning)"

    def as_dict(self) -> dict[str, str | None]:
        """The violation as a JSON object (what `sunogen validate --json` prints)."""
        return {
            "path": self.path,
            "keyword": self.keyword,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }


def errors_only(violations: list[Violation]) -> list[Violation]:
    """The violations that make a payload invalid (warnings left out): empty when a client would send it."""
    return [v for v in violations if v.severity == "error"]


NUMBER = (int, float)
"""The Python types of a JSON number (a bool is an int too: the compiled tests exclude it)."""


def violation(path: str, keyword: str, detail: str, rule: Rule | None) -> Violation:
    """A violation worded by its rule where the spec names one, by the keyword's own detail otherwise."""
    # tuple.__new__ with every field: a named tuple's own __new__ is Python code, half of what making one costs,
    # and a payload with 200 unknown members makes 200 (bench/RESULTS.md, figure 7)
    if rule is None:
        return _new(Violation, (path, keyword, detail, None, "error"))
    return _new(Violation, (path, keyword, f"{rule.message} ({detail})", rule.id, rule.severity))


_new = tuple.__new__


def path_key(path: str, key: str) -> str:
    """The JSON path of an object member: `$.input.prompt`, or `$["odd key"]` when the key needs quoting."""
    # an ASCII identifier is [A-Za-z_][A-Za-z0-9_]*: the keys a dotted path can spell
    return f"{path}.{key}" if key.isascii() and key.isidentifier() else f"{path}[{json.dumps(key)}]"


def path_index(path: str, index: int) -> str:
    """The JSON path of an array item: `$.ids[0]`."""
    return f"{path}[{index}]"


def json_type(value: object) -> str:
    """The JSON type name of a Python value as json.loads would produce it (a bool is not a number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
