"""Redaction: keeps the API key out of every request copy, message and log line the runtime produces."""

from __future__ import annotations

import httpx

__all__ = ["REDACTED", "Redactor"]

REDACTED = "[redacted]"

# A shorter "key" would also match ordinary words in messages; real gateway keys are far longer.
_MIN_SCRUB_LENGTH = 6


class Redactor:
    """Knows the secret and the header it travels in; returns copies of text and requests without it."""

    __slots__ = ("_header", "_secret")

    def __init__(self, secret: str, header: str) -> None:
        self._secret = secret
        self._header = header.lower()

    def __repr__(self) -> str:
        return f"Redactor(header={self._header!r})"

    def text(self, text: str) -> str:
        """`text` with every occurrence of the secret replaced (servers sometimes echo the key they rejected)."""
        if len(self._secret) < _MIN_SCRUB_LENGTH or self._secret not in text:
            return text
        return text.replace(self._secret, REDACTED)

    def request(self, request: httpx.Request) -> httpx.Request:
        """A copy of `request` whose auth header reads `[redacted]`; method, URL, other headers and body are kept."""
        headers = [
            (name, REDACTED if name.lower() == self._header else self.text(value))
            for name, value in request.headers.multi_items()
        ]
        try:
            content: bytes | None = request.content
        except httpx.RequestNotRead:
            content = None
        return httpx.Request(request.method, request.url, headers=headers, content=content)
