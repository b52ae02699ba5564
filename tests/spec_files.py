"""The specs as the tests read them: each file parsed once (by libyaml, as `sunogen.load` parses), each IR built once.

`spec_document` hands out a deep copy, so a test may change what it gets; `dump` writes a document back as YAML
text (for `sunogen.load`, or a copied specs folder). PyYAML's pure-Python loader takes about 95 ms a spec, its C
loader 13 ms and a deep copy 1 ms: the suite reads the five specs some hundred times.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sunogen import ir
from sunogen.build import build
from sunogen.check import check
from sunogen.load import load

from .conftest import SPECS

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

VENDORS = tuple(sorted(path.stem for path in SPECS.glob("*.yaml")))
"""Every spec in specs/, by vendor id."""


def parse(text: str) -> Any:
    """YAML text as plain data, as yaml.safe_load reads it."""
    return yaml.load(text, Loader=_LOADER)


def dump(document: Any) -> str:
    """A document as YAML text, keys in their order."""
    text: str = yaml.dump(document, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
    return text


@cache
def _parsed(path: Path) -> Any:
    return parse(path.read_text(encoding="utf-8"))


def spec_document(vendor: str, folder: Path = SPECS) -> dict[str, Any]:
    """`<folder>/<vendor>.yaml` as plain data: a copy of its own, which the caller may change."""
    document: dict[str, Any] = copy.deepcopy(_parsed(folder / f"{vendor}.yaml"))
    return document


@cache
def built_spec(file: str, text: str) -> ir.Vendor:
    """The IR of one spec's text, which must check clean (the same text is built once per run)."""
    spec = load(file, text)
    errors = check(spec)
    assert not errors, "\n".join(map(str, errors))
    return build(spec)


def vendor_ir(vendor: str, folder: Path = SPECS) -> ir.Vendor:
    """The IR of `<folder>/<vendor>.yaml`, built as `sunogen generate` builds it."""
    path = folder / f"{vendor}.yaml"
    return built_spec(f"specs/{vendor}.yaml", path.read_text(encoding="utf-8"))
