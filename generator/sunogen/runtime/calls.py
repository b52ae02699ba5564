"""Calls: what one call is made of and returns (base URL, path and query, headers, a left-out argument, its result)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar
from urllib.parse import quote

import httpx

from .exceptions import ConfigurationError, RequestValidationError
from .spec_data import Operation, Vendor
from .violations import Violation

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .redaction import Redactor

__all__ = ["NOT_GIVEN", "CallResult", "NotGiven", "RequestHeaders", "check_base_url", "param_text", "render_params"]

M = TypeVar("M", bound="BaseModel")


class NotGiven:
    """The type of NOT_GIVEN: an argument left out, as distinct from an explicit None."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


@dataclass(slots=True)
class CallResult(Generic[M]):
    """One successful call: the validated model, the decoded JSON body and the response (its request redacted).

    `response` is a redacted copy, made when first read: whatever raises with it (a poll that finds the body
    malformed) carries no key, and a call whose response nobody reads pays nothing for the copy.
    """

    model: M
    data: Any
    _raw: httpx.Response
    _redactor: Redactor
    _redacted: httpx.Response | None = None

    @property
    def response(self) -> httpx.Response:
        """The response: status, headers and body, its request's auth header redacted."""
        if self._redacted is None:
            self._redacted = self._redactor.response(self._raw)
        return self._redacted

    def __repr__(self) -> str:
        return f"CallResult(model={self.model!r}, response={self._raw!r})"


class RequestHeaders:
    """The headers every request of a client carries, API key included; its repr never shows them."""

    __slots__ = ("plain", "with_json")

    def __init__(self, plain: dict[str, str]) -> None:
        self.plain = plain
        self.with_json = {**plain, "Content-Type": "application/json"}

    def __repr__(self) -> str:
        return "<request headers, redacted>"


def render_params(vendor: str, operation: Operation, params: dict[str, object]) -> tuple[str, dict[str, str]]:
    """The path with its parameters filled in (each quoted whole) and the query, checked against the operation."""
    known = {param.python_name for param in operation.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise TypeError(f"{operation.id} got unexpected parameters: {', '.join(unknown)}")
    path = operation.path
    query: dict[str, str] = {}
    problems: list[Violation] = []
    for param in operation.params:
        value = params.get(param.python_name)
        if value is None or (param.location == "path" and isinstance(value, str) and not value.strip()):
            if param.required or param.location == "path":
                problems.append(Violation(param.name, "required", f"a value is required ({param.location} parameter)"))
            continue
        text = param_text(value)
        if param.location == "path":
            # quote(safe="") keeps an id like "../account" from reaching another endpoint.
            path = path.replace("{" + param.name + "}", quote(text, safe=""))
        else:
            query[param.name] = text
    if problems:
        raise RequestValidationError(problems, vendor=vendor, operation=operation.id)
    return path, query


def check_base_url(vendor: Vendor, base_url: str | None) -> str:
    """`base_url` checked and normalised (no trailing slash); ConfigurationError when it cannot be one."""
    if base_url is None or not base_url.strip():
        raise ConfigurationError(
            f"{vendor.id}: this gateway has no default host: pass base_url='https://...'", vendor=vendor.id
        )
    try:
        url = httpx.URL(base_url.strip())
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"{vendor.id}: base_url is not a URL: {exc}", vendor=vendor.id) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"{vendor.id}: base_url must be an http(s) URL with a host", vendor=vendor.id)
    return str(url).rstrip("/")


def param_text(value: object) -> str:
    """A path or query parameter's value as text (JSON's spelling of a bool)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(f"a path or query parameter must be a str, int, float or bool, not {type(value).__name__}")
