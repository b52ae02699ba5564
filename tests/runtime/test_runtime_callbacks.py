"""Callbacks: the spec's signature scheme is checked first, then the body reads as polling would read it."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from typing import Any

import httpx
import pytest
import respx

from sunogen.runtime.callbacks import parse_callback, sign_callback
from sunogen.runtime.exceptions import (
    CallbackPayloadError,
    CallbackSignatureError,
    ConfigurationError,
    TaskFailedError,
)
from sunogen.runtime.spec_data import Callback, Poll, Signature, Timestamp
from sunogen.runtime.tasks import TaskProgress, TaskResult

from .support import ACME, HOOK, HOOK_READ, KEY, MP3, STREAM, FakeClock, HookClient, HookResponse, Open, json_response

SECRET = "whsec-5f2b9c"
CLIP = {
    "clip_id": "a",
    "state": "succeeded",
    "audio_url": "https://cdn1.suno.ai/a.mp3",
    "duration": "104.88",
    "new_field": 1,
}
BODY = json.dumps({"code": 200, "task_id": "h-1", "data": [CLIP]}).encode()

# kie-like staged callbacks: one delivery per stage, the stage word at data.callbackType.
STAGED_READ = Poll(
    status=(("data", "callbackType"),),
    pending=("text",),
    partial=("first",),
    success=("complete",),
    failure=("error",),
    reason=(("msg",),),
    clips=(("data", "data"),),
    task_id=(("data", "task_id"),),
)
STAGED = replace(HOOK, id="staged", callback=Callback(signature=None, read=STAGED_READ))
STAMPED = replace(
    HOOK,
    id="stamped",
    callback=Callback(
        signature=Signature(
            header="X-Webhook-Signature",
            algorithm="hmac-sha256",
            prefixes=("sha256=",),
            timestamp=Timestamp(header="X-Webhook-Timestamp", message="{timestamp}.{body}", tolerance=300.0),
        ),
        read=HOOK_READ,
    ),
)
NOW = 1_760_000_000.0


def signature(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def staged(stage: str, clips: list[dict[str, Any]] | None = None, msg: str = "success") -> bytes:
    return json.dumps(
        {"code": 200, "msg": msg, "data": {"callbackType": stage, "task_id": "k-1", "data": clips}}
    ).encode()


def test_a_callback_with_a_good_signature_reads_as_the_finished_result() -> None:
    got = parse_callback(BODY, {"X-Signature": signature(BODY)}, vendor=HOOK, model=HookResponse, secret=SECRET)
    assert isinstance(got, TaskResult)
    assert (got.task_id, got.status, got.vendor) == ("h-1", "succeeded", "hooky")
    assert got.audio_urls == ("https://cdn1.suno.ai/a.mp3",)
    assert got.clips[0].duration == 104.88
    assert got.response.data[0].clip_id == "a"


def test_signature_header_name_is_case_insensitive_and_a_str_body_is_accepted() -> None:
    headers = httpx.Headers({"x-signature": signature(BODY).upper()})
    got = parse_callback(BODY.decode(), headers, vendor=HOOK, model=HookResponse, secret=SECRET)
    assert got.response.code == 200


def test_a_prefix_the_spec_lists_is_accepted_and_one_it_does_not_is_rejected() -> None:
    headers = {"X-Signature": "sha256=" + signature(BODY)}
    assert parse_callback(BODY, headers, vendor=HOOK, model=HookResponse, secret=SECRET).task_id == "h-1"
    bare_only = replace(HOOK, callback=Callback(Signature("X-Signature", "hmac-sha256"), HOOK_READ))
    with pytest.raises(CallbackSignatureError, match="does not match"):
        parse_callback(BODY, headers, vendor=bare_only, model=HookResponse, secret=SECRET)


@pytest.mark.parametrize(
    "header",
    [signature(BODY, "another-secret"), signature(BODY + b" "), "not-hex-at-all", "é" * 64],
)
def test_callback_with_a_bad_signature_is_rejected(header: str) -> None:
    with pytest.raises(CallbackSignatureError, match="does not match") as caught:
        parse_callback(BODY, {"X-Signature": header}, vendor=HOOK, model=HookResponse, secret=SECRET)
    assert caught.value.vendor == "hooky"
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("headers", [{}, {"X-Signature": ""}, {"X-Other": "x"}])
def test_callback_without_a_signature_is_rejected_when_a_secret_is_given(headers: dict[str, str]) -> None:
    with pytest.raises(CallbackSignatureError, match="no X-Signature header"):
        parse_callback(BODY, headers, vendor=HOOK, model=HookResponse, secret=SECRET)


def test_signature_is_checked_before_the_body_is_read() -> None:
    with pytest.raises(CallbackSignatureError):
        parse_callback(b"not json", {"X-Signature": "00"}, vendor=HOOK, model=HookResponse, secret=SECRET)


def test_without_a_secret_the_body_is_read_unverified() -> None:
    assert parse_callback(BODY, {}, vendor=HOOK, model=HookResponse).clips[0].status == "succeeded"


def test_a_secret_for_a_vendor_that_does_not_sign_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="does not sign"):
        parse_callback(BODY, {"X-Signature": signature(BODY)}, vendor=STAGED, model=Open, secret=SECRET)


def test_a_vendor_whose_spec_has_no_callback_cannot_read_one() -> None:
    with pytest.raises(ConfigurationError, match="documents no callback"):
        parse_callback(BODY, {}, vendor=ACME, model=Open)


def test_an_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="empty"):
        parse_callback(BODY, {"X-Signature": signature(BODY)}, vendor=HOOK, model=HookResponse, secret="")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{truncated", "not JSON"),
        (b'{"code": 200, "data": [{"state": "failed"}]}', "data.0.clip_id"),
        (b'{"code": 200, "data": []}', "names no task at task_id or data.0.task_id"),
    ],
)
def test_a_signed_but_malformed_payload_raises_callback_payload_error(body: bytes, problem: str) -> None:
    with pytest.raises(CallbackPayloadError, match=problem):
        parse_callback(body, {"X-Signature": signature(body)}, vendor=HOOK, model=HookResponse, secret=SECRET)


def test_sign_callback_is_the_hex_hmac_sha256_of_the_raw_body() -> None:
    assert sign_callback(BODY, SECRET) == signature(BODY)
    assert sign_callback(BODY.decode(), SECRET) == signature(BODY)


# -- staged callbacks: the same vocabulary as polling -----------------------------------------------------------


def test_each_staged_callback_maps_to_the_stage_polling_would_report() -> None:
    text = parse_callback(staged("text"), {}, vendor=STAGED, model=Open)
    assert isinstance(text, TaskProgress)
    assert (text.stage, text.status, text.clips, text.task_id) == ("pending", "text", (), "k-1")

    first_clips = [
        {"clip_id": "a", "state": "succeeded", "audio_url": MP3.format("a"), "stream_audio_url": STREAM.format("a")},
        {"clip_id": "b", "state": "streaming", "audio_url": "", "stream_audio_url": STREAM.format("b")},
    ]
    first = parse_callback(staged("first", first_clips), {}, vendor=STAGED, model=Open)
    assert isinstance(first, TaskProgress)
    assert (first.stage, first.status) == ("partial", "first")
    assert [(c.id, c.audio_url, c.stream_url, c.finished) for c in first.clips] == [
        ("a", MP3.format("a"), STREAM.format("a"), True),
        ("b", None, STREAM.format("b"), False),
    ]

    done_clips = [dict(first_clips[0]), {**first_clips[1], "state": "succeeded", "audio_url": MP3.format("b")}]
    complete = parse_callback(staged("complete", done_clips), {}, vendor=STAGED, model=Open)
    assert isinstance(complete, TaskResult)
    assert complete.audio_urls == (MP3.format("a"), MP3.format("b"))

    with pytest.raises(TaskFailedError) as caught:
        parse_callback(staged("error", msg="Sensitive word detected"), {}, vendor=STAGED, model=Open)
    assert (caught.value.task_id, caught.value.status, caught.value.reason) == (
        "k-1",
        "error",
        "Sensitive word detected",
    )


def test_a_complete_callback_without_clips_is_a_payload_error_never_an_empty_result() -> None:
    with pytest.raises(CallbackPayloadError, match=r"status complete but no clip at data\.data"):
        parse_callback(staged("complete", []), {}, vendor=STAGED, model=Open)


def test_a_complete_callback_whose_clips_still_stream_is_partial_not_a_result() -> None:
    streaming = [{"clip_id": "a", "state": "streaming", "audio_url": STREAM.format("a")}]
    got = parse_callback(staged("complete", streaming), {}, vendor=STAGED, model=Open)
    assert isinstance(got, TaskProgress)
    assert got.stage == "partial"
    assert got.clips[0].stream_url == STREAM.format("a")


def test_a_callback_and_a_poll_of_the_same_body_give_the_same_result(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://hooky.test/api/v1/suno/task/h-1").mock(json_response(200, json.loads(BODY)))
    with HookClient(KEY, clock=FakeClock()) as client:
        polled = client._wait("h-1", response_model=HookResponse)
    called = parse_callback(BODY, {}, vendor=HOOK, model=HookResponse)
    assert isinstance(called, TaskResult)
    assert (called.task_id, called.status, called.clips) == (polled.task_id, polled.status, polled.clips)
    assert called.clips[0].extra == {}


# -- a timestamped scheme ----------------------------------------------------------------------------------------


def stamped_headers(body: bytes, stamp: str, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Webhook-Signature": f"sha256={digest}", "X-Webhook-Timestamp": stamp}


@pytest.mark.parametrize("stamp", [str(int(NOW) - 299), str(int(NOW) + 60), str(int(NOW * 1000))])
def test_a_timestamped_signature_within_the_tolerance_is_accepted(stamp: str) -> None:
    got = parse_callback(BODY, stamped_headers(BODY, stamp), vendor=STAMPED, model=HookResponse, secret=SECRET, now=NOW)
    assert got.task_id == "h-1"


def test_a_timestamped_signature_older_than_the_tolerance_is_a_replay() -> None:
    headers = stamped_headers(BODY, str(int(NOW) - 301))
    with pytest.raises(CallbackSignatureError, match="replayed or delayed"):
        parse_callback(BODY, headers, vendor=STAMPED, model=HookResponse, secret=SECRET, now=NOW)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Webhook-Signature": "sha256=" + signature(BODY)},
        {"X-Webhook-Signature": "sha256=" + signature(BODY), "X-Webhook-Timestamp": "soon"},
        {"X-Webhook-Signature": "sha256=" + signature(BODY), "X-Webhook-Timestamp": str(int(NOW))},
    ],
    ids=["no-timestamp", "unreadable-timestamp", "body-alone-signed"],
)
def test_a_timestamped_scheme_rejects_a_signature_that_does_not_cover_the_timestamp(headers: dict[str, str]) -> None:
    with pytest.raises(CallbackSignatureError):
        parse_callback(BODY, headers, vendor=STAMPED, model=HookResponse, secret=SECRET, now=NOW)


def test_a_moved_timestamp_breaks_the_signature() -> None:
    headers = stamped_headers(BODY, str(int(NOW)))
    headers["X-Webhook-Timestamp"] = str(int(NOW) - 1)
    with pytest.raises(CallbackSignatureError, match="does not match"):
        parse_callback(BODY, headers, vendor=STAMPED, model=HookResponse, secret=SECRET, now=NOW)
