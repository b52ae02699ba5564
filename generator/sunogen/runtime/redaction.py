"""Redaction: keeps the API key out of every request and response copy, message and exception chain of the runtime."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

import httpx

__all__ = ["EXCERPT_BYTES", "REDACTED", "Redactor", "key_problem", "scrub_json"]

REDACTED = "[redacted]"

# In a path or query, the marker as it can stand there (percent-encoded brackets)
_REDACTED_IN_URL = quote(REDACTED, safe="").encode()

EXCERPT_BYTES = 64 * 1024
"""How much of a body an exception keeps: enough to read any error page, bounded whatever the server sends."""

# An error's response copy keeps what says what the response was; the live connection stays behind.
_KEPT_EXTENSIONS = ("http_version", "reason_phrase")


def scrub_json(value: Any, scrub: Callable[[str], str]) -> Any:
    """A copy of a decoded JSON value with `scrub` applied to every string in it, keys included."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(key) if isinstance(key, str) else key: scrub_json(item, scrub) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_json(item, scrub) for item in value]
    return value


def _spellings(secret: str) -> set[str]:
    return {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}


def key_problem(key: str) -> str | None:
    """Why `key` cannot travel in an HTTP header, worded without the key itself; None when it can.

    httpx would refuse it only on the first call, inside an error that prints the header value.
    """
    for index, char in enumerate(key):
        if ord(char) < 0x20 or ord(char) == 0x7F:
            return f"it contains a control character (U+{ord(char):04X}) at position {index + 1}"
        if ord(char) > 0x7E:
            return f"it contains a non-ASCII character at position {index + 1}"
    return None


class Redactor:
    """Knows the secret and the header it travels in; returns copies of text, requests and responses without it."""

    __slots__ = ("_forms", "_forms_bytes", "_header", "_secrets")

    def __init__(self, secret: str, header: str) -> None:
        self._header = header.lower()
        self._secrets: frozenset[str] = frozenset()
        self._forms: tuple[str, ...] = ()
        self._forms_bytes: tuple[bytes, ...] = ()
        self.learn(secret)

    def learn(self, secret: str) -> None:
        """Scrub `secret` too from now on (a webhook signing secret the client sent in a request body).

        Servers echo a rejected key as it arrived, inside JSON strings or URLs: every spelling is scrubbed. Any
        length is: a short key is an odd key, and showing it is worse than a message with a word blanked out.
        """
        if not secret or secret in self._secrets:
            return
        self._secrets |= {secret}
        forms = {form for known in self._secrets for form in _spellings(known)}
        # each tuple swapped in whole: a concurrent reader sees the old forms or the new ones, never half of them
        self._forms = forms_sorted = tuple(sorted((form for form in forms if form), key=len, reverse=True))
        self._forms_bytes = tuple(form.encode() for form in forms_sorted)

    def __repr__(self) -> str:
        return f"Redactor(header={self._header!r})"

    def text(self, text: str) -> str:
        """`text` with every occurrence of the secret replaced (servers sometimes echo the key they rejected)."""
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def content(self, content: bytes) -> bytes:
        """`content` (a body's bytes) with every occurrence of the secret replaced."""
        for form in self._forms_bytes:
            if form in content:
                content = content.replace(form, REDACTED.encode())
        return content

    def url(self, url: httpx.URL) -> httpx.URL:
        """`url` with the secret blanked out of its path and query, where a server could have echoed it.

        Scheme, host and port are the client's own configuration, never an echo: a short key that happens to spell
        part of `127.0.0.1` must not turn the host into something that no longer parses.
        """
        raw = url.raw_path
        scrubbed = raw
        for form in self._forms_bytes:
            if form in scrubbed:
                scrubbed = scrubbed.replace(form, _REDACTED_IN_URL)
        return url if scrubbed == raw else url.copy_with(raw_path=scrubbed)

    def request(self, request: httpx.Request) -> httpx.Request:
        """A copy of `request` whose auth header reads `[redacted]`; method, URL, other headers and body are kept."""
        headers = [
            (name, REDACTED if name.lower() == self._header else self.text(value))
            for name, value in request.headers.multi_items()
        ]
        try:
            content: bytes | None = self.content(request.content)
        except httpx.RequestNotRead:
            content = None
        copy = httpx.Request(request.method, self.url(request.url), headers=headers, content=content)
        copy.extensions = {}  # a trace callback or a timeout is the live request's, not the record's
        return copy

    def response(self, response: httpx.Response) -> httpx.Response:
        """A copy of a read `response`: its request redacted, headers and body scrubbed, the body at most an excerpt.

        The copy's body is the decoded body, so it has no Content-Encoding header.
        """
        headers = [
            (name, self.text(value))
            for name, value in response.headers.multi_items()
            if name.lower() != "content-encoding"
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=self.content(response.content[:EXCERPT_BYTES]),
            request=self.request(response.request),
            extensions={key: response.extensions[key] for key in _KEPT_EXTENSIONS if key in response.extensions},
        )

    def exception_chain(self, error: BaseException) -> None:
        """Scrub, in place, every exception chained to `error` (its cause and context, and theirs).

        Tracebacks and error trackers print the whole chain: an httpx error's message and its `.request`, and the
        lower-level errors under it (httpcore's, h11's), must not carry the key either.
        """
        seen: set[int] = set()
        pending: list[BaseException] = [error]
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            current.args = tuple(self.text(arg) if isinstance(arg, str) else arg for arg in current.args)
            if isinstance(current, OSError):
                for name in ("strerror", "filename", "filename2"):
                    value = getattr(current, name, None)
                    if isinstance(value, str):
                        setattr(current, name, self.text(value))
            if isinstance(current, httpx.RequestError):
                # an httpx error raised without a request has none to scrub (reading it raises RuntimeError)
                with contextlib.suppress(RuntimeError):
                    current.request = self.request(current.request)
            pending.extend(link for link in (current.__cause__, current.__context__) if link is not None)
