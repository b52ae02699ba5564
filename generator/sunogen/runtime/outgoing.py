"""Outgoing requests: built as httpx's build_request builds them, the client's headers merged once, not per call."""

from __future__ import annotations

import httpx

from .calls import NotGiven, RequestHeaders

__all__ = ["Outgoing"]

# The clients whose build_request is httpx's own; a subclass may build its requests another way.
_PLAIN_CLIENTS = (httpx.Client, httpx.AsyncClient)


class Outgoing:
    """Builds the requests of one client: its headers (the API key among them) over the httpx client's defaults.

    httpx's build_request merges the httpx client's default headers with the call's on every request, some 8 us
    of a 100 us create call (bench figure 7 has the saving). They are the same on every call, so the merge is made
    once and again only when the httpx client's headers change. A request is then what build_request would have
    made. Where more than headers would be merged (the httpx client holds cookies or default query parameters) or
    build_request is not httpx's own (a subclass), build_request makes every request. The repr hides the headers.
    """

    __slots__ = ("_client", "_headers", "_merged", "_own")

    def __init__(self, client: httpx.Client | httpx.AsyncClient, headers: RequestHeaders) -> None:
        self._client = client
        self._own = type(client) in _PLAIN_CLIENTS
        self._headers = headers
        # The httpx client's headers when last merged, and headers.plain and headers.with_json over them: one
        # attribute, replaced whole, so that threads sharing the client never see one merge's part with another's.
        self._merged: tuple[list[tuple[bytes, bytes]] | None, httpx.Headers, httpx.Headers] = (
            None,
            httpx.Headers(),
            httpx.Headers(),
        )

    def __repr__(self) -> str:
        return "<outgoing requests, headers redacted>"

    def build(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        query: dict[str, str] | None,
        content: bytes | None,
        timeout: httpx.Timeout | NotGiven | None,
    ) -> httpx.Request:
        """The request httpx.Client.build_request(method, url, params=query, content=content, headers=...) makes.

        `url` is absolute, so the httpx client's base_url plays no part. `content` is JSON, when given. `timeout`
        NOT_GIVEN is the httpx client's own.
        """
        client = self._client
        if not self._own or client.cookies or client.params:
            return client.build_request(
                method,
                url,
                params=query,
                content=content,
                headers=self._headers.plain if content is None else self._headers.with_json,
                timeout=httpx.USE_CLIENT_DEFAULT if isinstance(timeout, NotGiven) else timeout,
            )
        merged = self._merged
        if client.headers.raw != merged[0]:
            defaults, headers = client.headers, self._headers
            merged = self._merged = (defaults.raw, _over(defaults, headers.plain), _over(defaults, headers.with_json))
        whole = client.timeout if isinstance(timeout, NotGiven) else httpx.Timeout(timeout)
        return httpx.Request(
            method,
            url,
            params=query,
            content=content,
            headers=merged[1] if content is None else merged[2],
            extensions={"timeout": whole.as_dict()},
        )


def _over(defaults: httpx.Headers, headers: dict[str, str]) -> httpx.Headers:
    # as httpx.Client._merge_headers: the call's headers replace the client's of the same name
    merged = httpx.Headers(defaults)
    merged.update(headers)
    return merged
