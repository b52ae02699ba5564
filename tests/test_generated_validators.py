"""The generated validator modules read like code a person wrote: every function called, named and placed by the spec.

Checked on every validator module generated/ holds and on those of the fixture specs (which use keywords no shipped
spec does): no private function or constant that nothing reaches from the public validators (a walk of the
module's call graph), each function under a comment naming its spec file, a JSON pointer that resolves there and
the rule it belongs to, functions in spec order, and names that say where they come from.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import sunogen
from sunogen.load import load

from .conftest import GENERATED, ROOT
from .fixture_package import FIXTURE_SPECS

COMMENT = re.compile(r"^# (specs/[a-z0-9_]+\.yaml)#(/\S*)(?: \(rule ([a-z0-9-]+)\))?$")
NAME = re.compile(r"^_(?:check|valid)_[A-Za-z0-9_]+$")
NUMBERED = re.compile(r"^_(?:ok|err|[A-Z])\d+$")


@cache
def _fixture_modules() -> dict[str, str]:
    sources = {f"specs/{p.stem}.yaml": p.read_text(encoding="utf-8") for p in sorted(FIXTURE_SPECS.glob("*.yaml"))}
    files = sunogen.generate(sources)
    prefix = "suno_clients/_validators/"
    return {path: text for path, text in files.items() if path.startswith(prefix) and not path.endswith("__init__.py")}


def _modules() -> list[tuple[str, str, str]]:
    """(id, module text, spec text) for every generated validator module, shipped and fixture."""
    found = []
    for path in sorted((GENERATED / "suno_clients" / "_validators").glob("[!_]*.py")):
        spec = ROOT / "specs" / f"{path.stem}.yaml"
        found.append((f"shipped-{path.stem}", path.read_text(encoding="utf-8"), spec.read_text(encoding="utf-8")))
    for name, text in _fixture_modules().items():
        stem = Path(name).stem
        found.append((f"fixture-{stem}", text, (FIXTURE_SPECS / f"{stem}.yaml").read_text(encoding="utf-8")))
    return found


MODULES = _modules()


def _names_used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def test_every_shipped_and_fixture_spec_has_its_validator_module() -> None:
    shipped = {p.stem for p in (ROOT / "specs").glob("*.yaml")}
    fixtures = {p.stem for p in FIXTURE_SPECS.glob("*.yaml")}
    assert {m[0] for m in MODULES} == {f"shipped-{s}" for s in shipped} | {f"fixture-{s}" for s in fixtures}


@pytest.mark.parametrize(("text", "spec"), [m[1:] for m in MODULES], ids=[m[0] for m in MODULES])
def test_every_private_function_and_constant_is_reached_from_a_public_validator(text: str, spec: str) -> None:
    tree = ast.parse(text)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    constants = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.startswith("_")
    }
    # the roots: public functions, and whatever module-level code (RULES, OPERATIONS) names
    reached: set[str] = {name for name in functions if not name.startswith("_")}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) and not (isinstance(node, ast.Assign) and _assigns_private(node)):
            reached |= _names_used(node)
    pending = list(reached)
    while pending:
        function = functions.get(pending.pop())
        if function is not None:
            new = _names_used(function) - reached
            reached |= new
            pending.extend(new)
    unreached = sorted((set(functions) | constants) - reached)
    assert unreached == [], f"emitted but never called or read: {unreached}"


def _assigns_private(node: ast.Assign) -> bool:
    return all(isinstance(t, ast.Name) and t.id.startswith("_") for t in node.targets)


def _resolve(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _rule_around(document: Any, pointer: str) -> str | None:
    """The title of the innermost titled node at or above `pointer`, below its component's root."""
    steps = pointer.split("/")
    nodes = [_resolve(document, "/".join(steps[:n])) for n in range(5, len(steps) + 1)]
    found = [node["title"] for node in nodes if isinstance(node, dict) and isinstance(node.get("title"), str)]
    return found[-1] if found else None


@pytest.mark.parametrize(("text", "spec"), [m[1:] for m in MODULES], ids=[m[0] for m in MODULES])
def test_every_function_names_its_place_in_the_spec_and_they_come_in_spec_order(text: str, spec: str) -> None:
    document = yaml.safe_load(spec)
    marks = load("specs/x.yaml", spec).marks
    lines = text.splitlines()
    places: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        if not line.startswith("def _"):
            continue
        name = line.removeprefix("def ").split("(")[0]
        assert NAME.match(name), f"{name} does not say it checks or tests a node"
        comment = COMMENT.match(lines[number - 1])
        assert comment is not None, f"{name} has no comment naming its place in the spec: {lines[number - 1]!r}"
        _, pointer, rule = comment.groups()
        _resolve(document, pointer)  # the pointer is a real place in the spec
        assert rule == _rule_around(document, pointer), f"{name}: the comment's rule and the spec disagree"
        places.append((marks[pointer].line, marks[pointer].column))
    assert places == sorted(places), "functions are not in spec order"


@pytest.mark.parametrize(("text", "spec"), [m[1:] for m in MODULES], ids=[m[0] for m in MODULES])
def test_no_name_is_a_bare_number(text: str, spec: str) -> None:
    tree = ast.parse(text)
    named = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    named += [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert [n for n in named if NUMBERED.match(n)] == []
