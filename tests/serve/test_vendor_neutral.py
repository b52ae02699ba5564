"""The emulator names no gateway: no vendor, host, code, URL pattern or signature detail of any spec is in its code.

It serves whatever spec it is given, so everything it knows of a gateway comes through the spec (the same scan as
tests/test_runtime_is_vendor_neutral.py makes of the runtime).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.test_runtime_is_vendor_neutral import vendor_codes, vendor_words

from .harness import ROOT

SERVE = sorted((ROOT / "generator" / "sunogen" / "serve").glob("*.py"))


@pytest.mark.parametrize("path", SERVE, ids=lambda p: p.name)
def test_no_emulator_module_names_a_vendor_a_host_or_a_vendor_detail(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    found = sorted(w for w in vendor_words() if re.search(rf"(?<![\w.-]){re.escape(w)}(?![\w-])", text))
    assert not found, f"serve/{path.name} names {found}: that meaning belongs in the spec"


@pytest.mark.parametrize("path", SERVE, ids=lambda p: p.name)
def test_no_emulator_module_holds_a_vendor_familys_codes(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    numbers = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and type(node.value) is int}
    found = sorted(numbers & vendor_codes())
    assert not found, f"serve/{path.name} holds the codes {found}: what they mean belongs in the spec's error table"
