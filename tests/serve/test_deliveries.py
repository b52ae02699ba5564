"""Callbacks: delivered to a loopback receiver at the stages the spec names, signed by its scheme, and read by the
generated parse_callback as the same progress and result that polling gives."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import suno_clients
from suno_clients._runtime import exceptions as errors  # the shipped package's; a fixture package has its own
from sunogen import ir
from tests.fixture_package import FIXTURE_SPECS, generated_package

from .conftest import Catcher
from .harness import Create, Running, create_raw, creates, emulator, vendor_ir, vendors

Serve = Callable[[str], Running]
CALLING_BACK = [c for v in vendors() if (cb := vendor_ir(v).callback) and cb.url for c in creates(v)[:1]]
SIGNING = [c for c in CALLING_BACK if vendor_ir(c.vendor).callback.signature]  # type: ignore[union-attr]


def with_callback(create: Create, url: str, secret: str | None = None) -> Create:
    """The create's payload with the callback URL (and secret) at the places the spec names."""
    callback = vendor_ir(create.vendor).callback
    assert callback is not None
    payload = copy.deepcopy(create.payload)
    _set(payload, callback.url[0], url)
    if secret is not None:
        _set(payload, callback.secret[0], secret)
    return Create(create.vendor, create.operation, create.method, payload)


def _set(payload: dict[str, Any], path: ir.JsonPath, value: str) -> None:
    node = payload
    for segment in path[:-1]:
        node = node.setdefault(segment, {})
    node[path[-1]] = value


def test_a_shipped_gateway_calls_back() -> None:
    assert CALLING_BACK, "no shipped spec says where its callback URL goes: the tests below would check nothing"


@pytest.mark.parametrize("create", CALLING_BACK, ids=[c.vendor for c in CALLING_BACK])
def test_a_finished_task_is_called_back_once_and_parse_callback_reads_its_clips(
    create: Create, serve: Serve, catcher: Catcher
) -> None:
    running = serve(create.vendor)
    task_id = create_raw(running, with_callback(create, catcher.url))
    ((body, headers),) = catcher.wait_for(1)
    result = suno_clients.vendor_module(create.vendor).parse_callback(body, headers)
    assert result.task_id == task_id
    assert len(result.clips) == 2
    assert all(clip.audio_url and clip.audio_url.startswith(running.url) for clip in result.clips)


@pytest.mark.parametrize("create", CALLING_BACK, ids=[c.vendor for c in CALLING_BACK])
def test_a_failed_task_is_called_back_with_its_failure(create: Create, serve: Serve, catcher: Catcher) -> None:
    running = serve(create.vendor)
    create_raw(running, with_callback(create, catcher.url), **{"X-Sunogen-Fault": "fail-task"})
    ((body, headers),) = catcher.wait_for(1)
    with pytest.raises(errors.TaskFailedError, match="fail-task"):
        suno_clients.vendor_module(create.vendor).parse_callback(body, headers)


@pytest.mark.parametrize("create", SIGNING, ids=[c.vendor for c in SIGNING])
def test_a_signed_callback_verifies_with_its_secret_and_not_with_another(
    create: Create, serve: Serve, catcher: Catcher
) -> None:
    running = serve(create.vendor)
    create_raw(running, with_callback(create, catcher.url, secret="hook-secret-1"))
    ((body, headers),) = catcher.wait_for(1)
    module = suno_clients.vendor_module(create.vendor)
    assert module.parse_callback(body, headers, secret="hook-secret-1").clips
    with pytest.raises(errors.CallbackSignatureError):
        module.parse_callback(body, headers, secret="another-secret")


@pytest.mark.parametrize("create", CALLING_BACK, ids=[c.vendor for c in CALLING_BACK])
def test_a_callback_to_a_host_that_is_not_loopback_is_not_sent(create: Create, serve: Serve) -> None:
    running = serve(create.vendor)
    task_id = create_raw(running, with_callback(create, "https://your-domain.example/api/callback"))
    deadline = time.monotonic() + 10
    while not any(task_id in line and "not a loopback host" in line for line in running.lines):
        assert time.monotonic() < deadline, running.output
        time.sleep(0.02)


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, Any]]:
    """The fixture gateway tests/fixture_specs/hooks.yaml served from a package generated from it."""
    folder = tmp_path_factory.mktemp("hooks")
    with generated_package(folder, "hooks") as package:
        module = package.vendor_module("hooks")
        options = ("--task-seconds", "1.2")
        with emulator("hooks", *options, specs=FIXTURE_SPECS, pythonpath=folder / "generated") as running:
            yield running, module


def test_a_gateway_that_calls_back_at_each_stage_sends_each_signed_and_timestamped(
    hooks: tuple[Running, Any], catcher: Catcher
) -> None:
    running, module = hooks
    payload = {"prompt": "a calm song", "hook_url": catcher.url, "hook_secret": "s3cret"}
    response = httpx.post(f"{running.url}/v1/songs", json=payload, headers={"Authorization": "Bearer k"})
    task_id = response.json()["data"]["id"]
    received = catcher.wait_for(3)  # text and first (partial), then complete
    reports = [module.parse_callback(body, headers, secret="s3cret") for body, headers in received]
    assert [report.status for report in reports] == ["text", "first", "complete"]
    assert {report.task_id for report in reports} == {task_id}
    assert all(headers["X-Hook-Signature"].startswith("v1=") for _, headers in received)
    streaming = reports[0].clips
    assert streaming
    assert all(clip.stream_url and clip.audio_url is None for clip in streaming)
    assert [clip.audio_url is not None for clip in reports[-1].clips] == [True, True]
    stale = int(received[0][1]["X-Hook-Timestamp"]) + 3600
    with pytest.raises(module.CallbackSignatureError):
        module.parse_callback(received[0][0], received[0][1], secret="s3cret", now=stale)


def test_an_invalid_request_to_the_fixture_gateway_gets_its_own_code_for_it(hooks: tuple[Running, Any]) -> None:
    running, _ = hooks
    response = httpx.post(f"{running.url}/v1/songs", json={"prompt": ""}, headers={"Authorization": "Bearer k"})
    assert (response.status_code, response.json()["code"]) == (400, 1002)
    response = httpx.post(f"{running.url}/v1/songs", json={"prompt": "x"})
    assert (response.status_code, response.json()["code"]) == (400, 1001)


@pytest.mark.parametrize("create", CALLING_BACK[:1], ids=[c.vendor for c in CALLING_BACK[:1]])
def test_a_callback_due_across_a_restart_with_db_is_sent_once_after_it(
    create: Create, catcher: Catcher, tmp_path: Path
) -> None:
    db = str(tmp_path / "tasks.sqlite")
    with emulator(create.vendor, "--db", db, "--task-seconds", "3") as before:
        task_id = create_raw(before, with_callback(create, catcher.url))
    assert not catcher.received  # stopped before the task ended
    with emulator(create.vendor, "--db", db) as after:
        ((body, headers),) = catcher.wait_for(1)
    with emulator(create.vendor, "--db", db):
        pass  # a third start finds the callback delivered and sends nothing
    assert len(catcher.received) == 1
    assert suno_clients.vendor_module(create.vendor).parse_callback(body, headers).task_id == task_id
    assert any(f"task {task_id}: callback success:0" in line for line in after.lines)
