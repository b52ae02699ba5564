"""Callbacks: the HMAC-SHA256 signature is checked (good, bad, missing) before the payload is parsed."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest

from sunogen.runtime.callbacks import parse_callback, sign_callback
from sunogen.runtime.exceptions import CallbackPayloadError, CallbackSignatureError, ConfigurationError

from .support import ACME, HOOK, HookResponse

SECRET = "whsec-5f2b9c"
BODY = json.dumps(
    {
        "code": 200,
        "data": [
            {
                "clip_id": "a",
                "state": "succeeded",
                "audio_url": "https://cdn1.suno.ai/a.mp3",
                "duration": "104.88",
                "new_field": 1,
            }
        ],
    }
).encode()


def signature(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_callback_with_a_good_signature_is_parsed_into_the_model() -> None:
    payload = parse_callback(BODY, {"X-Signature": signature(BODY)}, vendor=HOOK, model=HookResponse, secret=SECRET)
    assert payload.data[0].clip_id == "a"
    assert payload.data[0].duration == "104.88"


def test_signature_header_name_is_case_insensitive_and_a_str_body_is_accepted() -> None:
    headers = httpx.Headers({"x-signature": signature(BODY).upper()})
    payload = parse_callback(BODY.decode(), headers, vendor=HOOK, model=HookResponse, secret=SECRET)
    assert payload.code == 200


def test_sha256_prefixed_signature_is_accepted() -> None:
    headers = {"X-Signature": "sha256=" + signature(BODY)}
    assert parse_callback(BODY, headers, vendor=HOOK, model=HookResponse, secret=SECRET).code == 200


@pytest.mark.parametrize(
    "header",
    [
        signature(BODY, "another-secret"),
        signature(BODY + b" "),
        "not-hex-at-all",
        "é" * 64,
    ],
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


def test_without_a_secret_the_body_is_parsed_unverified() -> None:
    assert parse_callback(BODY, {}, vendor=HOOK, model=HookResponse).data[0].state == "succeeded"


def test_a_secret_for_a_vendor_that_does_not_sign_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="does not sign"):
        parse_callback(BODY, {"X-Signature": signature(BODY)}, vendor=ACME, model=HookResponse, secret=SECRET)


def test_an_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="empty"):
        parse_callback(BODY, {"X-Signature": signature(BODY)}, vendor=HOOK, model=HookResponse, secret="")


@pytest.mark.parametrize(
    ("body", "problem"),
    [(b"{truncated", "not JSON"), (b'{"code": 200, "data": [{"state": "failed"}]}', "data.0.clip_id")],
)
def test_a_signed_but_malformed_payload_raises_callback_payload_error(body: bytes, problem: str) -> None:
    with pytest.raises(CallbackPayloadError, match=problem):
        parse_callback(body, {"X-Signature": signature(body)}, vendor=HOOK, model=HookResponse, secret=SECRET)


def test_sign_callback_is_the_hex_hmac_sha256_of_the_raw_body() -> None:
    assert sign_callback(BODY, SECRET) == signature(BODY)
    assert sign_callback(BODY.decode(), SECRET) == signature(BODY)
