"""The layout tells the truth: one name for one concept, so a reader never has to ask which `models.py` is meant."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

GENERATOR = ROOT / "generator" / "sunogen"


def _modules() -> list[Path]:
    return sorted(p for p in GENERATOR.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_two_generator_modules_share_a_name() -> None:
    seen: dict[str, list[str]] = {}
    for path in _modules():
        if path.name != "__init__.py":
            seen.setdefault(path.name, []).append(str(path.relative_to(GENERATOR)))
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}


def test_there_is_one_missing_sentinel() -> None:
    classes = [
        f"{path.relative_to(GENERATOR)}:{node.name}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name.lstrip("_").lower() == "missing"
    ]
    assert classes == ["runtime/missing.py:Missing"]
