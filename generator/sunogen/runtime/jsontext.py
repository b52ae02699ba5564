"""JSON text to Python values, fast: what `validate_json`, `sunogen validate` and the clients' responses parse with.

pydantic_core's parser (Rust, and a dependency already) reads the text first: on request-sized bodies it takes a
third to a seventh of json.loads's time. It gives the same value as json.loads for every text it accepts
(tests/test_json_text.py holds it to that). A text it refuses goes to json.loads, which decides: json.loads
accepts a few texts pydantic_core does not (bytes with a UTF-8 BOM or in UTF-16 or UTF-32, lone surrogate
escapes, nesting deeper than 200 levels, integers of more than 4300 digits), and words the error for the rest.
The constants NaN and Infinity are refused (they are not JSON), except in a response (`constants=True`), which
reads them as json.loads does: a gateway's odd body is its model's to judge. A number too large for a float (1e400)
is JSON and becomes inf, as json.loads makes it, and an integer of any length is an integer; validation then reports
what a client could not send (runtime/json_values.py), never this parser.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic_core import from_json

__all__ = ["MalformedJSON", "parse_json"]


class MalformedJSON(ValueError):
    """A text that is not JSON: json.loads's message, with the 1-based line and column where it knows them."""

    def __init__(self, message: str, lineno: int | None = None, colno: int | None = None) -> None:
        super().__init__(message if lineno is None else f"{message}: line {lineno} column {colno}")
        self.msg = message
        self.lineno = lineno
        self.colno = colno


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _integer(digits: str) -> int:
    # Python converts at most sys.get_int_max_str_digits() digits at once (a guard against quadratic time); a longer
    # literal is converted in halves, which keeps the time well below quadratic.
    limit = sys.get_int_max_str_digits()
    if not limit or len(digits) <= limit:
        return int(digits)
    if digits[0] == "-":
        return -_integer(digits[1:])
    half = len(digits) // 2
    high: int = _integer(digits[:-half]) * 10**half
    return high + _integer(digits[-half:])


def parse_json(data: str | bytes | bytearray, *, constants: bool = False, any_length: bool = True) -> Any:
    """The value of the JSON text `data`, as json.loads gives it; raises MalformedJSON when it is not JSON.

    `constants`: read NaN, Infinity and -Infinity as json.loads does by default, rather than refuse them.
    `any_length`: read an integer of any length; False refuses one longer than Python converts at once (as
    json.loads does), for a gateway's answer: such an integer could not even be shown in an error message, and
    converting millions of digits takes seconds no deadline would see.
    """
    try:
        return from_json(data, allow_inf_nan=constants)
    except ValueError:
        pass
    try:
        return json.loads(
            data, parse_constant=None if constants else _reject_constant, parse_int=_integer if any_length else int
        )
    except json.JSONDecodeError as exc:
        raise MalformedJSON(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise MalformedJSON("nested too deeply") from None
    except ValueError as exc:  # a constant (NaN, Infinity) or bytes that are not text (UnicodeDecodeError)
        raise MalformedJSON(str(exc)) from None
