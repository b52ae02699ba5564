"""The runtime holds no gateway's meanings: no vendor, host, code, URL pattern or signature detail of any spec.

Whatever a spec says (its error table, its clips' URLs, its callback signature) must come to the runtime through
the generated VENDOR descriptor, so that a new gateway is a new spec and nothing else.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from sunogen.runtime.kinds import HTTP_KINDS

from .conftest import ROOT
from .spec_files import VENDORS, spec_document

RUNTIME = sorted((ROOT / "generator" / "sunogen" / "runtime").glob("*.py"))


@functools.cache
def _specs() -> list[tuple[str, dict[str, Any]]]:
    return [(vendor, spec_document(vendor)) for vendor in VENDORS]


def _error_entries(spec: dict[str, Any]) -> list[dict[str, Any]]:
    entries = list(spec.get("x-sunogen-errors", []))
    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict):
                entries += op.get("x-sunogen-errors", [])
    return entries


@functools.cache
def vendor_words() -> frozenset[str]:
    """Names, hosts, string codes and URL and signature details the specs give, which no runtime text may hold."""
    words: set[str] = set()
    for vendor, spec in _specs():
        words.add(vendor)
        words |= {urlsplit(server["url"]).hostname or "" for server in spec.get("servers", [])}
        words |= {str(e["code"]) for e in _error_entries(spec) if isinstance(e.get("code"), str)}
        clips = spec.get("x-sunogen-clips", {})
        for pattern in clips.get("streams", []) + clips.get("placeholders", []):
            host = urlsplit(pattern["example"]).hostname or ""
            words |= {host, host.split(".")[0], pattern["example"].rsplit("/", 1)[-1].lower()}
        signature = spec.get("x-sunogen-callback", {}).get("signature", {})
        words |= {signature.get("header", "")} | {p for p in _list(signature.get("prefix")) if p}
    return frozenset(word.lower() for word in words if word)


@functools.cache
def vendor_codes() -> frozenset[int]:
    """The numeric codes the specs' error tables give a meaning HTTP does not give them (by the number alone: an
    entry that also needs a message, such as a 403 that speaks of credits, leaves the number its HTTP meaning)."""
    return frozenset(
        number
        for _, spec in _specs()
        for entry in _error_entries(spec)
        for number in (entry.get("code"), entry.get("status"))
        if isinstance(number, int) and "message" not in entry and entry["kind"] != _http_kind(number)
    )


def _http_kind(status: int) -> str | None:
    return HTTP_KINDS.get(status, "server-error" if 500 <= status < 600 else None)


def _list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: p.name)
def test_no_runtime_module_names_a_vendor_a_host_or_a_vendor_detail(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    found = sorted(w for w in vendor_words() if re.search(rf"(?<![\w.-]){re.escape(w)}(?![\w-])", text))
    assert not found, f"runtime/{path.name} names {found}: that meaning belongs in the spec"


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: p.name)
def test_no_runtime_module_holds_a_vendor_familys_codes(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    numbers = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and type(node.value) is int}
    found = sorted(numbers & vendor_codes())
    assert not found, f"runtime/{path.name} holds the codes {found}: what they mean belongs in the spec's error table"


def test_the_scan_knows_the_vendor_details_it_looks_for() -> None:
    # A scan that finds nothing because it looks for nothing would pass forever.
    assert {"audiopipe", "none.mp3", "x-signature", "sha256=", "invalid_request"} <= vendor_words()
    assert {455, 501, 505} <= vendor_codes()
