"""Every gateway's generated client, sync and async, runs create -> wait -> download against the running emulator."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

import suno_clients

from .harness import Create, Running, client_kwargs, creates, png_size, vendor_ir, vendors, wav_seconds

CREATES = [create for vendor in vendors() for create in creates(vendor)]
Serve = Callable[[str], Running]


def _check_downloads(result: object, create: Create, running: Running) -> None:
    clips = result.clips  # type: ignore[attr-defined]
    assert len(clips) == (2 if create.makes_clips else 0)
    for clip in clips:
        assert clip.audio_url is not None
        assert clip.audio_url.startswith(running.url)
        audio = httpx.get(clip.audio_url)
        assert audio.status_code == 200
        assert wav_seconds(audio.content) == pytest.approx(clip.duration)
        assert clip.image_url is not None
        assert png_size(httpx.get(clip.image_url).content) == (64, 64)


@pytest.mark.parametrize("create", CREATES, ids=[c.id for c in CREATES])
def test_the_sync_client_creates_waits_and_downloads_each_clip(create: Create, serve: Serve) -> None:
    running = serve(create.vendor)
    module = suno_clients.vendor_module(create.vendor)
    with module.Client(**client_kwargs(running)) as client:
        result = getattr(client, create.method)(**create.payload, poll_interval=0.05, timeout=30)
    assert result.vendor == create.vendor
    _check_downloads(result, create, running)


@pytest.mark.parametrize("create", CREATES, ids=[c.id for c in CREATES])
async def test_the_async_client_creates_waits_and_downloads_each_clip(create: Create, serve: Serve) -> None:
    running = serve(create.vendor)
    module = suno_clients.vendor_module(create.vendor)
    async with module.AsyncClient(**client_kwargs(running)) as client:
        result = await getattr(client, create.method)(**create.payload, poll_interval=0.05, timeout=30)
    _check_downloads(result, create, running)


@pytest.mark.parametrize("vendor", vendors())
def test_the_clips_echo_the_title_and_tags_the_request_gave_where_the_gateway_reports_them(
    vendor: str, serve: Serve
) -> None:
    create = creates(vendor)[0]
    fields = dict(vendor_ir(vendor).clips.fields)  # type: ignore[union-attr]
    module = suno_clients.vendor_module(vendor)
    with module.Client(**client_kwargs(serve(vendor))) as client:
        result = getattr(client, create.method)(**create.payload, poll_interval=0.05, timeout=30)
    sent = {k: v for k, v in create.payload.items() if isinstance(v, str)}
    sent |= {k: v for inner in create.payload.values() if isinstance(inner, dict) for k, v in inner.items()}
    for clip in result.clips:
        if "title" in sent and "title" in fields:
            assert clip.title == sent["title"]
        else:
            assert clip.title
            assert re.match(r"sunogen emulator \S+ #\d$", clip.title)
        if "tags" in sent and "tags" in fields:
            assert clip.tags == sent["tags"]
