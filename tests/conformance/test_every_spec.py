"""Every spec's semantics, exercised from the spec alone: its error table, its task stages and clips, its callback.

Nothing here names a vendor: a spec dropped into specs/ is exercised the moment it is generated.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from suno_clients._runtime.tasks import TaskProgress, TaskResult
from sunogen.runtime.kinds import KINDS
from tests.runtime.support import FakeClock

from .spec_gateway import TASK, VENDORS, ErrorEntry, Gateway, words
from .support import KEY, MP3, call

GATEWAYS = {vendor: Gateway(vendor) for vendor in VENDORS}
ENTRIES = [entry for gateway in GATEWAYS.values() for entry in gateway.error_entries()]
WITH_CALLBACKS = [vendor for vendor, gateway in GATEWAYS.items() if "x-sunogen-callback" in gateway.spec]
SECRET = "whsec-every-spec"
NOW = 1_760_000_000.0


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
async def connect(mode: str) -> AsyncIterator[Callable[[Gateway], Any]]:
    """A factory of clients of the test's mode, on a fake clock; all closed afterwards."""
    made: list[Any] = []

    def factory(gateway: Gateway, **options: Any) -> Any:
        cls = gateway.module.Client if mode == "sync" else gateway.module.AsyncClient
        client = cls(api_key=KEY, base_url=gateway.base_url, clock=FakeClock(), **options)
        made.append(client)
        return client

    yield factory
    for client in made:
        await call(client, "close")


def calls_for(entry: ErrorEntry) -> list[str]:
    """The operations an entry applies to that can be called with documented values: its own, or a query and a
    create of the gateway."""
    gateway = GATEWAYS[entry.vendor]
    if entry.operation is not None:
        return [entry.operation] if gateway.kwargs(entry.operation) is not None else []
    return [op for op in (gateway.poll[0], gateway.create) if op is not None]


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
async def test_each_error_table_entry_raises_its_kinds_exception_and_is_retried_only_where_the_spec_allows(
    entry: ErrorEntry, connect: Callable[..., Any]
) -> None:
    gateway = GATEWAYS[entry.vendor]
    operations = calls_for(entry)
    assert operations, f"{entry.name}: no operation to call it on (add a request example)"
    status, body = gateway.error_answer(entry.entry)
    for operation in operations:
        creates = gateway.descriptor(operation).creates_task
        with respx.mock(assert_all_mocked=True) as router:
            route = router.route(method=gateway.descriptor(operation).method, url=gateway.url(operation))
            route.mock(httpx.Response(status, json=body))
            with pytest.raises(gateway.module.APIStatusError) as caught:
                await call(connect(gateway, max_retries=2), operation, **(gateway.kwargs(operation) or {}))
        expected = getattr(gateway.module, KINDS[entry.entry["kind"]].error)
        assert type(caught.value) is expected, operation
        assert (caught.value.kind, caught.value.retryable) == (entry.entry["kind"], entry.retries(creates))
        assert route.call_count == (3 if entry.retries(creates) else 1), f"{operation}: sent {route.call_count} times"


@pytest.mark.parametrize("vendor", VENDORS)
async def test_wait_follows_the_specs_stages_reporting_progress_and_returns_the_finished_clips(
    vendor: str, connect: Callable[..., Any], mode: str
) -> None:
    gateway = GATEWAYS[vendor]
    stream = gateway.stream_url() or ""
    pending = gateway.clip_word("pending")
    has_status = "status" in gateway.poll[1]
    bodies = [
        # a task with a status needs no clips yet; one without reports its clips' states
        gateway.poll_body("pending", None if has_status else [gateway.clip("clip-a", "", pending)]),
        gateway.poll_body(
            "partial",
            [gateway.clip("clip-a", stream, gateway.clip_word("partial")), gateway.clip("clip-b", "", pending)],
        ),
        gateway.poll_body(
            "success",
            [gateway.clip(c, MP3.format(c), gateway.clip_word("success")) for c in ("clip-a", "clip-b")],
        ),
    ]
    # the stage of the second body: partial where the spec has a word for it (the task's, or a clip's)
    partial_words = words(gateway.poll[1].get("partial")) if has_status else words(gateway.clips.get("partial"))
    seen: list[TaskProgress[Any]] = []
    with respx.mock(assert_all_mocked=True) as router:
        route = router.get(gateway.url(gateway.poll[0])).mock(side_effect=[httpx.Response(200, json=b) for b in bodies])
        result = await call(connect(gateway), "wait", TASK, on_progress=seen.append)
    assert route.call_count == 3
    assert isinstance(result, TaskResult)
    assert (result.task_id, result.vendor) == (TASK, vendor)
    assert result.audio_urls == (MP3.format("clip-a"), MP3.format("clip-b"))
    assert [clip.title for clip in result.clips] == ["Rain", "Rain"]
    assert [clip.duration for clip in result.clips] == [98.5, 98.5]
    assert [p.status for p in seen] == [gateway.task_word("pending"), gateway.task_word("partial")]
    assert [p.stage for p in seen] == ["pending", "partial" if partial_words else "pending"]
    partial = seen[-1]
    assert [clip.id for clip in partial.clips] == ["clip-a", "clip-b"]
    assert not any(clip.finished for clip in partial.clips)
    if stream:
        assert partial.clips[0].stream_url == stream


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_failure_stage_raises_task_failed_error_with_the_reason_at_the_specs_path(
    vendor: str, connect: Callable[..., Any]
) -> None:
    gateway = GATEWAYS[vendor]
    failed = gateway.clip("clip-a", "", gateway.clip_word("failure"))
    body = gateway.poll_body("failure", [failed], reason="lyrics rejected by moderation")
    with respx.mock(assert_all_mocked=True) as router:
        router.get(gateway.url(gateway.poll[0])).mock(httpx.Response(200, json=body))
        with pytest.raises(gateway.module.TaskFailedError) as caught:
            await call(connect(gateway), "wait", TASK)
    assert (caught.value.task_id, caught.value.reason) == (TASK, "lyrics rejected by moderation")


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_placeholder_audio_url_is_never_a_finished_clip_but_a_failed_one(
    vendor: str, connect: Callable[..., Any]
) -> None:
    gateway = GATEWAYS[vendor]
    for pattern in gateway.clips.get("placeholders", []):
        body = gateway.poll_body("success", [gateway.clip("clip-a", pattern["example"], gateway.clip_word("success"))])
        with respx.mock(assert_all_mocked=True) as router:
            router.get(gateway.url(gateway.poll[0])).mock(httpx.Response(200, json=body))
            with pytest.raises(gateway.module.TaskFailedError, match="no audio"):
                await call(connect(gateway), "wait", TASK, timeout=30)


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_success_without_clips_is_a_malformed_response_never_an_empty_result(
    vendor: str, connect: Callable[..., Any]
) -> None:
    gateway = GATEWAYS[vendor]
    if "status" not in gateway.poll[1]:
        pytest.skip("no task status: a task without clips is still pending")
    with respx.mock(assert_all_mocked=True) as router:
        router.get(gateway.url(gateway.poll[0])).mock(httpx.Response(200, json=gateway.poll_body("success", [])))
        with pytest.raises(gateway.module.ResponseValidationError, match="no clip"):
            await call(connect(gateway), "wait", TASK)


@pytest.mark.parametrize("vendor", WITH_CALLBACKS)
def test_each_callback_stage_reads_as_polling_reads_that_stage(vendor: str) -> None:
    gateway = GATEWAYS[vendor]
    finished = [gateway.clip(c, MP3.format(c), gateway.clip_word("success")) for c in ("clip-a", "clip-b")]
    raw = json.dumps(gateway.callback_body("success", finished)).encode()
    signed = "signature" in gateway.spec["x-sunogen-callback"]
    secret = SECRET if signed else None
    result = gateway.module.parse_callback(raw, gateway.sign(raw, SECRET, NOW), secret=secret, now=NOW)
    assert isinstance(result, TaskResult)
    assert (result.task_id, result.audio_urls) == (TASK, (MP3.format("clip-a"), MP3.format("clip-b")))

    stream = gateway.stream_url() or ""
    partial_clips = [gateway.clip("clip-a", stream, gateway.clip_word("partial"))]
    raw = json.dumps(gateway.callback_body("partial", partial_clips)).encode()
    progress = gateway.module.parse_callback(raw, gateway.sign(raw, SECRET, NOW), secret=secret, now=NOW)
    assert isinstance(progress, TaskProgress)
    assert [clip.finished for clip in progress.clips] == [False]

    failed = [gateway.clip("clip-a", "", gateway.clip_word("failure"))]
    raw = json.dumps(gateway.callback_body("failure", failed, reason="copyrighted lyrics")).encode()
    with pytest.raises(gateway.module.TaskFailedError, match="copyrighted lyrics"):
        gateway.module.parse_callback(raw, gateway.sign(raw, SECRET, NOW), secret=secret, now=NOW)

    if signed:
        with pytest.raises(gateway.module.CallbackSignatureError):
            gateway.module.parse_callback(raw, gateway.sign(raw, "another-secret", NOW), secret=secret, now=NOW)
