"""Callbacks: verify a webhook's signature by the spec's scheme, and read it as the progress or result polling gives.

Imported by the first parse_callback, not with the client: only webhook receivers need it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

import httpx
from pydantic_core import ValidationError

from .exceptions import CallbackPayloadError, CallbackSignatureError, ConfigurationError
from .paths import MISSING, first_present, format_paths
from .reading import MalformedTaskError, read_task, report
from .spec_data import Signature, Vendor
from .tasks import TaskProgress, TaskResult

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["parse_callback", "sign_callback", "signed_bytes", "verify_signature"]

M = TypeVar("M", bound="BaseModel")

# A timestamp this large is in milliseconds (1e11 s is the year 5138), as x-sunogen-unit reads unix times.
_MILLISECONDS = 1e11


def signed_bytes(body: bytes | str, signature: Signature, timestamp: str | None = None) -> bytes:
    """What the gateway's HMAC covers: the raw body, or the spec's timestamped message around it."""
    raw = body.encode() if isinstance(body, str) else body
    if signature.timestamp is None:
        return raw
    before, after = signature.timestamp.message.split("{body}")
    stamp = timestamp or ""
    return before.replace("{timestamp}", stamp).encode() + raw + after.replace("{timestamp}", stamp).encode()


def sign_callback(
    body: bytes | str, secret: str, signature: Signature | None = None, *, timestamp: str | None = None
) -> str:
    """The hex HMAC-SHA256 the gateway computes (of the raw body, or of the timestamped message), without prefix."""
    raw = body.encode() if isinstance(body, str) else body
    message = raw if signature is None else signed_bytes(raw, signature, timestamp)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    vendor: Vendor,
    body: bytes | str,
    headers: Mapping[str, str] | httpx.Headers,
    *,
    secret: str,
    now: float | None = None,
) -> None:
    """Raise CallbackSignatureError unless the vendor's signature header matches the body and the secret.

    The header carries one of the spec's prefixes and the hex digest; a timestamped scheme also needs its
    timestamp header, no further than the spec's tolerance from `now` (unix seconds, default the clock's).
    """
    signature = vendor.callback.signature if vendor.callback else None
    if signature is None:
        raise ConfigurationError(f"{vendor.id}: this gateway does not sign its callbacks", vendor=vendor.id)
    given = _header(headers, signature.header)
    if given is None or not given.strip():
        raise CallbackSignatureError(
            f"{vendor.id}: callback rejected: no {signature.header} header (expected an HMAC-SHA256 of the body)",
            vendor=vendor.id,
        )
    given = given.strip()
    digest = next(
        (
            given[len(prefix) :]
            for prefix in sorted(signature.prefixes, key=len, reverse=True)
            if given[: len(prefix)].lower() == prefix.lower()
        ),
        None,
    )
    stamp = _timestamp(vendor, signature, headers, now)
    expected = sign_callback(body, secret, signature, timestamp=stamp)
    # Compare bytes: compare_digest on str rejects non-ASCII input with TypeError instead of answering False.
    if digest is None or not hmac.compare_digest(expected.encode(), digest.lower().encode("utf-8", "replace")):
        raise CallbackSignatureError(
            f"{vendor.id}: callback rejected: the {signature.header} header does not match the body", vendor=vendor.id
        )


def _timestamp(
    vendor: Vendor, signature: Signature, headers: Mapping[str, str] | httpx.Headers, now: float | None
) -> str | None:
    """The timestamp header's value when the scheme has one, after checking it is recent."""
    scheme = signature.timestamp
    if scheme is None:
        return None
    stamp = _header(headers, scheme.header)
    try:
        seconds = float(stamp.strip()) if stamp is not None else None
    except ValueError:
        seconds = None
    if stamp is None or seconds is None or seconds != seconds:
        raise CallbackSignatureError(
            f"{vendor.id}: callback rejected: no readable {scheme.header} header (the signature covers it)",
            vendor=vendor.id,
        )
    if seconds >= _MILLISECONDS:
        seconds /= 1000
    current = time.time() if now is None else now
    if abs(current - seconds) > scheme.tolerance:
        raise CallbackSignatureError(
            f"{vendor.id}: callback rejected: its {scheme.header} is {abs(current - seconds):.0f}s from now "
            f"(at most {scheme.tolerance:.0f}s): a replayed or delayed callback",
            vendor=vendor.id,
        )
    return stamp.strip()


def _header(headers: Mapping[str, str] | httpx.Headers, name: str) -> str | None:
    """A header's value, by case-insensitive name (web frameworks hand over dicts, multidicts or httpx.Headers)."""
    if isinstance(headers, httpx.Headers):
        found: str | None = headers.get(name)
        return found
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def parse_callback(
    body: bytes | str,
    headers: Mapping[str, str] | httpx.Headers,
    *,
    vendor: Vendor,
    model: type[M],
    secret: str | None = None,
    now: float | None = None,
) -> TaskResult[M] | TaskProgress[M]:
    """Verify (when `secret` is given) and read a callback request's raw body as the task it reports.

    Returns what a wait would: a TaskResult for a finished task, a TaskProgress (pending, or partial with the
    clips so far) otherwise; a failed task raises TaskFailedError with the vendor's reason. `.response` is the
    body as `model`. Pass the raw body exactly as received: the signature covers its bytes. With a secret, a
    vendor that signs must send a matching signature, or CallbackSignatureError is raised before the body is
    read; a secret for a vendor that does not sign is a ConfigurationError (it would protect nothing). Without a
    secret the body is read unverified: only do that when you gave the vendor no webhook secret.
    """
    callback = vendor.callback
    if callback is None:
        raise ConfigurationError(f"{vendor.id}: the spec documents no callback", vendor=vendor.id)
    if secret is not None:
        if not secret:
            raise ConfigurationError(f"{vendor.id}: the webhook secret is empty", vendor=vendor.id)
        verify_signature(vendor, body, headers, secret=secret, now=now)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise CallbackPayloadError(f"{vendor.id}: the callback body is not JSON ({exc})", vendor=vendor.id) from None
    try:
        payload = model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        summary = "; ".join(f"{'.'.join(str(part) for part in e['loc']) or '(body)'}: {e['msg']}" for e in errors[:5])
        raise CallbackPayloadError(
            f"{vendor.id}: the callback body does not match {model.__name__}: {summary}",
            vendor=vendor.id,
            errors=errors,
        ) from None
    read = callback.read
    task_id = first_present(data, read.task_id, skip_empty=True)
    if task_id is MISSING or isinstance(task_id, bool | dict | list):
        raise CallbackPayloadError(
            f"{vendor.id}: the callback names no task at {format_paths(read.task_id)}", vendor=vendor.id
        )
    try:
        snapshot = read_task(read, vendor.clips, data)
    except MalformedTaskError as exc:
        raise CallbackPayloadError(f"{vendor.id}: malformed callback: {exc}", vendor=vendor.id) from None
    return report(snapshot, vendor=vendor.id, task_id=str(task_id), poll=read, data=data, model=payload, scrub=str)
