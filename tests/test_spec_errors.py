"""Error snapshots: each file in specs_with_errors/ is a broken spec whose `# expect:` lines are its exact errors;
every error code the generator's source names is shown by at least one of them.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

import sunogen
from sunogen.cli import main
from sunogen.load import read_spec

from .conftest import ROOT

FOLDER = ROOT / "tests" / "specs_with_errors"
# .yml too: a spec named so is one of the mistakes; each file is read as bytes, as read_specs reads it
BROKEN = sorted([*FOLDER.glob("[!_]*.yaml"), *FOLDER.glob("[!_]*.yml")])


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _text(path: Path) -> str:
    return read_spec(path.read_bytes())


def _expected(path: Path) -> list[str]:
    return [line.removeprefix("# expect: ") for line in _text(path).splitlines() if line.startswith("# expect: ")]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_broken_spec_reports_exactly_its_expected_errors(path: Path) -> None:
    with pytest.raises(sunogen.SpecErrors) as caught:
        sunogen.generate({_relative(path): _text(path)})
    assert [str(e) for e in caught.value.errors] == _expected(path)


def test_the_valid_base_of_the_broken_specs_generates() -> None:
    path = ROOT / "tests" / "specs_with_errors" / "_valid.yaml"
    files = sunogen.generate({"specs/example.yaml": path.read_text()})
    assert "suno_clients/_validators/example.py" in files


def test_errors_of_several_specs_come_out_together_sorted_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    # a load error, check errors, and errors only building finds (method names), from three specs at once
    chosen = [p for p in BROKEN if p.stem in {"duplicate_key", "several_errors_at_once", "two_poll_operations"}]
    for path in chosen:
        (specs / path.name).write_text(path.read_text())
    out = tmp_path / "out"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        status = main(["generate", "--specs", "specs", "--out", "out"])
    finally:
        os.chdir(cwd)
    assert status == 1
    printed = capsys.readouterr().err.splitlines()
    expected = sorted(e.replace("tests/specs_with_errors/", "specs/") for p in chosen for e in _expected(p))
    assert printed[:-1] == expected
    assert printed[-1] == f"sunogen: {len(expected)} error(s); nothing written"
    assert not out.exists()


def test_a_spec_error_is_reported_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text("openapi: 3.1.0\ninfo: [\n")
    assert main(["generate", "--specs", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "yaml-syntax" in err
    assert "Traceback" not in err


def test_an_empty_specs_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(sunogen.SpecErrors, match="no-specs"):
        sunogen.generate(sunogen.read_specs(tmp_path))


# -- one snapshot per error code ----------------------------------------------------------------------------------

GENERATOR = ROOT / "generator" / "sunogen"
# The stages that report spec errors; the runtime and the emulator report none of their own.
STAGES = sorted(p for p in GENERATOR.rglob("*.py") if not {"runtime", "serve"} & set(p.relative_to(GENERATOR).parts))
# Every way a stage names an error code: the callables that take one (as the stages spell them), and the position
# it takes there; and the value kind whose `code=` is the code it reports (rules/values.Choice).
REPORTERS = {
    "SpecError": 3,
    "spec.error": 1,
    "self.spec.error": 1,
    "self.error": 1,
    "self.report": 1,
    "self.problem": 1,
    "self._refuse": 1,
    "Problem": 1,
}
CODE_KEYWORD = {"Choice"}
# What passes on a code given to it, by the name it was given it under: no new code.
FORWARDED = {"code", "p.code", "self.code"}
CODE = re.compile(r"^[a-z]+(?:-[a-z0-9]+)*$")
# A code no spec file can show, with the test that shows it.
NOT_IN_A_SPEC = {"no-specs": "test_an_empty_specs_folder_is_an_error (a folder without specs has no file to show)"}


def _dotted(node: ast.expr) -> str | None:
    """A callee spelt as a dotted name (`spec.error`), as ast.unparse spells it; None for any other expression.
    (Unparsing every call of every stage was most of what collecting this file cost.)"""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


def _emitted() -> dict[str, list[str]]:
    """Each error code the stages can emit, with where (file:line) each is named, read from their source."""
    found: dict[str, list[str]] = {}
    forwarded: list[str] = []
    for path in STAGES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            named: list[ast.expr] = []
            if isinstance(node, ast.Call):
                callee = _dotted(node.func) or ""
                position = REPORTERS.get(callee)
                if position is not None and len(node.args) > position:
                    named.append(node.args[position])
                if callee in CODE_KEYWORD:
                    named += [k.value for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple) and node.value.elts:
                function = parents.get(node)
                while function is not None and not isinstance(function, ast.FunctionDef):
                    function = parents.get(function)
                # a keyword's value problems: (code, message) pairs, as rules/values.Problem types them
                if function is not None and function.returns is not None and "Problem" in ast.unparse(function.returns):
                    named.append(node.value.elts[0])
            if not named:
                continue
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            for expr in named:
                if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                    assert CODE.match(expr.value), f"{where}: {expr.value!r} is not an error code"
                    found.setdefault(expr.value, []).append(where)
                elif ast.unparse(expr) not in FORWARDED:
                    forwarded.append(f"{where}: {ast.unparse(expr)}")
    assert forwarded == [], f"a code named by an expression this test cannot read: {forwarded}"
    return {
        code: sorted(places, key=lambda p: (p.split(":")[0], int(p.split(":")[1]))) for code, places in found.items()
    }


EMITTED = _emitted()
SHOWN = {line.split(": ")[1]: path.name for path in BROKEN for line in _expected(path)}


@pytest.mark.parametrize("code", sorted(set(EMITTED) - set(NOT_IN_A_SPEC)))
def test_every_error_code_the_generator_emits_has_a_snapshot_that_shows_it(code: str) -> None:
    assert code in SHOWN, (
        f"no spec in tests/specs_with_errors/ shows {code!r} (emitted at {', '.join(EMITTED[code])}): "
        "add one whose `# expect:` lines are its errors"
    )


def test_every_code_a_snapshot_shows_is_one_the_source_names() -> None:
    # what holds the enumeration above to the truth: a code emitted some way it cannot read would show here
    assert sorted(set(SHOWN) - set(EMITTED)) == []
    for code, shown_by in NOT_IN_A_SPEC.items():
        assert code in EMITTED, f"{code!r} is no longer emitted: drop it from NOT_IN_A_SPEC"
        assert shown_by.split()[0] in globals(), f"{code!r} is said to be shown by a test that does not exist"
