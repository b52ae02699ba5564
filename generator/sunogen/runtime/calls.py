"""Calls: the values one call is made of and returns (its headers, a left-out argument, its checked result)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

if TYPE_CHECKING:
    import httpx
    from pydantic import BaseModel

    from .redaction import Redactor

__all__ = ["NOT_GIVEN", "CallResult", "NotGiven", "RequestHeaders"]

M = TypeVar("M", bound="BaseModel")


class NotGiven:
    """The type of NOT_GIVEN: an argument left out, as distinct from an explicit None."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class CallResult(Generic[M]):
    """One successful call: the validated model, the decoded JSON body and the response (its request redacted).

    `response` is a redacted copy, made when first read: whatever raises with it (a poll that finds the body
    malformed) carries no key, and a call whose response nobody reads pays nothing for the copy.
    """

    # A plain class rather than a dataclass: one is made per call, and a frozen dataclass's __init__ is slower.
    __slots__ = ("_raw", "_redacted", "_redactor", "data", "model")

    def __init__(self, model: M, data: Any, response: httpx.Response, redactor: Redactor) -> None:
        self.model = model
        self.data = data
        self._raw = response
        self._redactor = redactor
        self._redacted: httpx.Response | None = None

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
