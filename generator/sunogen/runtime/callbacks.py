"""Callbacks: verify a webhook's HMAC-SHA256 signature and parse its body into the documented payload model."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

import httpx
from pydantic_core import ValidationError

from .descriptors import Vendor
from .exceptions import CallbackPayloadError, CallbackSignatureError, ConfigurationError

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["parse_callback", "sign_callback", "verify_signature"]

M = TypeVar("M", bound="BaseModel")

# musicapi.ai, the twin of sunoapi.com, writes "sha256=<hex>"; the bare hex digest is the documented form.
_PREFIX = "sha256="


def sign_callback(body: bytes | str, secret: str) -> str:
    """The hex HMAC-SHA256 of the raw body keyed by the webhook secret (what the vendor puts in the header)."""
    raw = body.encode() if isinstance(body, str) else body
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def verify_signature(
    vendor: Vendor, body: bytes | str, headers: Mapping[str, str] | httpx.Headers, *, secret: str
) -> None:
    """Raise CallbackSignatureError unless the vendor's signature header matches the body and the secret."""
    signature = vendor.callback_signature
    if signature is None:
        raise ConfigurationError(f"{vendor.id}: this gateway does not sign its callbacks", vendor=vendor.id)
    given = _header(headers, signature.header)
    if given is None or not given.strip():
        raise CallbackSignatureError(
            f"{vendor.id}: callback rejected: no {signature.header} header (expected the body's HMAC-SHA256)",
            vendor=vendor.id,
        )
    given = given.strip()
    if given[: len(_PREFIX)].lower() == _PREFIX:
        given = given[len(_PREFIX) :]
    expected = sign_callback(body, secret)
    # Compare bytes: compare_digest on str rejects non-ASCII input with TypeError instead of answering False.
    if not hmac.compare_digest(expected.encode(), given.lower().encode("utf-8", "replace")):
        raise CallbackSignatureError(
            f"{vendor.id}: callback rejected: the {signature.header} header does not match the body", vendor=vendor.id
        )


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
) -> M:
    """Verify (when `secret` is given) and parse a callback request's raw body into `model`.

    Pass the raw body exactly as received: the signature covers its bytes. With a secret, a vendor that signs
    must send a matching signature header, or CallbackSignatureError is raised before the body is read; a
    secret for a vendor that does not sign is a ConfigurationError (it would protect nothing). Without a
    secret the body is parsed unverified: only do that when you gave the vendor no webhook secret.
    """
    if secret is not None:
        if not secret:
            raise ConfigurationError(f"{vendor.id}: the webhook secret is empty", vendor=vendor.id)
        verify_signature(vendor, body, headers, secret=secret)
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise CallbackPayloadError(f"{vendor.id}: the callback body is not JSON ({exc})", vendor=vendor.id) from None
    except RecursionError:  # a body nested thousands deep is no callback the vendor sends
        raise CallbackPayloadError(f"{vendor.id}: the callback body is nested too deeply", vendor=vendor.id) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        summary = "; ".join(f"{'.'.join(str(part) for part in e['loc']) or '(body)'}: {e['msg']}" for e in errors[:5])
        raise CallbackPayloadError(
            f"{vendor.id}: the callback body does not match {model.__name__}: {summary}",
            vendor=vendor.id,
            errors=errors,
        ) from None
