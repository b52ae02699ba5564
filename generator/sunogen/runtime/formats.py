"""The formats a request schema may use (`format: uri`, `format: date-time`), as the compiled validators test them.

Each accepts exactly what the package jsonschema uses for it accepts (rfc3986-validator, rfc3339-validator), so that
`validate()` and jsonschema agree; tests/test_formats.py holds them to those packages.
"""

from __future__ import annotations

import calendar
import re

__all__ = ["is_date_time", "is_uri"]


# RFC 3986 `URI` (scheme ":" hier-part [ "?" query ] [ "#" fragment ]), the grammar of its Appendix A, written
# to accept exactly what the rfc3986-validator package accepts, which jsonschema uses for `format: uri`.
_HEX4 = "[0-9A-Fa-f]{1,4}"
_DEC = "(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)"
_IPV4 = rf"(?:{_DEC}\.){{3}}{_DEC}"
_LS32 = rf"(?:{_HEX4}:{_HEX4}|{_IPV4})"
_IPV6 = (
    rf"(?:(?:{_HEX4}:){{6}}{_LS32}|::(?:{_HEX4}:){{5}}{_LS32}|(?:{_HEX4})?::(?:{_HEX4}:){{4}}{_LS32}"
    rf"|(?:(?:{_HEX4}:)?{_HEX4})?::(?:{_HEX4}:){{3}}{_LS32}|(?:(?:{_HEX4}:){{,2}}{_HEX4})?::(?:{_HEX4}:){{2}}{_LS32}"
    rf"|(?:(?:{_HEX4}:){{,3}}{_HEX4})?::(?:{_HEX4}:){_LS32}|(?:(?:{_HEX4}:){{,4}}{_HEX4})?::{_LS32}"
    rf"|(?:(?:{_HEX4}:){{,5}}{_HEX4})?::{_HEX4}|(?:(?:{_HEX4}:){{,6}}{_HEX4})?::)"
)
_SUB = r"a-zA-Z0-9_.~\-!$&'()*+,;="
_PCT = "%[0-9A-Fa-f]{2}"
_AUTHORITY = (
    rf"(?:(?:[{_SUB}:]|{_PCT})*@)?"
    rf"(?:\[(?:{_IPV6}|v[0-9A-Fa-f]+\.[{_SUB}:]+)\]|{_IPV4}|(?:[{_SUB}]|{_PCT})*)"
    r"(?::[0-9]*)?"
)
_PCHAR = rf"(?:[{_SUB}:@]|{_PCT})"
_QUERY = rf"(?:[{_SUB}:@/?]|{_PCT})*"
_URI = (
    rf"^[a-zA-Z][a-zA-Z0-9+.-]*:"
    rf"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|{_PCHAR}+(?:/{_PCHAR}*)*|)"
    rf"(?:\?{_QUERY})?(?:\#{_QUERY})?$"
)


_FULL_URI = re.compile(_URI)
# The common shape (https://host/path?query) in a pattern the full grammar also accepts, tried first: a quarter of
# the full grammar's time on such a URL (bench/RESULTS.md, "what each kept optimisation buys"); anything it does not
# match goes to the full grammar.
_SIMPLE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/-]*)?(?:\?[A-Za-z0-9._~=&/-]*)?")


def is_uri(value: str) -> bool:
    """Whether a string is an absolute URI (RFC 3986), the meaning of JSON Schema's `format: uri`."""
    return _SIMPLE_URL.fullmatch(value) is not None or _FULL_URI.match(value) is not None


# RFC 3339 `date-time`, as rfc3339-validator reads it: jsonschema hands it the string upper-cased (so "t" and "z"
# are accepted), and its `$` also matches before a final newline.
_DATE_TIME = (
    r"^(\d{4})-(0[1-9]|1[0-2])-(\d{2})"  # date: year, month, day (checked against the month below)
    r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"  # time, with a fraction of a second
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$"  # offset
)


_DATE_TIME_PATTERN = re.compile(_DATE_TIME, re.ASCII)


def is_date_time(value: str) -> bool:
    """Whether a string is an RFC 3339 date-time (`2024-05-01T12:30:00Z`), the meaning of `format: date-time`."""
    match = _DATE_TIME_PATTERN.match(value.upper())
    if match is None:
        return False
    year, month, day = (int(part) for part in match.groups())
    return year != 0 and 1 <= day <= calendar.monthrange(year, month)[1]
