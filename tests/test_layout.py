"""The layout tells the truth: one name for one concept, so a reader never has to ask which `models.py` is meant."""

from __future__ import annotations

import ast
import re
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


def test_the_readme_s_layout_names_every_module_of_the_generator() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith("| `generator/sunogen/` |")]
    named = set(re.findall(r"`(\w+)/?`", row))
    modules = {p.stem for p in GENERATOR.glob("*.py") if p.name != "__init__.py"}
    packages = {p.parent.name for p in GENERATOR.glob("*/__init__.py")} - {"runtime", "serve"}  # rows of their own
    assert sorted((modules | packages) - named) == []


def test_there_is_one_missing_sentinel() -> None:
    classes = [
        f"{path.relative_to(GENERATOR)}:{node.name}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name.lstrip("_").lower() == "missing"
    ]
    assert classes == ["runtime/missing.py:Missing"]
