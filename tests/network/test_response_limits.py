"""Memory is bounded: a body is read up to max_response_bytes, errors keep an excerpt, and depth is harmless."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from sunogen.runtime.callbacks import parse_callback
from sunogen.runtime.exceptions import (
    CallbackPayloadError,
    InternalServerError,
    NotFoundError,
    ResponseValidationError,
)
from sunogen.runtime.exchange import DEFAULT_MAX_RESPONSE_BYTES
from sunogen.runtime.redaction import EXCERPT_BYTES
from tests.runtime.support import (
    HOOK,
    KEY,
    AcmeClient,
    AsyncAcmeClient,
    BalanceResponse,
    CreateResponse,
    HookResponse,
)

CHUNK = 64 * 1024
BALANCE = {"code": 200, "data": {"available": 950, "frozen": 10}}


class Endless(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body of `total` bytes served in 64 KiB chunks, counting how many the client pulled."""

    def __init__(self, total: int = 200 * 1024 * 1024) -> None:
        self.total = total
        self.pulled = 0

    def _chunks(self) -> Iterator[bytes]:
        while self.pulled < self.total:
            self.pulled += CHUNK
            yield b" " * CHUNK

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            yield chunk


class Chunks(httpx.SyncByteStream):
    """A body served as a real transport serves it, chunk by chunk from the stream (not already in memory)."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


def client_for(transport: httpx.MockTransport, max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES) -> AcmeClient:
    http_client = httpx.Client(transport=transport)
    return AcmeClient(KEY, http_client=http_client, max_retries=0, max_response_bytes=max_response_bytes)


def test_the_default_cap_is_a_few_megabytes() -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 4 * 1024 * 1024
    with AcmeClient(KEY) as client:
        assert client.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES


def test_a_body_larger_than_the_cap_is_refused_without_reading_it_all() -> None:
    body = Endless()
    with (
        client_for(httpx.MockTransport(lambda request: httpx.Response(200, stream=body))) as client,
        pytest.raises(ResponseValidationError, match="larger than max_response_bytes") as caught,
    ):
        client._call("get_balance", response_model=BalanceResponse)
    assert body.pulled <= DEFAULT_MAX_RESPONSE_BYTES + CHUNK
    assert caught.value.body is not None
    assert len(caught.value.body) <= EXCERPT_BYTES
    assert len(caught.value.response.content) <= EXCERPT_BYTES


async def test_an_async_body_larger_than_the_cap_is_refused_without_reading_it_all() -> None:
    body = Endless()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=body))
    async with (
        httpx.AsyncClient(transport=transport) as http_client,
        AsyncAcmeClient(KEY, http_client=http_client, max_retries=0) as client,
    ):
        with pytest.raises(ResponseValidationError, match="larger than max_response_bytes"):
            await client._call("get_balance", response_model=BalanceResponse)
    assert body.pulled <= DEFAULT_MAX_RESPONSE_BYTES + CHUNK


def test_a_body_a_transport_hands_over_already_in_memory_is_held_to_the_cap_too() -> None:
    content = json.dumps({**BALANCE, "pad": "x" * 3000}).encode()
    answer = httpx.Response(200, content=content)  # no stream to read through: the body is there already
    with (
        client_for(httpx.MockTransport(lambda request: answer), max_response_bytes=1000) as client,
        pytest.raises(ResponseValidationError, match="larger than max_response_bytes") as caught,
    ):
        client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.body == content[:EXCERPT_BYTES].decode()


async def test_an_async_body_already_in_memory_is_held_to_the_cap_too() -> None:
    content = json.dumps({**BALANCE, "pad": "x" * 3000}).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content))
    async with (
        httpx.AsyncClient(transport=transport) as http_client,
        AsyncAcmeClient(KEY, http_client=http_client, max_retries=0, max_response_bytes=1000) as client,
    ):
        with pytest.raises(ResponseValidationError, match="larger than max_response_bytes"):
            await client._call("get_balance", response_model=BalanceResponse)


def test_a_declared_length_over_the_cap_reads_only_an_excerpt() -> None:
    body = Endless()
    answer = httpx.Response(200, headers={"content-length": str(body.total)}, stream=body)
    with client_for(httpx.MockTransport(lambda request: answer)) as client, pytest.raises(ResponseValidationError):
        client._call("get_balance", response_model=BalanceResponse)
    assert body.pulled <= EXCERPT_BYTES + CHUNK


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_declared_length_over_a_cap_below_an_excerpt_is_still_refused(encoding: str) -> None:
    # The excerpt an error keeps (64 KiB) must never become the limit of a body when the cap is smaller: a 3 kB body
    # is refused by a 1,000-byte cap however it arrives (two chunks; or gzip, whose compressed length is the one
    # declared, over the cap too: hex digits compress to about half).
    text = json.dumps({**BALANCE, "pad": os.urandom(1500).hex()}).encode()
    content = gzip.compress(text) if encoding == "gzip" else text
    assert len(content) > 1000
    headers = {"content-length": str(len(content)), "content-encoding": encoding}
    chunks = [content] if encoding == "gzip" else [content[:500], content[500:]]
    answer = httpx.Response(200, headers=headers, stream=Chunks(chunks))
    with (
        client_for(httpx.MockTransport(lambda request: answer), max_response_bytes=1000) as client,
        pytest.raises(ResponseValidationError, match="larger than max_response_bytes"),
    ):
        client._call("get_balance", response_model=BalanceResponse)


def test_the_cap_counts_the_decoded_body_so_a_compressed_bomb_is_refused() -> None:
    bomb = gzip.compress(b" " * (20 * 1024 * 1024))
    answer = httpx.Response(200, headers={"content-encoding": "gzip"}, content=bomb)
    with (
        client_for(httpx.MockTransport(lambda request: answer)) as client,
        pytest.raises(ResponseValidationError, match="larger than max_response_bytes") as caught,
    ):
        client._call("get_balance", response_model=BalanceResponse)
    assert "content-encoding" not in caught.value.response.headers


def test_a_body_of_exactly_the_cap_is_read() -> None:
    text = json.dumps(BALANCE).encode()
    padded = text + b" " * (1000 - len(text))
    with client_for(httpx.MockTransport(lambda r: httpx.Response(200, content=padded)), max_response_bytes=1000) as c:
        assert c._call("get_balance", response_model=BalanceResponse).data.available == 950


def test_an_error_status_with_a_huge_page_keeps_its_status_and_an_excerpt() -> None:
    page = b"<html>" + b"x" * (10 * 1024 * 1024) + b"</html>"
    answer = httpx.Response(404, headers={"content-type": "text/html"}, content=page)
    with client_for(httpx.MockTransport(lambda request: answer)) as client, pytest.raises(NotFoundError) as caught:
        client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.body is not None
    assert caught.value.body.startswith("<html>xxx")
    assert len(caught.value.body) <= EXCERPT_BYTES
    assert len(str(caught.value)) < 1000


def test_an_error_with_a_body_under_the_excerpt_keeps_all_of_it() -> None:
    body = json.dumps({"code": 404, "message": "Task not found", "detail": "y" * 5000})
    with (
        client_for(httpx.MockTransport(lambda request: httpx.Response(404, content=body.encode()))) as client,
        pytest.raises(NotFoundError) as caught,
    ):
        client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.body == body


DEEP = ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000, '{"code": 200, "data": ' + "[" * 50_000]


@pytest.mark.parametrize("body", DEEP, ids=["deep array", "deep object", "deep and truncated"])
def test_a_deeply_nested_response_raises_the_typed_error_not_recursion_error(body: str) -> None:
    with (
        client_for(httpx.MockTransport(lambda request: httpx.Response(200, content=body.encode()))) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client._call("get_balance", response_model=BalanceResponse)
    assert caught.value.__context__ is None


@pytest.mark.parametrize("body", DEEP, ids=["deep array", "deep object", "deep and truncated"])
def test_a_deeply_nested_error_response_keeps_its_status(body: str) -> None:
    with (
        client_for(httpx.MockTransport(lambda request: httpx.Response(404, content=body.encode()))) as client,
        pytest.raises(NotFoundError),
    ):
        client._call("get_balance", response_model=BalanceResponse)


@pytest.mark.parametrize("body", DEEP, ids=["deep array", "deep object", "deep and truncated"])
def test_a_deeply_nested_callback_raises_the_typed_error_not_recursion_error(body: str) -> None:
    with pytest.raises(CallbackPayloadError):
        parse_callback(body, {}, vendor=HOOK, model=HookResponse)


HUGE = "9" * 5000  # longer than Python converts to or from text at once (sys.get_int_max_str_digits(), 4300)


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, f'{{"code": {HUGE}, "message": "x"}}', ResponseValidationError),
        (500, f'{{"code": {HUGE}, "message": "x"}}', InternalServerError),
        (200, f'{{"code": 200, "data": {{"task_id": {HUGE}}}}}', ResponseValidationError),
    ],
    ids=["as a 2xx envelope code", "in an error answer", "as the created task's id"],
)
def test_an_integer_too_long_to_show_in_an_answer_is_a_malformed_body_not_a_value_error(
    status: int, body: str, error: type[Exception]
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body.encode()))
    with client_for(transport) as client, pytest.raises(error) as caught:
        client._call("create_task", body={"prompt": "x"}, response_model=CreateResponse)
    assert caught.value.__context__ is None
