"""Request bodies: a request model or keyword fields become the exact JSON to send, checked before any network call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from .exceptions import RequestValidationError
from .models import to_json
from .violations import Violation


def prepare_body(
    vendor: str,
    operation: str,
    model: type[BaseModel],
    request: BaseModel | None,
    fields: Mapping[str, Any],
    check: Callable[[object], list[Violation]],
) -> dict[str, Any]:
    """The JSON body of a call, from a `model` instance or from keyword fields, never both.

    The spec's rules run on exactly what will be sent (a model may have been changed since it was built), so an
    invalid request raises RequestValidationError listing every violation and nothing reaches the transport.
    """
    if request is not None and fields:
        raise TypeError(f"{operation}() takes a {model.__name__} or keyword fields, not both")
    if request is not None and not isinstance(request, model):
        raise TypeError(f"{operation}() takes a {model.__name__}, not {type(request).__name__}")
    body = to_json(request) if request is not None else to_json(dict(fields))
    violations = check(body)
    if violations:
        raise RequestValidationError(violations, vendor=vendor, operation=operation)
    result: dict[str, Any] = body
    return result
