"""Stages 1 to 5 for one spec (load, check, build, rules, render, examples, models): a vendor's files, unformatted.

No stage reads another spec, so each spec is made on its own: the specs a run must make are shared out among
worker processes (workers.py), and one whose text and generator are unchanged is not made at all (cache.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .build import build
from .cache import Cache
from .check import check
from .datamodels import vendor_models
from .diagnostics import SpecError, SpecErrors
from .examples import check_examples, validators_path
from .load import load
from .render import VendorParts, render_models, render_vendor
from .rules.compiler import compile_rules


@dataclass(frozen=True, slots=True)
class Made:
    """What one spec made: its vendor id and content hash (for the package's files), and its files or its errors."""

    vendor: str
    content_hash: str = ""
    files: dict[str, str] = field(default_factory=dict)
    errors: tuple[SpecError, ...] = ()

    def entry(self) -> dict[str, Any]:
        """What the cache stores of a spec that made its files (`Made(**entry)` is this again)."""
        return {"vendor": self.vendor, "content_hash": self.content_hash, "files": self.files}


def vendor_key(cache: Cache, file: str, text: str) -> str:
    """The cache key of what one spec makes: its file's name and text (and the generator, as every key)."""
    return cache.key("vendor", PurePath(file).name, text)


def make_vendor(file: str, text: str, cache: Cache) -> Made:
    """Every file of one vendor, unformatted; or every error its spec has (nothing is made from a wrong spec)."""
    stem = PurePath(file).stem
    try:
        spec = load(file, text)
        errors = check(spec)
        if errors:
            return Made(stem, errors=tuple(errors))
        vendor = build(spec)
    except SpecErrors as exc:
        return Made(stem, errors=exc.errors)
    files = render_vendor(VendorParts(vendor, compile_rules(vendor)), cache.compiled_templates)
    # the spec's own request examples must pass the validators just rendered from it
    errors = check_examples(spec, files[validators_path(vendor.id)])
    if errors:
        return Made(vendor.id, errors=tuple(errors))
    files |= render_models(vendor, vendor_models(vendor, cache), cache.compiled_templates)
    return Made(vendor.id, vendor.content_hash, files)
