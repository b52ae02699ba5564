"""The reference judge of the differential tests: jsonschema's Draft 2020-12 validator, made to assert what we assert.

- Formats are checked (format_checker; rfc3986-validator and rfc3339-validator are installed for uri, date-time).
- contentMediaType/contentSchema are annotations to jsonschema; we validate them. So the reference decodes a string
  whose contentMediaType is application/json and judges the document with jsonschema itself.
- multipleOf: jsonschema divides first, and a huge integer over a float divisor raises OverflowError before its own
  fallback to exact fractions; the reference goes straight to exact fractions then.
- uniqueItems: jsonschema's `uniq` sorts the items and compares neighbours, which misses a repeat another item sorts
  between (`[[1], [true], [1]]`: `[1] == [True]` to Python); the reference compares every pair with jsonschema's own
  JSON equality instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from fractions import Fraction
from itertools import combinations
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, _keywords, validators
from jsonschema._utils import equal

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decoded(text: str) -> Any:
    """The document a JSON string holds, as the generated validators decode it; ValueError if it holds none."""
    return json.loads(text, parse_constant=_no_constant)


def _content_media_type(validator: Any, media_type: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if media_type == "application/json" and validator.is_type(instance, "string"):
        try:
            decoded(instance)
        except (ValueError, RecursionError):
            yield ValidationError(f"{instance!r} holds no JSON document")


def _content_schema(validator: Any, content: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if schema.get("contentMediaType") != "application/json" or not validator.is_type(instance, "string"):
        return
    try:
        document = decoded(instance)
    except (ValueError, RecursionError):
        return  # contentMediaType reports it
    yield from validator.descend(document, content)


def _unique_items(validator: Any, unique: bool, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    repeated = (
        unique and validator.is_type(instance, "array") and any(equal(a, b) for a, b in combinations(instance, 2))
    )
    if repeated:
        yield ValidationError(f"{instance!r} has non-unique elements")


def _multiple_of(validator: Any, divisor: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    try:
        yield from _keywords.multipleOf(validator, divisor, instance, schema)
    except OverflowError:
        if (Fraction(instance) / Fraction(divisor)).denominator != 1:
            yield ValidationError(f"{instance!r} is not a multiple of {divisor}")


Reference = validators.extend(
    Draft202012Validator,
    {
        "contentMediaType": _content_media_type,
        "contentSchema": _content_schema,
        "multipleOf": _multiple_of,
        "uniqueItems": _unique_items,
    },
)


def reference(schema: Any) -> Any:
    """The reference validator of a schema."""
    return Reference(schema, format_checker=FORMAT_CHECKER)
