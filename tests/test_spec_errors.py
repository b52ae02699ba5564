"""Error snapshots: each file in specs_with_errors/ is a broken spec whose `# expect:` lines are its exact errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sunogen
from sunogen.cli import main

from .conftest import ROOT

BROKEN = sorted((ROOT / "tests" / "specs_with_errors").glob("[!_]*.yaml"))


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _expected(path: Path) -> list[str]:
    return [line.removeprefix("# expect: ") for line in path.read_text().splitlines() if line.startswith("# expect: ")]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_spec_reports_exactly_its_expected_errors(path: Path) -> None:
    with pytest.raises(sunogen.SpecErrors) as caught:
        sunogen.generate({_relative(path): path.read_text()})
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
