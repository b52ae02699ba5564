"""Responses: decoding a body, comparing envelope codes, and describing a body that is not what the spec says."""

from __future__ import annotations

from typing import Any

import httpx

from .jsontext import MalformedJSON, parse_json
from .paths import MISSING

__all__ = [
    "decode_body",
    "decode_or_missing",
    "describe_non_json",
    "numeric_code",
    "redirect_note",
    "same_code",
    "snippet",
]

_SNIPPET = 200


def numeric_code(code: object) -> int | None:
    """An envelope code as an integer: an int, or a string of digits; None for anything else (a bool is not one)."""
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().isdigit():
        return int(code.strip())
    return None


def same_code(code: object, success: str | int) -> bool:
    """Whether an envelope code equals one success value of the spec (numbers compare as numbers, bools never)."""
    if isinstance(success, bool) or isinstance(code, bool):
        return False
    if isinstance(success, int):
        return numeric_code(code) == success
    return isinstance(code, str) and code == success


def decode_body(response: httpx.Response) -> Any:
    """The JSON body (NaN, Infinity and integer lengths as json.loads reads them); MalformedJSON when not JSON."""
    return parse_json(response.content, constants=True, any_length=False)


def decode_or_missing(response: httpx.Response) -> Any:
    """The decoded JSON body, or MISSING when it is not JSON."""
    try:
        return decode_body(response)
    except MalformedJSON:
        return MISSING


def describe_non_json(response: httpx.Response, exc: MalformedJSON) -> str:
    """What a body that failed to decode is instead: empty, an HTML page, or truncated or broken JSON."""
    text = response.text
    if not text.strip():
        return "the body is empty, not JSON"
    if "html" in response.headers.get("content-type", "").lower() or text.lstrip().startswith("<"):
        return f"the body is an HTML page, not JSON: {snippet(text)}"
    if exc.lineno is not None:
        where = f"line {exc.lineno} column {exc.colno}"
        return f"the body is not valid JSON ({exc.msg} at {where}; truncated?): {snippet(text)}"
    return f"the body is not valid JSON ({exc.msg}): {snippet(text)}"


def redirect_note(response: httpx.Response, base_url: str) -> str | None:
    """For a redirect, why it was not followed; None for any other response.

    The API key may only go where the caller pointed the client: a redirect is an answer, never followed.
    """
    location = response.headers.get("location")
    if not response.is_redirect or location is None:
        return None
    target = snippet(str(response.request.url.join(location)))
    return f"redirected to {target}; not followed, the API key is only sent to {base_url} (set base_url to move)"


def snippet(text: str) -> str:
    """The start of a body for a message: whitespace collapsed, at most 200 characters."""
    flat = " ".join(text.split())
    if not flat:
        return "(empty body)"
    return flat if len(flat) <= _SNIPPET else flat[:_SNIPPET] + "..."
