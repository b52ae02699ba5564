"""Error mapping: an error answer matched against the spec's error table, with HTTP's own meanings as fallback.

The gateway-specific meanings (a code in the envelope, a string code, a message) come from the spec's
`x-sunogen-errors`; this module knows only how to match them and what an HTTP status means when no entry does.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import exceptions
from .kinds import HTTP_KINDS, KINDS
from .responses import numeric_code, same_code
from .spec_data import ErrorRule

__all__ = ["error_class", "http_rule", "match_error"]


def error_class(kind: str | None) -> type[exceptions.APIStatusError]:
    """The exception class of an error kind (the generic APIStatusError for none)."""
    if kind is None:
        return exceptions.APIStatusError
    found: type[exceptions.APIStatusError] = getattr(exceptions, KINDS[kind].error)
    return found


def http_rule(status: int) -> ErrorRule | None:
    """What an HTTP status means by itself, with its kind's default retries; None for a status with no kind."""
    kind = HTTP_KINDS.get(status, "server-error" if 500 <= status < 600 else None)
    if kind is None:
        return None
    meaning = KINDS[kind]
    return ErrorRule(kind, status=status, retry_query=meaning.retry_query, retry_create=meaning.retry_create)


def match_error(rules: Iterable[ErrorRule], *, status: int, code: object, message: object) -> ErrorRule | None:
    """The first rule whose matchers all match the answer, or HTTP's meaning of its effective status.

    The effective status is the envelope's numeric code when it is an error status (400-599), else the HTTP
    status: a gateway that answers HTTP 200 with `code: 404` means 404 unless its table says otherwise.
    """
    text = message.lower() if isinstance(message, str) else None
    for rule in rules:
        if rule.status is not None and rule.status != status:
            continue
        if rule.code is not None and (code is None or not same_code(code, rule.code)):
            continue
        if rule.message is not None and (text is None or rule.message.lower() not in text):
            continue
        return rule
    numeric = numeric_code(code)
    return http_rule(numeric if numeric is not None and 400 <= numeric < 600 else status)
